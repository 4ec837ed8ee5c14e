import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isCloudError, uploadTags } from '@cloudpool/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDER, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

const tags = uploadTags({ buildId: '0000000001', uploadId: '0000000002', providerName: PROVIDER, systemId: SYSTEM_ID });
const diskimages = new Map([['dib', { settings: { meta: { purpose: 'ci', nodepool_upload_id: 'overridden' } } }]]);

describe('OpenStack image uploads through Glance v2', () => {
  let cloud: SimulatedOpenStack | undefined;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-upload-'));
  });
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (bytes: Buffer) => {
    const at = path.join(dir, 'image.qcow2');
    await writeFile(at, bytes);
    return at;
  };

  it('creates a private image with the meta and our tags as properties, streams the file, and resolves once it is active', async () => {
    cloud = await SimulatedOpenStack.start();
    const { adapter, queue } = cloud.adapter({ diskimages });
    const data = Buffer.from('qcow2 bytes, streamed');
    const { externalId } = await adapter.imageUploads!.uploadImage({ diskimage: 'dib', imageName: 'dib-1700000000', path: await file(data), format: 'qcow2', tags });
    const image = await cloud.service('image');
    expect((await image.get(`/images/${externalId}`)).data).toMatchObject({
      name: 'dib-1700000000',
      status: 'active',
      visibility: 'private',
      disk_format: 'qcow2',
      container_format: 'bare',
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
      purpose: 'ci',
      ...tags,
    });
    expect(queue.actions.filter((action) => action.startsWith('glance.'))).toEqual(['glance.images.create', 'glance.images.upload', 'glance.images.get']);
  });

  it("rejects with Glance's error and deletes the image it made when Glance refuses the data", async () => {
    cloud = await SimulatedOpenStack.start({ imageSizeCap: 4 });
    const { adapter } = cloud.adapter({ diskimages });
    const failure = await adapter.imageUploads!.uploadImage({ diskimage: 'dib', imageName: 'dib-2', path: await file(Buffer.alloc(5)), format: 'raw', tags }).catch((error: unknown) => error);
    expect(isCloudError(failure)).toBe(true);
    expect((failure as Error).message).toContain('Image exceeds the storage quota');
    const image = await cloud.service('image');
    expect((await image.get('/images', { params: { nodepool_provider_name: PROVIDER } })).data.images).toEqual([]);
  });

  it('streams a file larger than the 10 MB body limit HTTP clients often default to', async () => {
    cloud = await SimulatedOpenStack.start();
    const { adapter } = cloud.adapter({ diskimages });
    const data = Buffer.alloc(12 * 1024 * 1024, 7);
    const { externalId } = await adapter.imageUploads!.uploadImage({ diskimage: 'dib', imageName: 'dib-big', path: await file(data), format: 'raw', tags });
    expect((await (await cloud.service('image')).get(`/images/${externalId}`)).data).toMatchObject({ status: 'active', size: data.length, checksum: createHash('md5').update(data).digest('hex') });
  });

  it('deletes an image; one already gone counts as deleted', async () => {
    cloud = await SimulatedOpenStack.start();
    const { adapter } = cloud.adapter({ diskimages });
    const { externalId } = await adapter.imageUploads!.uploadImage({ diskimage: 'dib', imageName: 'dib-3', path: await file(Buffer.from('x')), format: 'raw', tags });
    await adapter.imageUploads!.deleteImage(externalId);
    await adapter.imageUploads!.deleteImage(externalId);
    expect((await (await cloud.service('image')).get(`/images/${externalId}`, { validateStatus: () => true })).status).toBe(404);
  });
});
