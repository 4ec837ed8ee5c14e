import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComponentRegistration, componentRoot, createPoolComponentCache, type PoolComponentContent, type ZkClient } from '../../src/zk/index.js';
import { connectClient, testChroot, waitFor } from './helpers.js';

const chroot = testChroot();
let reader: ZkClient;
let writer: ZkClient;

beforeAll(async () => {
  [reader, writer] = await Promise.all([connectClient(chroot), connectClient(chroot)]);
});

afterAll(async () => {
  await writer.close();
  await reader.deleteRecursive('/');
  await reader.close();
});

const pool = (id: string, paused = false): PoolComponentContent => ({
  kind: 'pool',
  hostname: 'other-launcher',
  state: 'running',
  version: null,
  id,
  name: 'main',
  provider_name: 'p1',
  supported_labels: ['small'],
  priority: 100,
  paused,
});

describe('pool registration cache', () => {
  it("follows another launcher's registrations (added, updated, removed) by its watches", async () => {
    const errors: unknown[] = [];
    const cache = createPoolComponentCache(reader, { onError: (error) => errors.push(error) });
    const first = new ComponentRegistration(writer, 'pool', 'other-launcher-p1-main-', pool('p1-main'));
    await first.register();
    await cache.start();
    await cache.waitForSync();
    expect(cache.values().map((r) => r.content.id)).toEqual(['p1-main']);

    await first.update(pool('p1-main', true));
    await waitFor(() => cache.values()[0]?.content.paused === true);
    const second = new ComponentRegistration(writer, 'pool', 'other-launcher-p1-other-', pool('p1-other'));
    await second.register();
    await waitFor(() => cache.size === 2);
    await first.unregister();
    await waitFor(() => cache.size === 1);
    expect(cache.values().map((r) => r.content.id)).toEqual(['p1-other']);
    expect(errors).toEqual([]);
    cache.stop();
    await second.unregister();
  });

  it('leaves out and reports a registration that is not JSON', async () => {
    const errors: Error[] = [];
    const cache = createPoolComponentCache(reader, { onError: (error) => errors.push(error as Error) });
    await writer.mkdirp(componentRoot('pool'));
    await writer.create(`${componentRoot('pool')}/junk-`, 'not json', { ephemeral: true, sequential: true });
    await cache.start();
    await cache.waitForSync();
    expect(cache.size).toBe(0);
    expect(errors.map((e) => e.message).join()).toMatch(/junk-/);
    cache.stop();
  });
});
