import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_ROOT, isZkError, listProviderUploads, NodepoolZk, type ZkClient } from '../../src/zk/index.js';
import { connectClient, nextEvent, sharedServerHosts, testChroot } from './helpers.js';
import { ProxyProcess } from '@cloudpool/common/testing';

const chroot = testChroot();
let zk: ZkClient;

beforeAll(async () => {
  zk = await connectClient(chroot);
});

afterAll(async () => {
  await zk.deleteRecursive('/');
  await zk.close();
});

/** Creates each znode with its missing ancestors. */
async function plant(...paths: string[]): Promise<void> {
  for (const path of paths) await zk.mkdirp(path);
}

const upload = (image: string, buildId: string, uploadId: string) => ({ image, buildId, uploadId });

describe('listProviderUploads', () => {
  afterEach(async () => {
    await zk.deleteRecursive(IMAGE_ROOT);
  });

  it('finds no uploads when /nodepool/images does not exist, or holds nothing', async () => {
    expect(await zk.exists(IMAGE_ROOT)).toBeUndefined();
    expect(await listProviderUploads(zk, 'p1')).toEqual([]);
    await plant(IMAGE_ROOT);
    expect(await listProviderUploads(zk, 'p1')).toEqual([]);
    await plant(`${IMAGE_ROOT}/ubuntu/builds/lock`);
    expect(await listProviderUploads(zk, 'p1')).toEqual([]);
  });

  it("reads every (build, upload) of the provider, of every image, without the builders' lock znodes", async () => {
    const ubuntu = `${IMAGE_ROOT}/ubuntu/builds`;
    const debianBuild = 'c3d0e2b7a1f94e4e8b0f6c2a5d7e9f10';
    await plant(
      // The build lock, with a kazoo contender under it.
      `${ubuntu}/lock/4a1b2c3d4e5f60718293a4b5c6d7e8f9__lock__0000000000`,
      `${ubuntu}/0000000001/providers/p1/images/lock/0c1d2e3f4a5b60718293a4b5c6d7e8f9__lock__0000000003`,
      `${ubuntu}/0000000001/providers/p1/images/0000000001`,
      `${ubuntu}/0000000001/providers/p1/images/0000000002`,
      `${ubuntu}/0000000001/providers/p2/images/0000000001`,
      // A build whose upload to p1 is only being locked, and one not uploaded anywhere yet.
      `${ubuntu}/0000000002/providers/p1/images/lock`,
      `${ubuntu}/0000000003`,
      `${IMAGE_ROOT}/debian/builds/${debianBuild}/providers/p1/images/0000000001`,
      // An image whose builds are gone (as if deleted between the reads).
      `${IMAGE_ROOT}/centos`,
    );
    expect(await listProviderUploads(zk, 'p1')).toEqual([
      upload('debian', debianBuild, '0000000001'),
      upload('ubuntu', '0000000001', '0000000001'),
      upload('ubuntu', '0000000001', '0000000002'),
    ]);
    expect(await new NodepoolZk(zk).listProviderUploads('p2')).toEqual([upload('ubuntu', '0000000001', '0000000001')]);
    expect(await listProviderUploads(zk, 'p3')).toEqual([]);
  });

  it('refuses a provider name that cannot be a znode name', async () => {
    await expect(listProviderUploads(zk, 'a/b')).rejects.toThrow(TypeError);
  });
});

describe('listProviderUploads when ZooKeeper fails', () => {
  let proxy: ProxyProcess;
  let proxied: ZkClient | undefined;

  beforeAll(async () => {
    proxy = await ProxyProcess.start(sharedServerHosts()[0]!);
  });

  afterAll(async () => {
    await proxied?.close();
    await proxy.close();
  });

  it('rejects, rather than report fewer uploads, when the connection is lost or the client closed', async () => {
    await plant(`${IMAGE_ROOT}/ubuntu/builds/0000000001/providers/p1/images/0000000001`);
    proxied = await connectClient(chroot, { hosts: [proxy.hostPort] });
    expect(await listProviderUploads(proxied, 'p1')).toEqual([upload('ubuntu', '0000000001', '0000000001')]);

    const suspended = nextEvent(proxied, 'suspended');
    await proxy.cut();
    await suspended;
    const failure: unknown = await listProviderUploads(proxied, 'p1').then(
      () => new Error('resolved'),
      (error: unknown) => error,
    );
    expect(isZkError(failure) && failure.code !== 'NoNode', String(failure)).toBe(true);
    await proxy.restore();

    await proxied.close();
    await expect(listProviderUploads(proxied, 'p1')).rejects.toMatchObject({ code: 'Closed' });
    await zk.deleteRecursive(IMAGE_ROOT);
  });
});
