import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ComponentRegistration,
  listComponents,
  type LauncherComponentContent,
  type ZkClient,
} from '../../src/zk/index.js';
import { connectClient, testChroot } from './helpers.js';

const chroot = testChroot();
let zk: ZkClient;
let observer: ZkClient;

beforeAll(async () => {
  [zk, observer] = await Promise.all([connectClient(chroot), connectClient(chroot)]);
});

afterAll(async () => {
  await observer.close();
  await zk.deleteRecursive('/');
  await zk.close();
});

const launcher: LauncherComponentContent = { hostname: 'host-a', kind: 'launcher', state: 'running', version: '0.1.0' };

describe('component registration', () => {
  it('registers an ephemeral sequential JSON znode, updates it and unregisters it', async () => {
    const registration = new ComponentRegistration(zk, 'launcher', 'host-a', launcher);
    const path = await registration.register();
    expect(path).toMatch(/^\/nodepool\/components\/launcher\/host-a\d{10}$/);
    expect(await registration.register()).toBe(path);
    expect((await observer.exists(path))?.ephemeralOwner).toBe(zk.sessionId);
    expect(await listComponents(observer, 'launcher')).toEqual([{ name: path.split('/').pop(), content: launcher }]);
    expect(await listComponents(observer, 'pool')).toEqual([]);

    await registration.update({ ...launcher, state: 'paused' });
    expect((await listComponents(observer, 'launcher'))[0]?.content.state).toBe('paused');

    await registration.unregister();
    await registration.unregister();
    expect(registration.path).toBeUndefined();
    expect(await listComponents(observer, 'launcher')).toEqual([]);
  });

  it('gives each process of the same host a znode of its own', async () => {
    const first = new ComponentRegistration(zk, 'launcher', 'host-b', { ...launcher, hostname: 'host-b' });
    const second = new ComponentRegistration(observer, 'launcher', 'host-b', { ...launcher, hostname: 'host-b' });
    const paths = [await first.register(), await second.register()];
    expect(new Set(paths).size).toBe(2);
    expect((await listComponents(zk, 'launcher')).map((c) => c.name)).toEqual(paths.map((p) => p.split('/').pop()));
    await Promise.all([first.unregister(), second.unregister()]);
  });
});
