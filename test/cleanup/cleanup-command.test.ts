import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { electionPath, ZkLock, type CleanupReportJson } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { testIo, useTempDir } from '../../packages/launcher/test/cli/cli-test-kit.js';
import { cleanupElectionName } from '../../packages/launcher/src/cleanup/cleanup-leader.js';
import { cleanupCommand } from '../../packages/launcher/src/cli/commands/cleanup.js';
import { runCli } from '../../packages/launcher/src/cli/program.js';
import { GONE_NODE_ID, LEAK_CLOUDS, useCleanupBed, type CleanupBed, type CleanupSettingsYaml } from './support/cleanup-bed.js';

/** A node id ZooKeeper handed out and whose node is gone (see `CleanupBed.start`). */
const GONE = GONE_NODE_ID;

describe.each(LEAK_CLOUDS)('cloudpool cleanup on $name', ({ create }) => {
  const bed = useCleanupBed(create);
  const directory = useTempDir();

  /** Writes nodepool.yaml (default: the bed's) and starts `cloudpool cleanup -c <it> ...args` in-process. */
  async function cleanup(b: CleanupBed, args: string[], settings: CleanupSettingsYaml = {}, text = b.configText(settings)) {
    const file = path.join(directory(), 'nodepool.yaml');
    await writeFile(file, text);
    const { io, stdout, stderr, signals } = testIo({ drivers: new Map([[b.cloud.base.name, b.cloud.base.driver]]) });
    const exit = runCli(['cleanup', '-c', file, ...args], io, [(program, commandIo) => void program.addCommand(cleanupCommand(commandIo))]);
    return { exit, stdout, stderr, signals };
  }

  async function run(b: CleanupBed, args: string[], settings: CleanupSettingsYaml = {}, text?: string) {
    const { exit, stdout, stderr } = await cleanup(b, args, settings, text);
    return { code: await exit, stdout: stdout.text, stderr: stderr.text, lines: stdout.lines };
  }

  it('--once --dry-run --json shows what would go, deleting nothing; --once then deletes it', async () => {
    const b = bed();
    const leaked = await b.cloud.plant('instance', b.ours(GONE));
    const [, leakedId] = leaked.split(/:(.*)/s) as [string, string];

    const first = await run(b, ['--once', '--dry-run', '--json']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const [firstPass] = first.lines.map((line) => JSON.parse(line) as CleanupReportJson);
    expect(first.lines).toHaveLength(1);
    expect(firstPass).toMatchObject({ provider: b.provider, dryRun: true, deleted: 0, failed: [] });
    expect(firstPass!.resources).toContainEqual(expect.objectContaining({ type: 'instance', id: leakedId, rule: 'first-sighting', action: 'spare (wait a pass)' }));

    const second = JSON.parse((await run(b, ['--once', '--dry-run', '--json'])).lines[0]!) as CleanupReportJson;
    expect(second.resources).toContainEqual(expect.objectContaining({ id: leakedId, rule: 'leaked', action: 'delete' }));
    expect((await b.cloud.present()).has(leaked)).toBe(true);

    const real = await run(b, ['--once']);
    expect(real).toMatchObject({ code: 0, stderr: '' });
    expect(real.stdout).toMatch(new RegExp(`^provider ${b.provider}\\n`));
    expect(real.stdout).toContain(`${leaked}`);
    expect(real.stdout).toMatch(/leaked\s+deleted/);
    expect((await b.cloud.present()).has(leaked)).toBe(false);
  });

  it('exits 1 when the breaker trips on evidence, also on --dry-run and --force; --clear-breaker clears it, and then the pass deletes', async () => {
    const b = bed();
    const unissued = '0000009999';
    const leaked = await Promise.all([1, 2, 3].map(() => b.cloud.plant('instance', b.ours(unissued))));
    const dry = await run(b, ['--once', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/breaker tripped, nothing deleted: evidence that ZooKeeper lost or rolled back data \(unissued-node-id\)/);
    expect(dry.stdout).toMatch(/unissued-node-id: instance:\S+ names node 0000009999, but ZooKeeper's next node sequence number is \d+/);
    expect(dry.stderr).toBe(`cloudpool: leak cleanup needs attention: ${b.provider}: breaker tripped\n`);
    const forced = await run(b, ['--once', '--force']);
    expect(forced.code).toBe(1);
    for (const key of leaked) expect((await b.cloud.present()).has(key)).toBe(true);

    const cleared = await run(b, ['--clear-breaker', '--json']);
    expect(cleared.code).toBe(0);
    expect(JSON.parse(cleared.lines[0]!)).toMatchObject({ provider: b.provider, cleared: true });
    expect((await run(b, ['--clear-breaker'])).stdout).toBe(`provider ${b.provider}: breaker not tripped\n`);
    const after = await run(b, ['--once']);
    expect(after).toMatchObject({ code: 0, stderr: '' });
    const present = await b.cloud.present();
    for (const key of leaked) expect(present.has(key)).toBe(false);
  });

  it('skips a provider that a launcher cleans, unless it is a dry run, which then only reads', async () => {
    const b = bed();
    const leaked = await b.cloud.plant('instance', b.ours(GONE));
    const election = new ZkLock(b.client, electionPath(cleanupElectionName(b.provider)), { identifier: 'launcher-elsewhere' });
    expect(await election.acquire()).toBe(true);

    const skipped = await run(b, ['--once', '--json']);
    expect(skipped.code).toBe(0);
    expect(skipped.lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { provider: b.provider, skipped: 'launcher-elsewhere is cleaning it; skipped (--dry-run shows what it would delete)', failed: false },
    ]);
    for (let i = 0; i < 2; i++) {
      const beside = await run(b, ['--once', '--dry-run']);
      expect(beside.code).toBe(0);
      expect(beside.stdout).toMatch(/first-sighting/);
      expect(beside.stdout).toContain('(beside launcher-elsewhere, the elected cleaner: its sightings, read only)');
    }
    expect((await b.cloud.present()).has(leaked)).toBe(true);
    await election.release();
  });

  it('exits 2 when it cannot run: unknown provider, no configuration, a ZooKeeper no launcher used', async () => {
    const b = bed();
    const unknown = await run(b, ['--once', '--provider', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^cloudpool: no provider named nope in the configuration \(it has: .+\)\n$/);
    const missing = await run(b, ['--once', '-c', path.join(directory(), 'missing.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')).toHaveLength(2);
    const elsewhere = await run(b, ['--once'], {}, b.configText().replaceAll(b.chroot, `${b.chroot}-elsewhere`));
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^cloudpool: no installation id in ZooKeeper at \/cloudpool\/system-id: .*refusing to clean\n$/);
  });

  it('without --once runs a pass every interval until SIGTERM, then prints the totals', async () => {
    const b = bed();
    const leaked = await b.cloud.plant('instance', b.ours(GONE));
    const { exit, stdout, signals } = await cleanup(b, ['--json'], { interval: 0.1 });
    await waitFor(() => stdout.lines.length >= 3);
    signals.send('SIGTERM');
    expect(await exit).toBe(0);
    const lines = stdout.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const totals = lines.at(-1)!.totals as Record<string, number>;
    expect(totals[`nodepool.provider.${b.provider}.cleanup.passes`]).toBe(lines.length - 1);
    expect(totals[`nodepool.provider.${b.provider}.leaked.instances`]).toBe(1);
    expect((await b.cloud.present()).has(leaked)).toBe(false);
  });
});
