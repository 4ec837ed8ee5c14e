import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { computeVersion, serverBody, startCloud, type TestCloud } from './helpers.js';

type ServerView = Record<string, unknown> & {
  id: string;
  status: string;
  metadata: Record<string, string>;
  tags: string[];
  fault?: { code: number; message: string; created: string };
  addresses: Record<string, Array<{ addr: string; 'OS-EXT-IPS:type': string }>>;
};

const V = computeVersion('2.96');

describe('Nova servers', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  async function createServer(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    if (!cloud) throw new Error('no cloud');
    const response = await cloud.compute.post('/servers', await serverBody(cloud, name, extra), { headers: V });
    expect(response.status).toBe(202);
    return (response.data as { server: { id: string } }).server.id;
  }

  async function getServer(id: string): Promise<ServerView> {
    if (!cloud) throw new Error('no cloud');
    const response = await cloud.compute.get(`/servers/${id}`, { headers: V });
    expect(response.status).toBe(200);
    return (response.data as { server: ServerView }).server;
  }

  it('accepts a create with 202, and the server goes BUILD → ACTIVE after bootTimeMs on the clock', async () => {
    const clock = new ManualClock();
    cloud = await startCloud({ clock, knobs: { bootTimeMs: 30_000 } });
    const body = await serverBody(cloud, 'node-1', { metadata: { nodepool_provider_name: 'p1', nodepool_node_id: '0000000001' }, tags: ['cloudpool'] });
    const response = await cloud.compute.post('/servers', body, { headers: V });
    expect(response.status).toBe(202);
    const created = (response.data as { server: Record<string, unknown> & { id: string } }).server;
    expect(Object.keys(created).sort()).toEqual(['OS-DCF:diskConfig', 'adminPass', 'id', 'links', 'security_groups']);
    expect(response.headers.location).toBe(`${cloud.sim.url}/compute/v2.1/servers/${created.id}`);

    const building = await getServer(created.id);
    expect(building).toMatchObject({ status: 'BUILD', 'OS-EXT-STS:vm_state': 'building', 'OS-EXT-STS:task_state': 'spawning', 'OS-SRV-USG:launched_at': null });
    expect(building.metadata).toEqual({ nodepool_provider_name: 'p1', nodepool_node_id: '0000000001' });
    expect(building.tags).toEqual(['cloudpool']);
    expect(building.addresses.private?.[0]).toMatchObject({ 'OS-EXT-IPS:type': 'fixed', version: 4 });

    clock.advance(29_999);
    expect((await getServer(created.id)).status).toBe('BUILD');
    clock.advance(1);
    const active = await getServer(created.id);
    expect(active).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:vm_state': 'active', 'OS-EXT-STS:power_state': 1, 'OS-EXT-AZ:availability_zone': 'nova' });
    expect(active['OS-SRV-USG:launched_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(active.pinned_availability_zone).toBeNull();
  });

  it('validates the request as Nova does', async () => {
    cloud = await startCloud();
    const good = await serverBody(cloud, 'x');
    const post = (server: Record<string, unknown>) => cloud?.compute.post('/servers', { server }, { headers: V });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...good.server, name: undefined }, 400, "'name' is a required property"],
      [{ ...good.server, flavorRef: '99' }, 400, 'Invalid flavorRef provided.'],
      [{ ...good.server, imageRef: 'no-such-image' }, 400, 'Image no-such-image could not be found.'],
      [{ ...good.server, networks: [{ uuid: 'no-such-net' }] }, 400, 'Network no-such-net could not be found.'],
      [{ ...good.server, key_name: 'missing' }, 400, 'Invalid key_name provided.'],
      [{ ...good.server, availability_zone: 'elsewhere' }, 400, 'The requested availability zone is not available'],
      [{ ...good.server, user_data: 'not base64!' }, 400, "is not a 'base64'"],
      [{ ...good.server, tags: ['a/b'] }, 400, 'Tags must be 1 to 60 characters'],
    ];
    for (const [server, status, message] of cases) {
      const response = await post(server);
      expect(response?.status).toBe(status);
      expect((response?.data as { badRequest: { message: string } }).badRequest.message).toContain(message);
    }
  });

  it('serves the metadata API and refuses metadata and tag changes while the server builds (409)', async () => {
    const clock = new ManualClock();
    cloud = await startCloud({ clock, knobs: { bootTimeMs: 10_000 } });
    const id = await createServer('meta', { metadata: { a: '1' } });
    const early = await cloud.compute.post(`/servers/${id}/metadata`, { metadata: { b: '2' } }, { headers: V });
    expect(early.status).toBe(409);
    expect(early.data).toEqual({ conflictingRequest: { code: 409, message: `Cannot 'update metadata' instance ${id} while it is in vm_state building` } });
    expect((await cloud.compute.put(`/servers/${id}/tags/late`, undefined, { headers: V })).status).toBe(409);
    clock.advance(10_000);

    expect((await cloud.compute.post(`/servers/${id}/metadata`, { metadata: { b: '2' } }, { headers: V })).data).toEqual({ metadata: { a: '1', b: '2' } });
    expect((await cloud.compute.put(`/servers/${id}/metadata/c`, { meta: { c: '3' } }, { headers: V })).data).toEqual({ meta: { c: '3' } });
    expect((await cloud.compute.get(`/servers/${id}/metadata/c`, { headers: V })).data).toEqual({ meta: { c: '3' } });
    expect((await cloud.compute.put(`/servers/${id}/metadata/c`, { meta: { d: '4' } }, { headers: V })).status).toBe(400);
    expect((await cloud.compute.delete(`/servers/${id}/metadata/a`, { headers: V })).status).toBe(204);
    expect((await cloud.compute.delete(`/servers/${id}/metadata/a`, { headers: V })).status).toBe(404);
    expect((await cloud.compute.get(`/servers/${id}/metadata`, { headers: V })).data).toEqual({ metadata: { b: '2', c: '3' } });
    expect((await cloud.compute.put(`/servers/${id}/metadata`, { metadata: { only: 'this' } }, { headers: V })).data).toEqual({ metadata: { only: 'this' } });
    expect((await getServer(id)).metadata).toEqual({ only: 'this' });
  });

  it('serves the tags API: replace, add (201 then 204), check, delete', async () => {
    cloud = await startCloud();
    const id = await createServer('tags');
    expect((await cloud.compute.put(`/servers/${id}/tags`, { tags: ['a', 'b'] }, { headers: V })).data).toEqual({ tags: ['a', 'b'] });
    const added = await cloud.compute.put(`/servers/${id}/tags/c`, undefined, { headers: V });
    expect(added.status).toBe(201);
    expect(added.headers.location).toBe(`${cloud.sim.url}/compute/v2.1/servers/${id}/tags/c`);
    expect((await cloud.compute.put(`/servers/${id}/tags/c`, undefined, { headers: V })).status).toBe(204);
    expect((await cloud.compute.get(`/servers/${id}/tags/c`, { headers: V })).status).toBe(204);
    expect((await cloud.compute.delete(`/servers/${id}/tags/a`, { headers: V })).status).toBe(204);
    expect((await cloud.compute.get(`/servers/${id}/tags/a`, { headers: V })).status).toBe(404);
    expect((await getServer(id)).tags).toEqual(['b', 'c']);
    const list = await cloud.compute.get('/servers', { params: { tags: 'b,c' }, headers: V });
    expect((list.data as { servers: Array<{ id: string }> }).servers.map((server) => server.id)).toEqual([id]);
    expect((await cloud.compute.delete(`/servers/${id}/tags`, { headers: V })).status).toBe(204);
    expect((await cloud.compute.get(`/servers/${id}/tags`, { headers: V })).data).toEqual({ tags: [] });
  });

  it('deletes with 204: task_state deleting until deleteTimeMs, then gone (404); a second delete after that is 404', async () => {
    const clock = new ManualClock();
    cloud = await startCloud({ clock, knobs: { deleteTimeMs: 5_000 } });
    const id = await createServer('doomed');
    expect((await cloud.compute.delete(`/servers/${id}`, { headers: V })).status).toBe(204);
    const deleting = await getServer(id);
    expect(deleting).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': 'deleting' });
    expect((await cloud.compute.delete(`/servers/${id}`, { headers: V })).status).toBe(204);
    clock.advance(5_000);
    const gone = await cloud.compute.get(`/servers/${id}`, { headers: V });
    expect(gone.status).toBe(404);
    expect(gone.data).toEqual({ itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
    const again = await cloud.compute.delete(`/servers/${id}`, { headers: V });
    expect(again.status).toBe(404);
    expect((await cloud.compute.get('/servers', { headers: V })).data).toEqual({ servers: [] });
  });

  it('refuses a create over quota with 403 worded as Nova, and /limits shows quotas and usage', async () => {
    cloud = await startCloud({ knobs: { quotas: { cores: 3, instances: 10 } } });
    await createServer('one', { flavorRef: '3' });
    const limits = await cloud.compute.get('/limits', { headers: V });
    expect((limits.data as { limits: { absolute: Record<string, number> } }).limits.absolute).toMatchObject({
      maxTotalCores: 3,
      maxTotalInstances: 10,
      maxTotalRAMSize: -1,
      totalCoresUsed: 2,
      totalInstancesUsed: 1,
      totalRAMUsed: 4096,
    });
    const over = await cloud.compute.post('/servers', await serverBody(cloud, 'two', { flavorRef: '3' }), { headers: V });
    expect(over.status).toBe(403);
    expect(over.data).toEqual({ forbidden: { code: 403, message: 'Quota exceeded for cores: Requested 2, but already used 2 of 3 cores' } });
    cloud.sim.setKnobs({ quotas: { cores: 3, instances: 1, ramMb: 4096 } });
    const several = await cloud.compute.post('/servers', await serverBody(cloud, 'three', { flavorRef: '3' }), { headers: V });
    expect((several.data as { forbidden: { message: string } }).forbidden.message).toBe(
      'Quota exceeded for cores, instances, ram: Requested 2, 1, 4096, but already used 2, 1, 4096 of 3, 1, 4096 cores, instances, ram',
    );
  });

  it('accepts a create the gate finds no capacity for, and the server goes to ERROR with a No valid host fault', async () => {
    cloud = await startCloud({ knobs: { faults: { capacityErrorRatio: 1 } } });
    const id = await createServer('unlucky');
    const server = await getServer(id);
    expect(server.status).toBe('ERROR');
    expect(server.fault).toMatchObject({ code: 500, message: 'No valid host was found. There are not enough hosts available.' });
    expect(server.addresses).toEqual({});
    expect(cloud.sim.counters.count('nova.servers.create', 'capacity')).toBe(1);
    expect(cloud.sim.resources().ports).toBe(0);
  });

  it('fails the next builds with faults queued by a seed', async () => {
    cloud = await startCloud();
    cloud.sim.seed({ buildFaults: [{ code: 500, message: 'Quota exceeded for cores: Requested 8, but already used 20 of 20 cores' }] });
    const failed = await getServer(await createServer('first'));
    expect(failed.status).toBe('ERROR');
    expect(failed.fault?.message).toBe('Quota exceeded for cores: Requested 8, but already used 20 of 20 cores');
    expect((await getServer(await createServer('second'))).status).toBe('ACTIVE');
  });

  it('serves flavors, availability zones and key pairs; key_name must name a key pair', async () => {
    cloud = await startCloud();
    const flavors = await cloud.compute.get('/flavors/detail', { headers: V });
    const names = (flavors.data as { flavors: Array<{ name: string; vcpus: number; ram: number; disk: number }> }).flavors;
    expect(names.map((flavor) => flavor.name)).toEqual(['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge']);
    expect(names[4]).toMatchObject({ vcpus: 8, ram: 16384, disk: 160 });
    expect((await cloud.compute.get('/flavors/404', { headers: V })).status).toBe(404);
    const zones = await cloud.compute.get('/os-availability-zone', { headers: V });
    expect(zones.data).toEqual({ availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }] });
    const publicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx5R7vVtLMe2bPz4q1uQk3mZb3DXo2Fq3m1tC5b8CHe ci@cloudpool';
    const keypair = await cloud.compute.post('/os-keypairs', { keypair: { name: 'ci', public_key: publicKey } }, { headers: V });
    expect(keypair.status).toBe(201);
    expect((keypair.data as { keypair: { fingerprint: string } }).keypair.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    const id = await createServer('with-key', { key_name: 'ci' });
    expect((await getServer(id)).key_name).toBe('ci');
    expect((await cloud.compute.delete('/os-keypairs/ci', { headers: V })).status).toBe(204);
    expect((await cloud.compute.get('/os-keypairs/ci', { headers: V })).status).toBe(404);
  });
});
