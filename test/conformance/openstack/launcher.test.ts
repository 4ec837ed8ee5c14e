import { loadConfig, NodepoolZk, systemClock, TAG, type CleanupReport } from '@cloudpool/common';
import { Launcher } from '@cloudpool/launcher';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCleanupJob, type CleanupOutcome } from '../../../packages/launcher/src/cleanup/cleanup-job.js';
import { configText, FAST_TIMINGS, LauncherHarness } from '../../../packages/launcher/test/support/launcher-harness.js';
import { testLogger } from '../../launcher/support/test-logger.js';
import { LAB, LabCloud } from './lab-cloud.js';

/** A launcher serving Zuul-style requests on a real Nova and Neutron, and leak cleanup there. */
const lab = new LabCloud();
const logger = testLogger('conformance');
let zk: LauncherHarness;

beforeAll(() => lab.start(), 120_000);
afterAll(() => lab.stop(), 120_000);
beforeEach(async () => {
  zk = new LauncherHarness();
  await zk.connect();
});
afterEach(async () => {
  await zk.stop();
  await lab.setInstanceQuota(-1);
  await lab.purge();
});

const body = (cleanup = '') => `${cleanup}labels:\n  - name: small\n  - name: large\nproviders:\n${lab.providerYaml()}`;
const drivers = () => new Map([['openstack', lab.driver]]);
const config = (text: string) => loadConfig({ text: configText(zk.chroot, text), path: 'nodepool.yaml' }, { drivers: { openstack: lab.driver } });

async function startLauncher(): Promise<Launcher> {
  const launcher = await Launcher.start({ config: config(body()), drivers: drivers(), logger, timings: FAST_TIMINGS, hostname: 'conformance' });
  zk.launchers.push(launcher);
  return launcher;
}

describe(`launcher on a real OpenStack (L3 ${LAB.l3 ? 'on' : 'off'})`, () => {
  it('fulfils a request for two labels with ready, tagged, addressed nodes and deletes every trace once used', async () => {
    const launcher = await startLauncher();
    const request = await zk.waitForRequest(await zk.request(['small', 'large']), ['fulfilled', 'failed'], 120_000);
    expect(request.state).toBe('fulfilled');
    const nodes = await Promise.all(request.nodes.map(async (id) => (await zk.requester.getNode(id))!));
    const servers = await lab.servers();
    for (const node of nodes) {
      expect(node).toMatchObject({ state: 'ready', provider: lab.providerName, pool: 'main', cloud: lab.cloudName, username: 'cirros' });
      expect(servers.filter((s) => s.metadata?.[TAG.nodeId] === node.id).map((s) => s.id)).toEqual([node.external_id]);
      expect(node.private_ipv4).toMatch(/^192\.0\.2\.\d+$/);
      // Nodepool's default auto-floating-ip: a floating IP where Neutron has L3, none where it has not.
      if (LAB.l3) expect(node.public_ipv4).toMatch(/^198\.51\.100\.\d+$/);
      else expect(node.public_ipv4 ?? null).toBeNull();
      expect([node.public_ipv4, node.private_ipv4]).toContain(node.interface_ip);
    }
    const tags = (id: string) => ({ [TAG.nodeId]: id, [TAG.poolName]: 'main', [TAG.providerName]: lab.providerName, [TAG.systemId]: launcher.context.systemId });
    const held = await lab.resources();
    for (const node of nodes) {
      const mine = held.filter((r) => r.tags[TAG.nodeId] === node.id);
      expect(mine.map((r) => r.type).sort()).toEqual(LAB.l3 ? ['floating-ip', 'instance', 'port'] : ['instance', 'port']);
      for (const resource of mine) expect(resource.tags, `${resource.type} ${resource.id}`).toMatchObject(tags(node.id));
    }

    for (const id of request.nodes) await zk.markUsed(id);
    await zk.requester.deleteRequest(request.id);
    const deadline = Date.now() + 90_000;
    while ((await zk.nodes()).length > 0 || (await lab.resources()).some((r) => r.tags[TAG.providerName] === lab.providerName)) {
      if (Date.now() > deadline) throw new Error(`not cleaned up: ${JSON.stringify(await lab.resources())}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, 240_000);

  it("waits for Nova's quota instead of failing, and serves the next request once a node is deleted", async () => {
    await lab.setInstanceQuota(1);
    await startLauncher();
    const first = await zk.waitForRequest(await zk.request(['small']), ['fulfilled', 'failed'], 120_000);
    expect(first.state).toBe('fulfilled');
    const second = await zk.request(['small']);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(['requested', 'pending']).toContain((await zk.requester.getRequest(second))?.state);
    expect((await lab.servers()).length).toBe(1);
    await zk.markUsed(first.nodes[0]!);
    await zk.requester.deleteRequest(first.id);
    expect((await zk.waitForRequest(second, ['fulfilled', 'failed'], 180_000)).state).toBe('fulfilled');
    expect((await lab.servers()).length).toBe(1);
  }, 300_000);

  it('leak cleanup deletes a leaked server found on two passes and spares foreign and other installations', async () => {
    const systemId = 'conformance-cleanup';
    const zkSystem = new NodepoolZk(zk.requester.client, { identifier: 'conformance-cleanup' });
    await zkSystem.getSystemId(systemId);
    // A leak names an id ZooKeeper handed out (one it never did is evidence of lost data).
    const ours = { [TAG.nodeId]: await zk.goneNodeId(), [TAG.poolName]: 'main', [TAG.providerName]: lab.providerName, [TAG.systemId]: systemId };
    const leaked = await lab.plantServer('leaked', ours);
    const foreign = await lab.plantServer('foreign', { ...ours, [TAG.providerName]: 'someone-else' });
    const otherInstallation = await lab.plantServer('other-installation', { ...ours, [TAG.systemId]: 'another-installation' });
    await lab.settle();
    const cleanupConfig = config(body('cloudpool:\n  cleanup:\n    interval: 0.2\n    min-age: 0\n'));
    const reports: CleanupReport[] = [];
    const pass = () =>
      runCleanupJob(zkSystem, {
        config: cleanupConfig,
        drivers: drivers(),
        once: true,
        onOutcome: (outcome: CleanupOutcome) => 'report' in outcome && reports.push(outcome.report),
        logger,
        clock: systemClock,
        identifier: 'conformance-cleanup',
      });
    await pass();
    expect((await lab.servers()).map((s) => s.id).sort()).toEqual([leaked, foreign, otherInstallation].sort());
    await pass();
    await lab.settle();
    const left = (await lab.servers()).map((s) => s.id);
    expect(left).not.toContain(leaked);
    expect(left.sort()).toEqual([foreign, otherInstallation].sort());
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      expect(report.aborted).toBeUndefined();
      expect(report.breakerTrip).toBeUndefined();
      expect(report.failed).toEqual([]);
    }
  }, 240_000);
});
