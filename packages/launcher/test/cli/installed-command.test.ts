import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const launcherDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workspaceRoot = resolve(launcherDir, '../..');

// `cloudpool` must be a command of the package that ships the CLI, so that `pnpm exec
// cloudpool`, `npx cloudpool` and a global install find it, not only the root's script.
describe('the installed cloudpool command', () => {
  const prefixes: string[] = [];
  afterAll(() => {
    for (const prefix of prefixes) rmSync(prefix, { recursive: true, force: true });
  });

  it('is the bin of @cloudpool/launcher, an executable node script', () => {
    const manifest = JSON.parse(readFileSync(join(launcherDir, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(manifest.bin).toEqual({ cloudpool: './bin/cloudpool.js', 'nodepool-launcher': './bin/nodepool-launcher.js' });
    const script = join(launcherDir, manifest.bin!.cloudpool!);
    expect(readFileSync(script, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(script).mode & 0o111).not.toBe(0);
  });

  it("runs from the workspace's node_modules/.bin, where pnpm exec and npx look", async () => {
    const linked = join(workspaceRoot, 'node_modules', '.bin', 'cloudpool');
    expect(existsSync(linked)).toBe(true);
    const { stdout } = await run(linked, ['--help'], { cwd: workspaceRoot, timeout: 60_000 });
    expect(stdout).toMatch(/^Usage: cloudpool /);
  });

  it('runs after a global install of the package', async () => {
    const prefix = mkdtempSync(join(tmpdir(), 'cloudpool-global-'));
    prefixes.push(prefix);
    await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', launcherDir], { timeout: 120_000 });
    const { stdout } = await run(join(prefix, 'bin', 'cloudpool'), ['--help'], { cwd: tmpdir(), timeout: 60_000 });
    expect(stdout).toMatch(/^Usage: cloudpool /);
  }, 180_000);
});
