import { loadConfig, NodepoolZk, systemClock, TAG } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { Launcher, startWebServer } from '@cloudpool/launcher';
import { identityDescription } from '@cloudpool/openstack';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCleanupJob } from '../../../packages/launcher/src/cleanup/cleanup-job.js';
import { configText, FAST_TIMINGS, LauncherHarness } from '../../../packages/launcher/test/support/launcher-harness.js';
import { testLogger } from '../../launcher/support/test-logger.js';
import { LAB, LabCloud } from './lab-cloud.js';

/** Provider health against a real Keystone, and the leftovers of a crash between a port's create and its tagging on a real Neutron. */
const lab = new LabCloud();
const logs: string[] = [];
const logger = testLogger('conformance', {}, (line) => logs.push(line));
let zk: LauncherHarness;
const webs: Array<Awaited<ReturnType<typeof startWebServer>>> = [];

beforeAll(() => lab.start(), 120_000);
afterAll(() => lab.stop(), 120_000);
beforeEach(async () => {
  zk = new LauncherHarness();
  await zk.connect();
});
afterEach(async () => {
  await Promise.all(webs.splice(0).map((web) => web.close()));
  await zk.stop();
  await lab.purge();
});

const body = (cloud: string, cleanup = '') => `${cleanup}labels:\n  - name: small\n  - name: large\nproviders:\n${lab.providerYaml({ cloud })}`;
const drivers = () => new Map([['openstack', lab.driver]]);
const config = (text: string) => loadConfig({ text: configText(zk.chroot, text), path: 'nodepool.yaml' }, { drivers: { openstack: lab.driver } });

interface ReadyBody {
  ready: boolean;
  providers: Array<{ provider: string; state: string; reason?: string }>;
}

describe(`provider health and crash leftovers on a real OpenStack (L3 ${LAB.l3 ? 'on' : 'off'})`, () => {
  it("turns auth-failing on Keystone's first refusal, logs in no more while requests wait, keeps /ready 200 with the state in its body and the password in no output; the right password after a reload makes it ok", async () => {
    const launcher = await Launcher.start({ config: config(body(lab.wrongCloudName)), drivers: drivers(), logger, timings: FAST_TIMINGS, hostname: 'conformance' });
    zk.launchers.push(launcher);
    const web = await startWebServer(launcher, { port: 0, host: '127.0.0.1', logger });
    webs.push(web);
    const read = async (path: string, accept = 'application/json') => {
      const response = await fetch(new URL(path, web.url), { headers: { accept } });
      return { status: response.status, text: await response.text() };
    };
    const waiting = await zk.request(['small']);
    const failing = await waitFor(async () => {
      const ready = JSON.parse((await read('/ready')).text) as ReadyBody;
      return ready.providers.some((p) => p.provider === lab.providerName && p.state === 'auth-failing') ? ready : undefined;
    }, 60_000);
    expect(failing.ready).toBe(true);
    expect((await read('/ready', 'text/plain')).status).toBe(200);
    expect(failing.providers[0]?.reason).toMatch(/^keystone\.tokens\.create failed with HTTP 401/);
    expect((await read('/metrics', 'text/plain')).text).toContain(`cloudpool_provider_health{provider="${lab.providerName}",state="auth-failing"} 1`);

    // Logins Keystone saw from this provider: the refused one only, while the pool worker keeps trying the request.
    const logins = () => launcher.runtimes().get(lab.providerName)?.queue.stats().actions['keystone.tokens.create']?.calls ?? 0;
    const before = logins();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(logins()).toBe(before);
    expect(before).toBe(1);
    expect((await zk.requester.getRequest(waiting))?.state).toBe('requested');
    for (const text of [...logs, (await read('/ready')).text, (await read('/metrics', 'text/plain')).text, (await read('/api/status')).text]) {
      expect(text).not.toContain(LAB.wrongPassword);
    }

    await launcher.applyConfig(config(body(lab.cloudName)));
    const served = await zk.waitForRequest(waiting, ['fulfilled', 'failed'], 180_000);
    expect(served.state).toBe('fulfilled');
    const ready = JSON.parse((await read('/ready')).text) as ReadyBody;
    expect(ready.providers).toEqual([expect.objectContaining({ provider: lab.providerName, state: 'ok' })]);

    // The node's port on the real Neutron keeps the description the driver created it with.
    const node = (await zk.requester.getNode(served.nodes[0]!))!;
    const port = (await lab.ports()).find((candidate) => candidate.tags.includes(`${TAG.nodeId}=${node.id}`));
    expect(port?.description).toMatch(new RegExp(`^cloudpool node ${node.id} nonce [0-9a-f]{16} attempt 1 owner [0-9a-f]{16}$`));
  }, 300_000);

  it('leak cleanup finds a port a crash left untagged by its description, deletes it after two passes, and spares look-alikes', async () => {
    const systemId = 'conformance-cleanup';
    const zkSystem = new NodepoolZk(zk.requester.client, { identifier: 'conformance-cleanup' });
    await zkSystem.getSystemId(systemId);
    const nodeId = await zk.goneNodeId();
    const node = { nodeId, nonce: '0123456789abcdef', attempt: 1 };
    const leaked = await lab.plantPort(`np${nodeId}-0`, identityDescription({ providerName: lab.providerName, systemId }, node));
    const otherInstallation = await lab.plantPort(`np${nodeId}-0`, identityDescription({ providerName: lab.providerName, systemId: 'another-installation' }, node));
    const otherProvider = await lab.plantPort(`np${nodeId}-0`, identityDescription({ providerName: 'someone-else', systemId }, node));
    const bare = await lab.plantPort(`np${nodeId}-0`, '');
    const cleanupConfig = config(body(lab.cloudName, 'cloudpool:\n  cleanup:\n    interval: 0.2\n    min-age: 0\n'));
    const pass = () => runCleanupJob(zkSystem, { config: cleanupConfig, drivers: drivers(), once: true, onOutcome: () => undefined, logger, clock: systemClock, identifier: 'conformance-cleanup' });
    await pass();
    expect((await lab.ports()).map((p) => p.id)).toContain(leaked);
    await pass();
    const left = (await lab.ports()).map((p) => p.id);
    expect(left).not.toContain(leaked);
    for (const spared of [otherInstallation, otherProvider, bare]) expect(left).toContain(spared);
  }, 240_000);
});
