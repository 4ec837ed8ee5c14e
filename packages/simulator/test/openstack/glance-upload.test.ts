import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startCloud, type TestCloud } from './helpers.js';

const OCTETS = { headers: { 'Content-Type': 'application/octet-stream' } };

describe('Glance v2 image create and data upload, as the API reference has them', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  it('creates a queued image without data, takes its data once (queued → active, 204), then refuses more with 409', async () => {
    cloud = await startCloud();
    const created = await cloud.image.post('/images', { name: 'dib-1', disk_format: 'raw', container_format: 'bare', visibility: 'private', nodepool_upload_id: '0000000001', tags: ['a', 'a'] });
    expect(created.status).toBe(201);
    const image = created.data as Record<string, unknown>;
    expect(image).toMatchObject({ name: 'dib-1', status: 'queued', size: null, checksum: null, disk_format: 'raw', container_format: 'bare', visibility: 'private', nodepool_upload_id: '0000000001', tags: ['a'] });
    expect(created.headers.location).toMatch(new RegExp(`/image/v2/images/${String(image.id)}$`));
    const data = Buffer.from('disk image bytes');
    const put = await cloud.image.put(`/images/${String(image.id)}/file`, data, OCTETS);
    expect(put.status).toBe(204);
    expect((await cloud.image.get(`/images/${String(image.id)}`)).data).toMatchObject({ status: 'active', size: data.length, checksum: createHash('md5').update(data).digest('hex') });
    const again = await cloud.image.put(`/images/${String(image.id)}/file`, data, OCTETS);
    expect(again.status).toBe(409);
    expect(String(again.data)).toContain('Image status transition from active to saving is not allowed');
  });

  it('refuses data before disk_format and container_format are set (400), of another type (415), to no image (404), and beyond image_size_cap (413)', async () => {
    cloud = await startCloud({ imageSizeCap: 8 });
    const bare = (await cloud.image.post('/images', { name: 'no-formats' })).data as { id: string; status: string; disk_format: unknown };
    expect(bare).toMatchObject({ status: 'queued', disk_format: null });
    const unformatted = await cloud.image.put(`/images/${bare.id}/file`, Buffer.from('x'), OCTETS);
    expect(unformatted.status).toBe(400);
    expect(String(unformatted.data)).toContain('Properties disk_format, container_format must be set prior to saving data.');
    const formatted = (await cloud.image.post('/images', { name: 'f', disk_format: 'qcow2', container_format: 'bare' })).data as { id: string };
    expect((await cloud.image.put(`/images/${formatted.id}/file`, Buffer.from('x'), { headers: { 'Content-Type': 'application/json' } })).status).toBe(415);
    expect((await cloud.image.put('/images/00000000-0000-0000-0000-000000000000/file', Buffer.from('x'), OCTETS)).status).toBe(404);
    const tooBig = await cloud.image.put(`/images/${formatted.id}/file`, Buffer.alloc(9), OCTETS);
    expect(tooBig.status).toBe(413);
    expect((await cloud.image.get(`/images/${formatted.id}`)).data).toMatchObject({ status: 'queued', size: null });
  });

  it('refuses a create with a format Glance does not know or a non-string custom property (400), a read-only property (403), a used id (409)', async () => {
    cloud = await startCloud();
    expect((await cloud.image.post('/images', { disk_format: 'tarball', container_format: 'bare' })).status).toBe(400);
    expect((await cloud.image.post('/images', { container_format: 'crate' })).status).toBe(400);
    expect((await cloud.image.post('/images', { nodepool_upload_id: 1 })).status).toBe(400);
    const readOnly = await cloud.image.post('/images', { status: 'active' });
    expect(readOnly.status).toBe(403);
    expect(String(readOnly.data)).toContain("Attribute 'status' is read-only.");
    const id = 'c0ffee00-0000-4000-8000-000000000001';
    expect((await cloud.image.post('/images', { id })).status).toBe(201);
    expect((await cloud.image.post('/images', { id })).status).toBe(409);
  });
});
