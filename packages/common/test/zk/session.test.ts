import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ComponentRegistration,
  NodepoolZk,
  ZkLock,
  createNodeCache,
  listComponents,
  type PoolComponentContent,
  type ZkClient,
  type ZkClientEvents,
} from '../../src/zk/index.js';
import { connectClient, nextEvent, sharedServerHosts, sharedServerTls, startScript, testChroot, waitFor } from './helpers.js';
import { ProxyProcess } from '@cloudpool/common/testing';

const chroot = testChroot();
let observer: ZkClient;
let proxy: ProxyProcess;
let proxied: ZkClient | undefined;

beforeAll(async () => {
  observer = await connectClient(chroot);
  proxy = await ProxyProcess.start(sharedServerHosts()[0]!);
});

afterEach(async () => {
  await proxy.restore();
  await proxied?.close();
});

afterAll(async () => {
  await proxy.close();
  await observer.deleteRecursive('/');
  await observer.close();
});

/** Records the client's session events in order. */
function recordEvents(client: ZkClient): Array<keyof ZkClientEvents> {
  const seen: Array<keyof ZkClientEvents> = [];
  for (const event of ['connected', 'suspended', 'reconnected', 'lost'] as const) client.on(event, () => seen.push(event));
  return seen;
}

const poolContent: PoolComponentContent = {
  hostname: 'launcher-host',
  kind: 'pool',
  state: 'running',
  version: null,
  id: 'launcher-host-aws-main',
  name: 'main',
  provider_name: 'aws',
  supported_labels: ['small'],
  priority: 100,
  paused: false,
};

describe('session events through a TCP proxy', () => {
  it('reports a short drop as suspended then reconnected, with the same session and locks', async () => {
    proxied = await connectClient(chroot, { hosts: [proxy.hostPort] });
    const sessionId = proxied.sessionId;
    const seen = recordEvents(proxied);
    const lock = new ZkLock(proxied, '/locks/short');
    await lock.acquire();

    const suspended = nextEvent(proxied, 'suspended');
    await proxy.cut();
    await suspended;
    const reconnected = nextEvent(proxied, 'reconnected');
    await proxy.restore();
    expect(await reconnected).toEqual([sessionId]);
    expect(seen).toEqual(['suspended', 'reconnected']);
    expect(lock.isHeld).toBe(true);
    expect(lock.lostSignal.aborted).toBe(false);
    expect(await new ZkLock(observer, '/locks/short').acquire({ blocking: false })).toBe(false);
    await lock.release();
  });

  it('on expiry: the lock is lost, a new session is made, the component and the cache come back', async () => {
    proxied = await connectClient(chroot, { hosts: [proxy.hostPort] });
    const oldSession = proxied.sessionId;
    const seen = recordEvents(proxied);
    const component = new ComponentRegistration(proxied, 'pool', 'launcher-host', poolContent);
    const firstPath = await component.register();
    expect(firstPath).toMatch(/^\/nodepool\/components\/pool\/launcher-host\d{10}$/);
    const lock = new ZkLock(proxied, '/locks/expiring', { identifier: 'proxied' });
    await lock.acquire();
    const cache = createNodeCache(proxied);
    await cache.start();
    await cache.waitForSync();

    const lost = nextEvent(proxied, 'lost', 8000);
    await proxy.cut();
    await lost;
    expect(lock.lostSignal.aborted).toBe(true);
    expect(lock.lostSignal.reason).toMatchObject({ code: 'SessionExpired' });
    expect(lock.isHeld).toBe(false);
    const createdMeanwhile = await new NodepoolZk(observer).createNode({ state: 'ready' });

    const connected = nextEvent<[string]>(proxied, 'connected', 8000);
    await proxy.restore();
    const [newSession] = await connected;
    expect(newSession).not.toBe(oldSession);
    expect(proxied.sessionId).toBe(newSession);
    expect(seen).toEqual(['suspended', 'lost', 'connected']);

    // The component is registered again, on a new znode of the new session, with its content.
    const components = await waitFor(async () => {
      const listed = await listComponents(observer, 'pool');
      return listed.length === 1 && listed[0]!.name !== firstPath.split('/').pop() ? listed : undefined;
    });
    expect(components[0]!.content).toEqual(poolContent);
    expect(component.path).toBe(`/nodepool/components/pool/${components[0]!.name}`);
    await component.update({ ...poolContent, paused: true });
    expect((await listComponents(observer, 'pool'))[0]!.content.paused).toBe(true);

    // The cache reloaded on the new session, and follows changes again.
    await waitFor(() => cache.get(createdMeanwhile));
    const createdAfter = await new NodepoolZk(observer).createNode({ state: 'ready' });
    await waitFor(() => cache.get(createdAfter));
    cache.stop();

    // The old session's lock is gone for everyone.
    expect(await new ZkLock(observer, '/locks/expiring').acquire({ timeoutMs: 5000 })).toBe(true);
    await component.unregister();
    expect(await listComponents(observer, 'pool')).toEqual([]);
  });
});

describe('a busy client through connection drops', () => {
  // The C client closes its socket when a send fails inside a call; a poll on that socket that
  // libuv had not yet applied then met a closed descriptor, and libuv aborted the process.
  it('survives the connection dropped under calls in flight, and reconnects after each drop', async () => {
    const tls = sharedServerTls();
    const args = [`${proxy.hostPort.host}:${proxy.hostPort.port}`, chroot, ...(tls ? [JSON.stringify(tls)] : [])];
    const { child, nextLine } = startScript(new URL('./busy-client-child.ts', import.meta.url), args);
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
    expect(await nextLine()).toBe('connected');
    const DROPS = 12;
    for (let drop = 0; drop < DROPS; drop++) {
      await proxy.cut();
      await proxy.restore();
      const line = await Promise.race([nextLine(), exited]);
      expect(line).toBe('reconnected');
    }
    child.stdin.end();
    expect(await nextLine()).toBe('done');
    expect(await exited).toBe('exit 0');
  }, 120_000);
});

