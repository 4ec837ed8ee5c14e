import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { computeVersion, serverBody, startCloud, type TestCloud } from './helpers.js';

interface Port {
  id: string;
  device_id: string;
  device_owner: string;
  status: string;
  tags: string[];
  network_id: string;
  fixed_ips: Array<{ ip_address: string; subnet_id: string }>;
}

interface FloatingIp {
  id: string;
  status: string;
  port_id: string | null;
  fixed_ip_address: string | null;
  floating_ip_address: string;
  router_id: string | null;
  tags: string[];
}

const V = computeVersion('2.96');

describe('Neutron', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  async function networkId(name: string): Promise<string> {
    const response = await cloud?.network.get('/networks', { params: { name } });
    const networks = (response?.data as { networks: Array<{ id: string }> }).networks;
    if (!networks[0]) throw new Error(`no network ${name}`);
    return networks[0].id;
  }

  async function ports(params: Record<string, string | string[]>): Promise<Port[]> {
    const response = await cloud?.network.get('/ports', { params, paramsSerializer: { indexes: null } });
    expect(response?.status).toBe(200);
    return (response?.data as { ports: Port[] }).ports;
  }

  it('seeds a public external network and a private one, with subnets', async () => {
    cloud = await startCloud();
    const external = await cloud.network.get('/networks', { params: { 'router:external': 'true' } });
    expect((external.data as { networks: Array<{ name: string }> }).networks.map((network) => network.name)).toEqual(['public']);
    const privateNet = await cloud.network.get(`/networks/${await networkId('private')}`);
    expect((privateNet.data as { network: Record<string, unknown> }).network).toMatchObject({ name: 'private', 'router:external': false, status: 'ACTIVE' });
    const subnets = await cloud.network.get('/subnets');
    expect((subnets.data as { subnets: unknown[] }).subnets).toHaveLength(2);
    const unknownFilter = await cloud.network.get('/networks', { params: { colour: 'blue' } });
    expect(unknownFilter.status).toBe(400);
    expect(unknownFilter.data).toEqual({ NeutronError: { type: 'HTTPBadRequest', message: '[colour] is invalid attribute for filtering', detail: '' } });
  });

  it('creates ports (ignoring tags in the body, as Zed does), tags them, lists them by device_id, device_owner, status and tags, and deletes them', async () => {
    cloud = await startCloud();
    const network = await networkId('private');
    const created = await cloud.network.post('/ports', { port: { network_id: network, name: 'leak', device_owner: 'compute:nova', tags: ['cloudpool'] } });
    expect(created.status).toBe(201);
    const port = (created.data as { port: Port }).port;
    expect(port).toMatchObject({ status: 'DOWN', device_id: '', tags: [], network_id: network });
    expect(port.fixed_ips[0]?.ip_address).toMatch(/^10\.0\.\d+\.\d+$/);

    expect((await cloud.network.put(`/ports/${port.id}/tags/cloudpool`)).status).toBe(201);
    expect((await cloud.network.put(`/ports/${port.id}/tags/provider-p1`)).status).toBe(201);
    expect((await cloud.network.get(`/ports/${port.id}/tags`)).data).toEqual({ tags: ['cloudpool', 'provider-p1'] });
    expect((await cloud.network.put(`/ports/${port.id}/tags`, { tags: ['cloudpool', 'x'] })).data).toEqual({ tags: ['cloudpool', 'x'] });

    const serverId = (await cloud.compute.post('/servers', await serverBody(cloud, 'with-port'), { headers: V })).data as { server: { id: string } };
    const serverPorts = await ports({ device_id: serverId.server.id });
    expect(serverPorts).toHaveLength(1);
    expect(serverPorts[0]).toMatchObject({ device_owner: 'compute:nova', status: 'ACTIVE' });

    const downOwned = await ports({ device_owner: 'compute:nova', status: 'DOWN' });
    expect(downOwned.map((candidate) => candidate.id)).toEqual([port.id]);
    expect((await ports({ tags: 'cloudpool' })).map((candidate) => candidate.id)).toEqual([port.id]);
    expect(await ports({ 'not-tags-any': 'cloudpool', device_owner: 'compute:nova' })).toHaveLength(1);
    expect(await ports({ device_id: [serverId.server.id, 'nothing'] })).toHaveLength(1);
    const projected = await cloud.network.get('/ports', { params: { fields: 'id', device_id: serverId.server.id } });
    expect((projected.data as { ports: unknown[] }).ports).toEqual([{ id: serverPorts[0]?.id }]);

    expect((await cloud.network.delete(`/ports/${port.id}`)).status).toBe(204);
    const gone = await cloud.network.delete(`/ports/${port.id}`);
    expect(gone.status).toBe(404);
    expect(gone.data).toEqual({ NeutronError: { type: 'PortNotFound', message: `Port ${port.id} could not be found.`, detail: '' } });
  });

  it('keeps a port or floating IP description given in the create, and refuses a name or description over 255 characters as Neutron does', async () => {
    cloud = await startCloud();
    const network = await networkId('private');
    const created = await cloud.network.post('/ports', { port: { network_id: network, name: 'np1-0', description: 'cloudpool node 1' } });
    expect((created.data as { port: Port & { description: string } }).port.description).toBe('cloudpool node 1');
    const long = 'x'.repeat(256);
    for (const body of [{ port: { network_id: network, description: long } }, { port: { network_id: network, name: long } }]) {
      const refused = await cloud.network.post('/ports', body);
      expect(refused.status).toBe(400);
      expect((refused.data as { NeutronError: { message: string } }).NeutronError.message).toMatch(/^Invalid input for (description|name)\. Reason: 'x+' exceeds maximum length of 255\.$/);
    }
    const fip = await cloud.network.post('/floatingips', { floatingip: { floating_network_id: await networkId('public'), description: long } });
    expect(fip.status).toBe(400);
  });

  it('pages ports with limit and marker', async () => {
    cloud = await startCloud();
    cloud.sim.seed({ ports: Array.from({ length: 25 }, (_, i) => ({ name: `p${i}`, tags: ['bulk'] })) });
    const seen: string[] = [];
    let params: Record<string, string> = { tags: 'bulk', limit: '10' };
    for (let pages = 0; pages < 5; pages++) {
      const response = await cloud.network.get('/ports', { params });
      const body = response.data as { ports: Port[]; ports_links?: Array<{ href: string; rel: string }> };
      seen.push(...body.ports.map((port) => port.id));
      const next = body.ports_links?.find((link) => link.rel === 'next');
      if (!next) break;
      params = Object.fromEntries(new URL(next.href).searchParams);
    }
    expect(seen).toHaveLength(25);
    expect([...seen].sort()).toEqual(seen);
  });

  it('allocates a floating IP on public, associates it with a server port, and keeps it (disassociated) when the server goes', async () => {
    const clock = new ManualClock();
    cloud = await startCloud({ clock, knobs: { deleteTimeMs: 1_000 } });
    const created = await cloud.compute.post('/servers', await serverBody(cloud, 'fip'), { headers: V });
    const serverId = (created.data as { server: { id: string } }).server.id;
    const [port] = await ports({ device_id: serverId });
    if (!port) throw new Error('server has no port');

    const tagged = await cloud.network.post('/floatingips', { floatingip: { floating_network_id: await networkId('public'), tags: ['cloudpool'] } });
    expect(tagged.status).toBe(400);
    expect(tagged.data).toEqual({ NeutronError: { type: 'HTTPBadRequest', message: "Attribute 'tags' not allowed in POST", detail: '' } });
    const allocated = await cloud.network.post('/floatingips', { floatingip: { floating_network_id: await networkId('public') } });
    expect(allocated.status).toBe(201);
    const floatingIp = (allocated.data as { floatingip: FloatingIp }).floatingip;
    expect(floatingIp).toMatchObject({ status: 'DOWN', port_id: null, fixed_ip_address: null, tags: [] });
    expect((await cloud.network.put(`/floatingips/${floatingIp.id}/tags`, { tags: ['cloudpool'] })).status).toBe(200);
    expect(floatingIp.floating_ip_address).toMatch(/^172\.24\./);

    const associated = await cloud.network.put(`/floatingips/${floatingIp.id}`, { floatingip: { port_id: port.id } });
    expect(associated.status).toBe(200);
    expect((associated.data as { floatingip: FloatingIp }).floatingip).toMatchObject({
      status: 'ACTIVE',
      port_id: port.id,
      fixed_ip_address: port.fixed_ips[0]?.ip_address,
    });
    expect((associated.data as { floatingip: FloatingIp }).floatingip.router_id).toBeTruthy();
    const byPort = await cloud.network.get('/floatingips', { params: { port_id: port.id } });
    expect((byPort.data as { floatingips: FloatingIp[] }).floatingips.map((candidate) => candidate.id)).toEqual([floatingIp.id]);
    const server = await cloud.compute.get(`/servers/${serverId}`, { headers: V });
    const addresses = (server.data as { server: { addresses: { private: Array<{ addr: string; 'OS-EXT-IPS:type': string }> } } }).server.addresses.private;
    expect(addresses.map((address) => address['OS-EXT-IPS:type'])).toEqual(['fixed', 'floating']);

    const second = await cloud.network.post('/floatingips', { floatingip: { floating_network_id: await networkId('public'), port_id: port.id } });
    expect(second.status).toBe(409);
    expect((second.data as { NeutronError: { type: string } }).NeutronError.type).toBe('FloatingIPPortAlreadyAssociated');

    expect((await cloud.compute.delete(`/servers/${serverId}`, { headers: V })).status).toBe(204);
    expect(await ports({ device_id: serverId })).toHaveLength(1);
    clock.advance(1_000);
    expect(await ports({ device_id: serverId })).toHaveLength(0);
    const kept = await cloud.network.get(`/floatingips/${floatingIp.id}`);
    expect((kept.data as { floatingip: FloatingIp }).floatingip).toMatchObject({ status: 'DOWN', port_id: null, fixed_ip_address: null });
    const down = await cloud.network.get('/floatingips', { params: { status: 'DOWN', tags: 'cloudpool' } });
    expect((down.data as { floatingips: unknown[] }).floatingips).toHaveLength(1);

    expect((await cloud.network.delete(`/floatingips/${floatingIp.id}`)).status).toBe(204);
    const missing = await cloud.network.get(`/floatingips/${floatingIp.id}`);
    expect(missing.status).toBe(404);
    expect((missing.data as { NeutronError: { type: string } }).NeutronError.type).toBe('FloatingIPNotFound');
  });

  it('unbinds (does not delete) a port the client passed to the server', async () => {
    cloud = await startCloud();
    const created = await cloud.network.post('/ports', { port: { network_id: await networkId('private') } });
    const portId = (created.data as { port: Port }).port.id;
    const server = await cloud.compute.post('/servers', await serverBody(cloud, 'own-port', { networks: [{ port: portId }] }), { headers: V });
    const serverId = (server.data as { server: { id: string } }).server.id;
    expect((await ports({ device_id: serverId })).map((port) => port.id)).toEqual([portId]);
    const inUse = await cloud.compute.post('/servers', await serverBody(cloud, 'same-port', { networks: [{ port: portId }] }), { headers: V });
    expect(inUse.status).toBe(409);
    await cloud.compute.delete(`/servers/${serverId}`, { headers: V });
    const after = await cloud.network.get(`/ports/${portId}`);
    expect((after.data as { port: Port }).port).toMatchObject({ device_id: '', device_owner: '', status: 'DOWN' });
  });

  it('answers the gate capacity fault on a port create with 409 IpAddressGenerationFailure', async () => {
    cloud = await startCloud({ knobs: { faults: { capacityErrorRatio: 1 } } });
    const network = await networkId('private');
    const response = await cloud.network.post('/ports', { port: { network_id: network } });
    expect(response.status).toBe(409);
    expect(response.data).toEqual({
      NeutronError: { type: 'IpAddressGenerationFailure', message: `No more IP addresses available on network ${network}.`, detail: '' },
    });
  });

  it('without the L3 plugin serves no floating IPs and lists no router extension, as a Neutron configured without it', async () => {
    cloud = await startCloud({ neutronL3: false });
    expect((await cloud.network.get('/floatingips')).status).toBe(404);
    const aliases = ((await cloud.network.get('/extensions')).data as { extensions: Array<{ alias: string }> }).extensions.map((e) => e.alias);
    expect(aliases).toContain('external-net');
    expect(aliases).not.toContain('router');
    await cloud.sim.stop();
    cloud = await startCloud();
    const withL3 = ((await cloud.network.get('/extensions')).data as { extensions: Array<{ alias: string }> }).extensions.map((e) => e.alias);
    expect(withL3).toContain('router');
  });
});
