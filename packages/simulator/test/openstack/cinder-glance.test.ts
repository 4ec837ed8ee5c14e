import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { client, computeVersion, imageId, serverBody, startCloud, type TestCloud } from './helpers.js';

interface Volume {
  id: string;
  status: string;
  size: number;
  name: string | null;
  metadata: Record<string, string>;
  bootable: string;
  attachments: Array<{ server_id: string }>;
}

const V = computeVersion('2.96');

describe('Glance images', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  it('lists the seeded images with a name filter, shows one, and answers 404 in Glance’s HTML', async () => {
    cloud = await startCloud();
    const all = await cloud.image.get('/images');
    expect(all.status).toBe(200);
    const body = all.data as { images: Array<{ name: string; status: string; visibility: string }>; schema: string; first: string };
    expect(body.images.map((image) => image.name).sort()).toEqual(['debian-bookworm', 'ubuntu-jammy']);
    expect(body).toMatchObject({ schema: '/v2/schemas/images', first: '/v2/images' });
    const id = await imageId(cloud, 'debian-bookworm');
    const shown = await cloud.image.get(`/images/${id}`);
    expect(shown.data).toMatchObject({ id, name: 'debian-bookworm', status: 'active', disk_format: 'qcow2', self: `/v2/images/${id}` });
    const paged = await cloud.image.get('/images', { params: { limit: '1' } });
    expect((paged.data as { next?: string }).next).toMatch(/^\/v2\/images\?limit=1&marker=/);
    const missing = await cloud.image.get('/images/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('text/html');
    expect(String(missing.data)).toContain('No image found with ID nope');
  });

  it('shows custom properties as top-level keys and filters on them and on owner, across pages', async () => {
    cloud = await startCloud();
    const upload = { nodepool_provider_name: 'p1', nodepool_build_id: 'b1', nodepool_upload_id: '0000000001' };
    const { images } = cloud.sim.seed({
      images: [
        { name: 'upload-1', properties: upload, ageMs: 3_000 },
        { name: 'upload-2', properties: { ...upload, nodepool_upload_id: '0000000002' }, ageMs: 2_000 },
        { name: 'other-provider', properties: { ...upload, nodepool_provider_name: 'p2' }, ageMs: 1_000 },
        { name: 'other-project', properties: upload, owner: 'f'.repeat(32), visibility: 'public' },
      ],
    });
    const shown = (await cloud.image.get(`/images/${images[0]}`)).data as Record<string, unknown>;
    expect(shown).toMatchObject({ ...upload, id: images[0], name: 'upload-1', owner: cloud.projectId, visibility: 'shared', protected: false });
    expect(shown).not.toHaveProperty('os_distro');

    const params = { nodepool_provider_name: 'p1', owner: cloud.projectId, limit: '1' };
    const first = (await cloud.image.get('/images', { params })).data as { images: Array<{ id: string }>; next?: string };
    expect(first.images.map((image) => image.id)).toEqual([images[1]]);
    expect(first.next).toMatch(/nodepool_provider_name=p1/);
    const marker = new URL(first.next!, 'http://x').searchParams.get('marker');
    const second = (await cloud.image.get('/images', { params: { ...params, marker } })).data as { images: Array<{ id: string }>; next?: string };
    expect(second.images.map((image) => image.id)).toEqual([images[0]]);
    const third = (await cloud.image.get('/images', { params: { ...params, marker: images[0] } })).data as { images: unknown[]; next?: string };
    expect(third).toMatchObject({ images: [] });
    expect(third.next).toBeUndefined();
    const anyOwner = (await cloud.image.get('/images', { params: { nodepool_provider_name: 'p1' } })).data as { images: Array<{ id: string }> };
    expect(anyOwner.images.map((image) => image.id)).toEqual([images[3], images[1], images[0]]);
  });

  it('lists community images of other projects only when asked', async () => {
    cloud = await startCloud();
    const { images } = cloud.sim.seed({ images: [{ name: 'theirs', owner: 'f'.repeat(32), visibility: 'community' }, { name: 'ours', visibility: 'community' }] });
    const names = async (params: Record<string, string>) =>
      ((await cloud!.image.get('/images', { params })).data as { images: Array<{ id: string }> }).images.map((image) => image.id);
    expect(await names({})).not.toContain(images[0]);
    expect(await names({})).toContain(images[1]);
    expect((await names({ visibility: 'community' })).sort()).toEqual([...images].sort());
    expect(await names({ visibility: 'all' })).toContain(images[0]);
  });

  it('deletes an image of the project (204), and refuses a protected one or another project’s with 403', async () => {
    cloud = await startCloud();
    const { images } = cloud.sim.seed({ images: [{ name: 'mine' }, { name: 'kept', protected: true }, { name: 'theirs', owner: 'f'.repeat(32) }] });
    const [mine, kept, theirs] = images as [string, string, string];
    expect((await cloud.image.delete(`/images/${mine}`)).status).toBe(204);
    expect((await cloud.image.get(`/images/${mine}`)).status).toBe(404);
    const again = await cloud.image.delete(`/images/${mine}`);
    expect(again.status).toBe(404);
    expect(String(again.data)).toContain(`Failed to find image ${mine} to delete`);
    const protectedAnswer = await cloud.image.delete(`/images/${kept}`);
    expect(protectedAnswer.status).toBe(403);
    expect(String(protectedAnswer.data)).toContain(`Image ${kept} is protected and cannot be deleted.`);
    expect((await cloud.image.delete(`/images/${theirs}`)).status).toBe(403);
    const publicImage = await imageId(cloud, 'ubuntu-jammy');
    expect((await cloud.image.delete(`/images/${publicImage}`)).status).toBe(403);
    for (const left of [kept, theirs, publicImage]) expect((await cloud.image.get(`/images/${left}`)).status).toBe(200);
  });
});

