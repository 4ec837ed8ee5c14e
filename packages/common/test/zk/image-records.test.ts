import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  IMAGE_ROOT,
  ImageDeleteRefused,
  ImageUploadCache,
  imageUploadPath,
  isZkError,
  listProviderUploads,
  markBuildDeleting,
  markUploadDeleting,
  NodepoolZk,
  readImageTree,
  uploadImageId,
  type ZkClient,
} from '../../src/zk/index.js';
import { connectClient, nextEvent, sharedServerHosts, testChroot, waitFor } from './helpers.js';
import { FakeNodepoolBuilder, ProxyProcess } from '@cloudpool/common/testing';

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

describe('records as nodepool-builder writes them', () => {
  let time = 1_700_000_000;
  const builder = () => new FakeNodepoolBuilder(zk, () => time++);

  afterEach(async () => {
    await zk.deleteRecursive(IMAGE_ROOT);
  });

  it("reads builds and uploads with Nodepool's fields, paths and ids, leaving out lock znodes and reporting bad records", async () => {
    const b = builder();
    const build = await b.build('ubuntu', { formats: 'raw,qcow2' });
    const uploadId = await b.upload('ubuntu', build, 'p1', { external_id: 'ami-0123', external_name: 'ubuntu-1700000000' });
    const uuid = await b.buildWithId('ubuntu', '5d1c0e6b9a2f4c3e8d7b6a5f4e3d2c1b', { state: 'building' });
    await zk.mkdirp(`${IMAGE_ROOT}/ubuntu/builds/${uuid}/providers/p1/images/0000000007`);
    await zk.create(`${IMAGE_ROOT}/ubuntu/builds/${uuid}/providers/p1/images/0000000008`, '{"state": "ready"');
    // An empty build znode, as a builder's build lock leaves it when the build is gone.
    await zk.mkdirp(`${IMAGE_ROOT}/ubuntu/builds/0000009999/lock`);
    await b.pause('ubuntu');
    const invalid: string[] = [];
    const tree = await readImageTree(zk, (error) => invalid.push(error.path));
    expect(tree).toHaveLength(1);
    const [ubuntu] = tree;
    expect(ubuntu).toMatchObject({ name: 'ubuntu', paused: true, buildRequestedAt: undefined });
    expect(ubuntu!.builds.map((x) => [x.id, x.fields.state, x.fields.formats, x.fields.builder])).toEqual([
      [build, 'ready', 'raw,qcow2', 'builder01.example.org'],
      [uuid, 'building', 'qcow2,raw', 'builder01.example.org'],
    ]);
    expect(ubuntu!.uploads).toHaveLength(1);
    expect(ubuntu!.uploads[0]).toMatchObject({ image: 'ubuntu', buildId: build, provider: 'p1', id: uploadId, fields: { state: 'ready', external_id: 'ami-0123', external_name: 'ubuntu-1700000000', format: 'raw' } });
    // Empty znodes (left by locks) are no records and no faults; a broken record is named, not listed.
    expect(invalid).toEqual([`${IMAGE_ROOT}/ubuntu/builds/${uuid}/providers/p1/images/0000000008`]);
    expect(uploadImageId(ubuntu!.uploads[0]!)).toBe(`/nodepool/images/ubuntu/builds/${build}/providers/p1/images/${uploadId}`);
  });

  it('follows uploads by watches: the newest ready one per provider, a new one as soon as it is ready, none once all are deleting', async () => {
    const b = builder();
    const cache = new ImageUploadCache(zk, { onError: (error) => { throw error; } });
    await cache.start();
    await cache.synced();
    expect(cache.newestReady('ubuntu', 'p1')).toBeUndefined();

    const first = await b.build('ubuntu');
    const old = await b.upload('ubuntu', first, 'p1', { external_id: 'ami-old' });
    await b.upload('ubuntu', first, 'p2', { external_id: 'ami-p2' });
    await waitFor(() => cache.newestReady('ubuntu', 'p1')?.fields.external_id === 'ami-old');
    expect(cache.newestReady('ubuntu', 'p2')?.fields.external_id).toBe('ami-p2');
    // An empty upload znode (a lock's) is no record and no error (onError throws here).
    await zk.mkdirp(`${imageUploadPath('ubuntu', first, 'p1', '0000000050')}/lock`);
    await waitFor(() => zk.exists(`${imageUploadPath('ubuntu', first, 'p1', '0000000050')}/lock`));

    // A newer build's upload counts only once it is ready; a paused image still serves.
    const second = await b.build('ubuntu');
    const fresh = await b.upload('ubuntu', second, 'p1', { state: 'uploading', external_id: null });
    await b.pause('ubuntu');
    await waitFor(() => cache.uploads('ubuntu', 'p1').length === 2);
    expect(cache.newestReady('ubuntu', 'p1')?.id).toBe(old);
    await b.updateUpload('ubuntu', second, 'p1', fresh, { state: 'ready', external_id: 'ami-new' });
    await waitFor(() => cache.newestReady('ubuntu', 'p1')?.fields.external_id === 'ami-new');

    // Marked for deletion (as image-delete does), the newest is no longer booted: the older is.
    await markUploadDeleting(zk, { image: 'ubuntu', buildId: second, provider: 'p1', id: fresh }, () => time++);
    await waitFor(() => cache.newestReady('ubuntu', 'p1')?.fields.external_id === 'ami-old');
    // The builder deleting the whole image tree leaves nothing to boot.
    await zk.deleteRecursive(`${IMAGE_ROOT}/ubuntu`);
    await waitFor(() => cache.newestReady('ubuntu', 'p1') === undefined && cache.newestReady('ubuntu', 'p2') === undefined);
    // And a tree made again later is followed again.
    const third = await b.build('ubuntu');
    await b.upload('ubuntu', third, 'p1', { external_id: 'ami-third' });
    await waitFor(() => cache.newestReady('ubuntu', 'p1')?.fields.external_id === 'ami-third');
    cache.stop();
    // The cache made no part of the tree itself.
    expect(await zk.exists(`${IMAGE_ROOT}/debian`)).toBeUndefined();
  });

  it('loads what exists at start before synced() resolves', async () => {
    const b = builder();
    const build = await b.build('debian');
    await b.upload('debian', build, 'p1', { external_id: 'ami-a' });
    await b.upload('debian', build, 'p1', { external_id: 'ami-b' });
    const cache = new ImageUploadCache(zk);
    await cache.start();
    await cache.synced();
    expect(cache.newestReady('debian', 'p1')?.fields.external_id).toBe('ami-b');
    cache.stop();
  });

  it("marks an upload or a build deleting as Nodepool's image-delete and dib-image-delete do, refusing one in progress or missing", async () => {
    const b = builder();
    const build = await b.build('ubuntu');
    const ready = await b.upload('ubuntu', build, 'p1', { external_id: 'ami-1', custom_field: 'kept' });
    const busy = await b.upload('ubuntu', build, 'p1', { state: 'uploading' });
    const marked = await markUploadDeleting(zk, { image: 'ubuntu', buildId: build, provider: 'p1', id: ready }, () => 1_800_000_000);
    expect(marked.fields).toMatchObject({ state: 'deleting', state_time: 1_800_000_000, external_id: 'ami-1' });
    const stored = JSON.parse((await zk.get(imageUploadPath('ubuntu', build, 'p1', ready))).data.toString('utf8')) as Record<string, unknown>;
    expect(stored).toEqual({ state: 'deleting', state_time: 1_800_000_000, external_id: 'ami-1', external_name: null, format: 'raw', username: 'zuul', python_path: 'auto', shell_type: null, custom_field: 'kept' });
    await expect(markUploadDeleting(zk, { image: 'ubuntu', buildId: build, provider: 'p1', id: busy }, () => 0)).rejects.toThrow(new ImageDeleteRefused('Cannot delete because image upload in progress'));
    await expect(markUploadDeleting(zk, { image: 'ubuntu', buildId: build, provider: 'p9', id: ready }, () => 0)).rejects.toThrow('Image upload not found');

    expect((await markBuildDeleting(zk, 'ubuntu', build, () => 5)).fields).toMatchObject({ state: 'deleting', state_time: 5 });
    const building = await b.build('ubuntu', { state: 'building' });
    await expect(markBuildDeleting(zk, 'ubuntu', building, () => 0)).rejects.toThrow('Cannot delete a build in progress');
    await expect(markBuildDeleting(zk, 'ubuntu', '0000000099', () => 0)).rejects.toThrow('Build ubuntu-0000000099 not found');
  });
});
