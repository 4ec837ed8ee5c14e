import { ProxyProcess, sharedServerHosts, waitFor } from '@cloudpool/common/testing';
import { isZkError, nodeLockPath, requestLockPath, TAG, ZkLock, type NodeRecord } from '@cloudpool/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

/** Session timeout 4 s (the harness's `zookeeper-timeout`); every cut here is shorter. */
const CONFIG = (bootTime: number) => `labels:
  - name: small
cloudpool:
  cleanup:
    interval: 0.2
    min-age: 0
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 60\n        labels:\n${label('small')}`, `    boot-time: ${bootTime}\n`)}`;

let proxy: ProxyProcess;
beforeAll(async () => {
  proxy = await ProxyProcess.start(sharedServerHosts()[0]!);
});
afterAll(async () => {
  await proxy.close();
});

/** What Zuul checks of a fulfilled request's nodes: each ready, allocated to it, with a live instance. */
async function brokenNodes(h: LauncherHarness, requestId: string, nodeIds: Array<string | null>): Promise<string[]> {
  const cloud = h.driver.cloud('fake-a');
  const problems: string[] = [];
  for (const id of nodeIds) {
    const node: NodeRecord | undefined = id === null ? undefined : await h.requester.getNode(id);
    if (!node) problems.push(`${requestId}: node ${String(id)} missing`);
    else if (node.state !== 'ready') problems.push(`${requestId}: node ${id} is ${node.state}`);
    else if (node.allocated_to !== requestId) problems.push(`${requestId}: node ${id} allocated to ${String(node.allocated_to)}`);
    else if (!cloud.instances.has(node.external_id as string) || cloud.instances.get(node.external_id as string)!.goneAt !== undefined) {
      problems.push(`${requestId}: node ${id} has no live instance`);
    }
  }
  return problems;
}

describe('launcher: ZooKeeper connection losses below the session timeout', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(async () => {
    h = harness();
    await proxy.restore();
  });

  it('writes the ready record after the connection is back, then fulfils; the node is not deleted', async () => {
    await h.startLauncher(CONFIG(1.5), 'proxied', [proxy.hostPort]);
    const id = await h.request(['small']);
    // Cut once the instance exists, so the node's `ready` write meets the cut.
    await waitFor(async () => (await h.nodes()).some((n) => n.allocated_to === id && typeof n.external_id === 'string'));
    await proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await proxy.restore();
    const request = await h.waitForRequest(id, ['fulfilled', 'failed'], 15_000);
    expect(request.state).toBe('fulfilled');
    expect(await brokenNodes(h, id, request.nodes)).toEqual([]);
    // Still there a while later (many deleter passes): nothing deletes a node in use.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await brokenNodes(h, id, request.nodes)).toEqual([]);
  });

  it('hands out no broken node and loses no request through repeated 2 s cuts during launches', async () => {
    await h.startLauncher(CONFIG(0.3), 'proxied', [proxy.hostPort]);
    const ids: string[] = [];
    // Each cut starts once the client is back (it reconnects about 0.7 s after a restore).
    const cuts = (async () => {
      for (let i = 0; i < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1200 + i * 170));
        await proxy.cut();
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await proxy.restore();
      }
    })();
    for (let i = 0; i < 16; i++) {
      ids.push(await h.request(['small', 'small'].slice(0, 1 + (i % 2))));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await cuts;
    const problems: string[] = [];
    for (const id of ids) {
      const request = await h.waitForRequest(id, ['fulfilled', 'failed'], 20_000).catch(() => h.requester.getRequest(id));
      if (request?.state !== 'fulfilled') problems.push(`${id}: ${request?.state ?? 'gone'}`);
      else problems.push(...(await brokenNodes(h, id, request.nodes)));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const id of ids) {
      const request = (await h.requester.getRequest(id))!;
      problems.push(...(await brokenNodes(h, id, request.nodes)));
    }
    expect(problems).toEqual([]);
  }, 90_000);
});

/** The identifiers holding or waiting for the request's lock and for each node's lock (the launcher's id when it kept one). */
async function lockHolders(h: LauncherHarness, requestId: string, nodeIds: string[]): Promise<string[]> {
  const client = h.requester.client;
  const held = [...(await new ZkLock(client, requestLockPath(requestId)).contenders()).map((who) => `request ${requestId}: ${who}`)];
  for (const id of nodeIds) held.push(...(await new ZkLock(client, nodeLockPath(id)).contenders()).map((who) => `node ${id}: ${who}`));
  return held;
}

/** The lock holders left once the launcher had a few seconds to release them after fulfilling (it releases right after the write). */
async function released(h: LauncherHarness, requestId: string, nodeIds: string[]): Promise<string[]> {
  await waitFor(async () => (await lockHolders(h, requestId, nodeIds)).length === 0, 5000).catch(() => undefined);
  return lockHolders(h, requestId, nodeIds);
}

/** The bytes of the launcher's write that fulfils a request (records are JSON; Zuul never writes this state). */
const FULFILLING_WRITE = '"state":"fulfilled"';

describe('launcher: ConnectionLoss while a request finishes', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(async () => {
    h = harness();
    await proxy.restore();
  });
  afterEach(async () => {
    await proxy.dropWhenSent(FULFILLING_WRITE, 0);
  });

  it('tries the finish again after the connection is back: fulfilled, every lock released, the node not deleted', async () => {
    await h.startLauncher(CONFIG(0), 'proxied', [proxy.hostPort]);
    await proxy.dropWhenSent(FULFILLING_WRITE, 1);
    const id = await h.request(['small']);
    const request = await h.waitForRequest(id, ['fulfilled', 'failed'], 15_000).catch(() => h.requester.getRequest(id));
    expect(await proxy.drops()).toBe(1);
    expect(request?.state).toBe('fulfilled');
    expect(await brokenNodes(h, id, request!.nodes)).toEqual([]);
    expect(await released(h, id, request!.nodes as string[])).toEqual([]);
  });

  it('abandons a finish that keeps costing the connection: its locks are released, and the request is served once the fault is over', async () => {
    const lines: string[] = [];
    const launcher = await h.startLauncher(CONFIG(0), 'proxied', [proxy.hostPort], (line) => lines.push(line));
    await proxy.dropWhenSent(FULFILLING_WRITE, 1000);
    const id = await h.request(['small']);
    // Each attempt begins connected and ends in ConnectionLoss; after five the request is given up.
    await waitFor(() => lines.some((line) => line.includes('abandoning the request')), 30_000);
    await proxy.dropWhenSent(FULFILLING_WRITE, 0);
    expect(await proxy.drops()).toBeGreaterThanOrEqual(5);
    // The first attempt's node (the lowest id; a second attempt may have made another since).
    const first = (await h.nodes()).filter((n) => n.allocated_to === id).map((n) => n.id).sort().slice(0, 1);
    expect(first).toHaveLength(1);
    // Its lock is released (nothing takes it again: the node stays allocated to the request).
    await waitFor(async () => (await lockHolders(h, id, first)).every((held) => !held.startsWith('node ')));
    const request = await h.waitForRequest(id, ['fulfilled', 'failed'], 15_000).catch(() => h.requester.getRequest(id));
    expect(request?.state).toBe('fulfilled');
    expect(await brokenNodes(h, id, request!.nodes)).toEqual([]);
    expect(await released(h, id, [...first, ...(request!.nodes as string[])])).toEqual([]);
    expect(launcher.context.client.connectionState).toBe('connected');
  }, 60_000);
});

describe('launcher: ZooKeeper session loss', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(async () => {
    h = harness();
    await proxy.restore();
  });

  it('contends for leak cleanup again after losing its session, and cleans leaks again', async () => {
    const launcher = await h.startLauncher(CONFIG(0), 'proxied', [proxy.hostPort]);
    const leader = launcher.cleanupLeaders().get('fake-a')!;
    await waitFor(() => leader.leading);
    const lost = new Promise((resolve) => launcher.context.client.once('lost', resolve));
    await proxy.cut();
    await lost;
    await proxy.restore();
    await waitFor(() => leader.leading, 15_000);
    const cloud = h.driver.cloud('fake-a');
    const leaked = cloud.plantInstance({ [TAG.providerName]: 'fake-a', [TAG.systemId]: launcher.context.systemId, [TAG.nodeId]: await h.goneNodeId() }, { ageMs: 60_000 });
    await waitFor(() => !cloud.instances.has(leaked.id), 15_000);
  }, 40_000);
});

describe('launcher: stopping while ZooKeeper is unreachable', () => {
  const harness = useLauncherHarness();

  it('gives up on ZooKeeper after the grace time, says so, and stops', async () => {
    const h = harness();
    await proxy.restore();
    const lines: string[] = [];
    const launcher = await h.startLauncher(CONFIG(30), 'proxied', [proxy.hostPort], (line) => lines.push(line));
    const id = await h.request(['small']);
    await waitFor(async () => (await h.nodes()).some((n) => n.allocated_to === id && n.state === 'building'));
    await proxy.cut();
    const started = Date.now();
    const stopped = await Promise.race([launcher.stop().then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 20_000))]);
    expect(stopped).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(lines.some((line) => line.includes('giving up on'))).toBe(true);
    await proxy.restore();
  }, 40_000);
});

describe('launcher: ZooKeeper data lost', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(() => {
    h = harness();
  });

  it('serves requests again after the whole tree was wiped under a live session', async () => {
    await h.startLauncher(CONFIG(0));
    expect((await h.waitForRequest(await h.request(['small']))).state).toBe('fulfilled');
    // The launcher re-creates its trees as soon as they are gone, so the last delete may find one again.
    await h.requester.client.deleteRecursive('/nodepool').catch((error: unknown) => {
      if (!isZkError(error, 'NotEmpty')) throw error;
    });
    const request = await h.waitForRequest(await h.request(['small']));
    expect(request.state).toBe('fulfilled');
    expect(await brokenNodes(h, request.id, request.nodes)).toEqual([]);
  });
});