describe('Cinder volumes', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  it('creates a volume (creating → available), lists it with a metadata filter, and deletes it (202)', async () => {
    const clock = new ManualClock();
    cloud = await startCloud({ clock, knobs: { bootTimeMs: 2_000, deleteTimeMs: 1_000 } });
    const created = await cloud.volume.post('/volumes', { volume: { size: 10, name: 'scratch', metadata: { nodepool_provider_name: 'p1' } } });
    expect(created.status).toBe(202);
    const volume = (created.data as { volume: Volume }).volume;
    expect(volume).toMatchObject({ status: 'creating', size: 10, name: 'scratch', bootable: 'false', metadata: { nodepool_provider_name: 'p1' } });
    clock.advance(2_000);
    expect(((await cloud.volume.get(`/volumes/${volume.id}`)).data as { volume: Volume }).volume.status).toBe('available');

    cloud.sim.seed({ volumes: [{ name: 'foreign', sizeGb: 5 }] });
    const filtered = await cloud.volume.get('/volumes/detail', { params: { metadata: '{"nodepool_provider_name": "p1"}' } });
    expect((filtered.data as { volumes: Volume[] }).volumes.map((candidate) => candidate.id)).toEqual([volume.id]);
    const pythonStyle = await cloud.volume.get('/volumes/detail', { params: { metadata: "{'nodepool_provider_name': 'p1'}" } });
    expect((pythonStyle.data as { volumes: Volume[] }).volumes).toHaveLength(1);
    const summary = await cloud.volume.get('/volumes', { params: { limit: '1' } });
    const summaryBody = summary.data as { volumes: Array<Record<string, unknown>>; volumes_links?: Array<{ href: string }> };
    expect(Object.keys(summaryBody.volumes[0] ?? {}).sort()).toEqual(['id', 'links', 'name']);
    expect(summaryBody.volumes_links?.[0]?.href).toContain(`/volume/v3/${cloud.projectId}/volumes?limit=1&marker=`);

    expect((await cloud.volume.delete(`/volumes/${volume.id}`)).status).toBe(202);
    expect(((await cloud.volume.get(`/volumes/${volume.id}`)).data as { volume: Volume }).volume.status).toBe('deleting');
    clock.advance(1_000);
    const gone = await cloud.volume.get(`/volumes/${volume.id}`);
    expect(gone.status).toBe(404);
    expect(gone.data).toEqual({ itemNotFound: { code: 404, message: `Volume ${volume.id} could not be found.` } });
  });

  it('reports limits and refuses volumes over quota with 413 overLimit', async () => {
    cloud = await startCloud({ knobs: { quotas: { volumes: 2, volumeGb: 15 } } });
    await cloud.volume.post('/volumes', { volume: { size: 10 } });
    const limits = await cloud.volume.get('/limits');
    expect((limits.data as { limits: { absolute: Record<string, number> } }).limits.absolute).toMatchObject({
      maxTotalVolumes: 2,
      maxTotalVolumeGigabytes: 15,
      totalVolumesUsed: 1,
      totalGigabytesUsed: 10,
    });
    const tooBig = await cloud.volume.post('/volumes', { volume: { size: 6 } });
    expect(tooBig.status).toBe(413);
    expect(tooBig.data).toEqual({
      overLimit: {
        code: 413,
        message: 'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 6G, quota is 15G and 10G has been consumed.',
        retryAfter: '0',
      },
    });
    expect((await cloud.volume.post('/volumes', { volume: { size: 5 } })).status).toBe(202);
    const tooMany = await cloud.volume.post('/volumes', { volume: { size: 1 } });
    expect((tooMany.data as { overLimit: { message: string } }).overLimit.message).toBe(
      "VolumeLimitExceeded: Maximum number of volumes allowed (2) exceeded for quota 'volumes'.",
    );
  });

  it('refuses another project in the URL, and puts a volume the gate finds no backend for in error', async () => {
    cloud = await startCloud({ knobs: { faults: { capacityErrorRatio: 1 } } });
    const other = await client(`${cloud.sim.url}/volume/v3/someone-else`, { 'X-Auth-Token': cloud.token }).get('/volumes');
    expect(other.status).toBe(400);
    expect(other.data).toEqual({ badRequest: { code: 400, message: 'Malformed request url' } });
    const created = await cloud.volume.post('/volumes', { volume: { size: 1 } });
    expect(created.status).toBe(202);
    expect((created.data as { volume: Volume }).volume.status).toBe('error');
    expect(created.headers['openstack-api-version']).toBe('volume 3.0');
  });

  it('boots from a new volume that is deleted with the server when delete_on_termination is set', async () => {
    cloud = await startCloud();
    const image = await imageId(cloud);
    const mapping = (deleteOnTermination: boolean) => [
      { boot_index: 0, uuid: image, source_type: 'image', destination_type: 'volume', volume_size: 20, delete_on_termination: deleteOnTermination },
    ];
    const ids: string[] = [];
    for (const deleteOnTermination of [true, false]) {
      const body = await serverBody(cloud, `bfv-${deleteOnTermination}`, { imageRef: '', block_device_mapping_v2: mapping(deleteOnTermination) });
      const created = await cloud.compute.post('/servers', body, { headers: V });
      expect(created.status).toBe(202);
      ids.push((created.data as { server: { id: string } }).server.id);
    }
    const server = (await cloud.compute.get(`/servers/${ids[0] ?? ''}`, { headers: V })).data as {
      server: { image: unknown; 'os-extended-volumes:volumes_attached': Array<{ id: string; delete_on_termination: boolean }> };
    };
    expect(server.server.image).toBe('');
    const [attached] = server.server['os-extended-volumes:volumes_attached'];
    expect(attached?.delete_on_termination).toBe(true);
    const volume = (await cloud.volume.get(`/volumes/${attached?.id ?? ''}`)).data as { volume: Volume };
    expect(volume.volume).toMatchObject({ status: 'in-use', size: 20, bootable: 'true', attachments: [{ server_id: ids[0] }] });
    expect((await cloud.volume.delete(`/volumes/${attached?.id ?? ''}`)).status).toBe(400);

    for (const id of ids) expect((await cloud.compute.delete(`/servers/${id}`, { headers: V })).status).toBe(204);
    expect((await cloud.volume.get(`/volumes/${attached?.id ?? ''}`)).status).toBe(404);
    const remaining = (await cloud.volume.get('/volumes/detail')).data as { volumes: Volume[] };
    expect(remaining.volumes).toHaveLength(1);
    expect(remaining.volumes[0]).toMatchObject({ status: 'available', attachments: [] });
  });

  it('fails the build of a boot-from-volume server whose volume would exceed Cinder’s quota', async () => {
    cloud = await startCloud({ knobs: { quotas: { volumes: 0 } } });
    const mapping = [{ boot_index: 0, uuid: await imageId(cloud), source_type: 'image', destination_type: 'volume', volume_size: 20, delete_on_termination: true }];
    const created = await cloud.compute.post('/servers', await serverBody(cloud, 'no-room', { block_device_mapping_v2: mapping }), { headers: V });
    expect(created.status).toBe(202);
    const id = (created.data as { server: { id: string } }).server.id;
    const server = (await cloud.compute.get(`/servers/${id}`, { headers: V })).data as { server: { status: string; fault: { message: string } } };
    expect(server.server.status).toBe('ERROR');
    expect(server.server.fault.message).toContain('VolumeLimitExceeded');
  });
});
