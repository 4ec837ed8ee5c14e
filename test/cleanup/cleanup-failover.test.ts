import { loadConfig, resourceKey, type CleanupReport } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { Launcher } from '@cloudpool/launcher';
import { describe, expect, it } from 'vitest';
import { FAST_TIMINGS } from '../../packages/launcher/test/support/launcher-harness.js';
import { testLogger } from '../launcher/support/test-logger.js';
import { GONE_NODE_ID, LEAK_CLOUDS, rulesOf, useCleanupBed, type CleanupBed } from './support/cleanup-bed.js';

/** A node id ZooKeeper handed out and whose node is gone (see `CleanupBed.start`). */
const GONE = GONE_NODE_ID;

/** A launcher on the bed's cloud and ZooKeeper, with a pass every hour: one pass per leadership here. */
async function startLauncher(b: CleanupBed, name: string, passes: Array<{ launcher: string; report: CleanupReport }>): Promise<Launcher> {
  const { base } = b.cloud;
  const launcher = await Launcher.start({
    config: loadConfig({ text: b.configText({ interval: 3600 }), path: 'nodepool.yaml' }, { drivers: { [base.name]: base.driver } }),
    drivers: new Map([[base.name, base.driver]]),
    logger: testLogger(name),
    timings: FAST_TIMINGS,
    hostname: name,
  });
  b.onStop(() => launcher.stop());
  launcher.context.events.on('cleanupPass', (report) => passes.push({ launcher: name, report }));
  return launcher;
}

describe.each(LEAK_CLOUDS)('cleanup failover between launchers on $name', ({ create }) => {
  const bed = useCleanupBed(create);

  it("continues the dead leader's sightings: the successor's first pass deletes what the leader saw leaked", async () => {
    const b = bed();
    const leaked = await Promise.all(b.cloud.nodeTypes.map((type) => b.cloud.plant(type, b.ours(GONE))));
    const passes: Array<{ launcher: string; report: CleanupReport }> = [];
    const first = await startLauncher(b, 'launcher-1', passes);
    await waitFor(() => passes.length === 1);
    const second = await startLauncher(b, 'launcher-2', passes);
    await waitFor(async () => (await b.client.getChildren('/nodepool/elections/cloudpool-cleanup-' + b.provider)).length === 2);
    expect(first.cleanupLeaders().get(b.provider)?.leading).toBe(true);
    expect(second.cleanupLeaders().get(b.provider)?.leading).toBe(false);
    expect(passes.map((p) => p.launcher)).toEqual(['launcher-1']);
    const seen = rulesOf(passes[0]!.report);
    for (const key of leaked) expect(seen[key], key).toBe('first-sighting');

    await first.context.client.close();
    await waitFor(() => passes.length === 2, 15_000);
    const takeover = passes[1]!;
    expect(takeover.launcher).toBe('launcher-2');
    expect(takeover.report.deleted.map(resourceKey)).toEqual(expect.arrayContaining(leaked));
    const present = await b.cloud.present();
    for (const key of leaked) expect(present.has(key), key).toBe(false);
  });
});
