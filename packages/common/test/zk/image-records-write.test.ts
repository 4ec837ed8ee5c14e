import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  deleteImageBuild,
  deleteImageUpload,
  IMAGE_ROOT,
  imageBuildFields,
  imageLocks,
  imageUploadFields,
  isZkError,
  readImageTree,
  storeImageBuild,
  storeImageUpload,
  type ZkClient,
} from '../../src/zk/index.js';
import { connectClient, testChroot } from './helpers.js';

/** Debian's python3-kazoo is installed for Debian's own interpreter (scripts/bootstrap.sh installs it). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = fileURLToPath(new URL('./kazoo-image-records.py', import.meta.url));

const chroot = testChroot();
let zk: ZkClient;
let connect: string;

beforeAll(async () => {
  zk = await connectClient(chroot);
  connect = `${inject('zookeeperConnectString').split(',')[0]}${chroot}`;
});

afterAll(async () => {
  await zk.deleteRecursive('/');
  await zk.close();
});

afterEach(async () => {
  await zk.deleteRecursive(IMAGE_ROOT);
});

async function kazoo(...args: string[]): Promise<Record<string, unknown>> {
  const tls = inject('zookeeperTls');
  const env = tls ? { ...process.env, KAZOO_TLS_CA: tls.ca, KAZOO_TLS_CERT: tls.cert, KAZOO_TLS_KEY: tls.key } : process.env;
  const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, connect, ...args], { env });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const where = (buildId: string, provider = 'p1') => ({ image: 'ubuntu', buildId, provider });

describe("image records written as nodepool-builder's", () => {
  it("writes ImageBuild.toDict and ImageUpload.toDict keys exactly, nulls and omissions as Nodepool's", () => {
    expect(imageBuildFields({ state: 'building', builder: 'b1', builderId: 'u1', formats: ['raw', 'qcow2'], username: 'zuul' }, 10)).toStrictEqual({
      state: 'building',
      state_time: 10,
      builder: 'b1',
      builder_id: 'u1',
      formats: 'qcow2,raw',
      username: 'zuul',
      python_path: null,
      shell_type: null,
    });
    expect(Object.keys(imageBuildFields({ state: 'failed' }, 1))).toEqual(['state', 'state_time', 'username', 'python_path', 'shell_type']);
    expect(imageUploadFields({ state: 'failed' }, 2)).toStrictEqual({
      state: 'failed',
      state_time: 2,
      external_id: null,
      external_name: null,
      format: null,
      username: null,
      python_path: null,
      shell_type: null,
    });
  });

  it('creates builds and uploads as sequential children, rewrites them whole, and the parser and kazoo read them alike', async () => {
    const first = await storeImageBuild(zk, 'ubuntu', imageBuildFields({ state: 'building', builder: 'h', formats: ['raw'] }, 100));
    const second = await storeImageBuild(zk, 'ubuntu', imageBuildFields({ state: 'ready', builder: 'h', formats: ['raw'] }, 101));
    expect([first, second]).toEqual(['0000000000', '0000000001']);
    await storeImageBuild(zk, 'ubuntu', imageBuildFields({ state: 'ready', builder: 'h', formats: ['raw'], username: 'zuul' }, 102), first);
    const up1 = await storeImageUpload(zk, where(first), imageUploadFields({ state: 'uploading', username: 'zuul' }, 103));
    await storeImageUpload(zk, where(first), imageUploadFields({ state: 'ready', externalId: 'img-1', externalName: 'ubuntu-103', format: 'raw', username: 'zuul' }, 104), up1);
    const up2 = await storeImageUpload(zk, where(second), imageUploadFields({ state: 'ready', externalId: 'img-2', externalName: 'ubuntu-105', format: 'raw' }, 105));
    const failed = await storeImageUpload(zk, where(second, 'p2'), imageUploadFields({ state: 'failed' }, 106));
    expect([up1, up2, failed]).toEqual(['0000000000', '0000000000', '0000000000']);

    const [tree] = await readImageTree(zk, (error) => expect.unreachable(String(error)));
    expect(tree?.builds.map((build) => [build.id, build.fields.state, build.fields.state_time])).toEqual([
      [first, 'ready', 102],
      [second, 'ready', 101],
    ]);
    expect(tree?.uploads.map((upload) => [upload.buildId, upload.provider, upload.id, upload.fields.state, upload.fields.external_id])).toEqual([
      [first, 'p1', up1, 'ready', 'img-1'],
      [second, 'p1', up2, 'ready', 'img-2'],
      [second, 'p2', failed, 'failed', null],
    ]);

    const read = await kazoo('read');
    expect(read.builds).toEqual({ ubuntu: { [first]: imageBuildFields({ state: 'ready', builder: 'h', formats: ['raw'], username: 'zuul' }, 102), [second]: imageBuildFields({ state: 'ready', builder: 'h', formats: ['raw'] }, 101) } });
    expect(read.uploads).toEqual({
      [`ubuntu/${first}/p1/${up1}`]: imageUploadFields({ state: 'ready', externalId: 'img-1', externalName: 'ubuntu-103', format: 'raw', username: 'zuul' }, 104),
      [`ubuntu/${second}/p1/${up2}`]: imageUploadFields({ state: 'ready', externalId: 'img-2', externalName: 'ubuntu-105', format: 'raw' }, 105),
      [`ubuntu/${second}/p2/${failed}`]: imageUploadFields({ state: 'failed' }, 106),
    });
    // Nodepool's launcher would boot the newest ready upload to p1, and nothing on p2.
    expect(read.recent).toEqual({ 'ubuntu/p1': `${second}/${up2}` });
  });

  it('refuses an upload of an image without builds, as storeImageUpload does, and a rewrite of a record that is gone', async () => {
    await expect(storeImageUpload(zk, where('0000000000'), imageUploadFields({ state: 'uploading' }, 1))).rejects.toSatisfy((error) => isZkError(error, 'NoNode'));
    await expect(storeImageBuild(zk, 'ubuntu', imageBuildFields({ state: 'ready' }, 1), '0000000007')).rejects.toSatisfy((error) => isZkError(error, 'NoNode'));
  });

  it("takes the builder's locks on kazoo's znodes: kazoo cannot take one cloudpool holds, and can once released", async () => {
    const build = await storeImageBuild(zk, 'ubuntu', imageBuildFields({ state: 'ready' }, 1));
    const upload = await storeImageUpload(zk, where(build), imageUploadFields({ state: 'ready' }, 2));
    const locks = [imageLocks.build(zk, 'ubuntu'), imageLocks.buildNumber(zk, 'ubuntu', build), imageLocks.upload(zk, where(build)), imageLocks.uploadNumber(zk, { ...where(build), id: upload })];
    const paths = [`${IMAGE_ROOT}/ubuntu/builds/lock`, `${IMAGE_ROOT}/ubuntu/builds/${build}/lock`, `${IMAGE_ROOT}/ubuntu/builds/${build}/providers/p1/images/lock`, `${IMAGE_ROOT}/ubuntu/builds/${build}/providers/p1/images/${upload}/lock`];
    expect(locks.map((lock) => lock.path)).toEqual(paths);
    for (const lock of locks) expect(await lock.acquire({ blocking: false })).toBe(true);
    expect(await kazoo('try-lock', ...paths)).toEqual(Object.fromEntries(paths.map((path) => [path, false])));
    for (const lock of locks) await lock.release();
    expect(await kazoo('try-lock', ...paths)).toEqual(Object.fromEntries(paths.map((path) => [path, true])));
    // The lock znodes left behind are not records, for kazoo as for the parser.
    expect((await kazoo('read')).uploads).toEqual({ [`ubuntu/${build}/p1/${upload}`]: imageUploadFields({ state: 'ready' }, 2) });
  });

  it('deletes an upload with its locks; a build only once no upload of it remains', async () => {
    const build = await storeImageBuild(zk, 'ubuntu', imageBuildFields({ state: 'deleting' }, 1));
    const upload = await storeImageUpload(zk, where(build), imageUploadFields({ state: 'deleting' }, 2));
    const lock = imageLocks.uploadNumber(zk, { ...where(build), id: upload });
    await lock.acquire();
    await lock.release();
    expect(await deleteImageBuild(zk, 'ubuntu', build)).toBe(false);
    expect(await zk.exists(`${IMAGE_ROOT}/ubuntu/builds/${build}`)).toBeDefined();
    await deleteImageUpload(zk, { ...where(build), id: upload });
    await deleteImageUpload(zk, { ...where(build), id: upload });
    expect(await deleteImageBuild(zk, 'ubuntu', build)).toBe(true);
    expect(await zk.getChildren(`${IMAGE_ROOT}/ubuntu/builds`)).toEqual([]);
    expect(await deleteImageBuild(zk, 'ubuntu', build)).toBe(true);
  });
});
