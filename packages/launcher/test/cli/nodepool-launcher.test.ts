import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listComponents } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { configText, fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { cloudpool, testIo, useTempDir } from './cli-test-kit.js';

const BIN = fileURLToPath(new URL('../../bin/nodepool-launcher.js', import.meta.url));
/** `2026-12-04 19:02:30,123 INFO nodepool.launcher: <message>`: Nodepool's default format. */
const NODEPOOL_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) nodepool\.launcher: /;
/** A real process compiles the TypeScript sources at start: seconds on a busy machine. */
const PROCESS_MS = 90_000;

/** Runs the real `nodepool-launcher` program; resolves with its exit code and output. */
function nodepoolLauncher(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("nodepool-launcher: Nodepool's command line", () => {
  const harness = useLauncherHarness();
  const tempDir = useTempDir();

  it('without -d or -f runs as a daemon: detached, holding the pid file, logging through the -l dictConfig; SIGTERM ends it', async () => {
    const dir = tempDir();
    const config = path.join(dir, 'nodepool.yaml');
    const pidfile = path.join(dir, 'launcher.pid');
    const logFile = path.join(dir, 'launcher.log');
    await writeFile(config, configText(harness().chroot, 'labels: []\n'));
    const logging = path.join(dir, 'logging.yaml');
    await writeFile(
      logging,
      `version: 1
formatters:
  simple:
    format: '%(asctime)s %(levelname)s %(name)s: %(message)s'
handlers:
  normal:
    class: logging.handlers.WatchedFileHandler
    filename: ${logFile}
    level: DEBUG
    formatter: simple
loggers:
  nodepool:
    handlers: [normal]
    level: DEBUG
root:
  handlers: []
`,
    );
    const started = await nodepoolLauncher(['-c', config, '-l', logging, '-p', pidfile, '--no-webapp']);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const pid = Number(readFileSync(pidfile, 'utf8'));
    expect(started.stdout).toBe(`nodepool-launcher: running as a daemon, pid ${pid}\n`);
    expect(alive(pid)).toBe(true);
    try {
      await waitFor(async () => (await listComponents(harness().requester.client, 'launcher')).length === 1, PROCESS_MS);
      const lines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line !== '');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(NODEPOOL_LINE);
      expect(lines).toContainEqual(expect.stringMatching(/INFO nodepool\.launcher: configuration loaded from /));

      // A second daemon on the same pid file is refused while the first runs.
      const second = await nodepoolLauncher(['-c', config, '-p', pidfile, '--no-webapp']);
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(`nodepool-launcher: pid file ${pidfile} names process ${pid}, which is running: is another launcher running? (-p names another file)\n`);
    } finally {
      process.kill(pid, 'SIGTERM');
    }
    await waitFor(() => !alive(pid), PROCESS_MS);
    expect(existsSync(pidfile)).toBe(false);
    expect(await listComponents(harness().requester.client, 'launcher')).toEqual([]);
  }, 4 * PROCESS_MS);

  it('--version prints the version; -d in the foreground logs Nodepool text lines at debug on stdout', async () => {
    const version = await nodepoolLauncher(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: 'cloudpool 0.1.0\n' });

    const file = path.join(tempDir(), 'nodepool.yaml');
    await writeFile(file, configText(harness().chroot, `labels:\n  - name: small\nproviders:\n${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}`)}`));
    const test = testIo({ drivers: new Map([['fake', harness().driver]]) });
    const { runNodepoolLauncher } = await import('../../src/cli/program.js');
    const exit = runNodepoolLauncher(['-c', file, '-d', '--no-webapp'], test.io);
    await waitFor(async () => (await listComponents(harness().requester.client, 'pool')).length === 1, PROCESS_MS);
    test.signals.send('SIGTERM');
    expect(await exit).toBe(0);
    expect(test.stdout.lines.length).toBeGreaterThan(0);
    for (const line of test.stdout.lines) expect(line).toMatch(NODEPOOL_LINE);
    expect(test.stdout.lines).toContainEqual(expect.stringMatching(/ INFO nodepool\.launcher: configuration loaded from /));
  }, 2 * PROCESS_MS);

  it("-s: the secure file's zookeeper-servers replace nodepool.yaml's (as Nodepool's secure_file tests)", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'nodepool.yaml');
    const secure = path.join(dir, 'secure.yaml');
    // nodepool.yaml points at a ZooKeeper that does not exist; the secure file at the real one.
    await writeFile(file, 'zookeeper-servers:\n  - host: invalid_host\n    port: 1\n    chroot: /invalid_chroot\nlabels: []\n');
    await writeFile(secure, configText(harness().chroot, '').replace(/^zookeeper-timeout: .*\n/m, ''));
    const test = testIo();
    const exit = runCli(['launcher', '-c', file, '-s', secure, '--no-web'], test.io);
    await waitFor(async () => (await listComponents(harness().requester.client, 'launcher')).length === 1, PROCESS_MS);
    test.signals.send('SIGTERM');
    expect(await exit).toBe(0);

    await writeFile(secure, 'zookeeper-servers:\n  - port: 2181\n');
    const broken = await cloudpool(['launcher', '-c', file, '-s', secure, '--no-web']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(new RegExp(`^cloudpool: ${secure} is invalid \\(1 problem\\): zookeeper-servers\\[0\\]\\.host: missing required key \\(line 2\\)\\n$`));
  }, 2 * PROCESS_MS);
});
