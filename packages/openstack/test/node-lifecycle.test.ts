import { CloudError, nodeTags, TAG, type CreateRequest } from '@cloudpool/common';
import { sampleNodeRequestInfo } from '@cloudpool/common/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ATTEMPT_KEY, providerServerTag } from '../src/tags.js';
import type { OpenStackLabelSettings, OpenStackPoolSettings, OpenStackSettings } from '../src/config.js';
import { PROVIDER, poolWithLabel, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

let sequence = 0;

function request(pool: Partial<OpenStackPoolSettings> = {}, label: Partial<OpenStackLabelSettings> = {}, attempt = 1): CreateRequest<OpenStackSettings> {
  const nodeId = String(++sequence).padStart(10, '0');
  const config = poolWithLabel(pool, label);
  const tags = nodeTags({ nodeId, poolName: 'main', providerName: PROVIDER, systemId: SYSTEM_ID }, config.label.tags);
  return { nodeId, attempt, hostname: `np${nodeId}`, label: config.label, pool: config.pool, tags };
}

const hooks = (reported: string[] = []) => ({ onExternalId: (id: string) => reported.push(id), signal: new AbortController().signal });

describe('node lifecycle', () => {
  let cloud: SimulatedOpenStack;
  beforeEach(async () => {
    cloud = await SimulatedOpenStack.start();
  });
  afterEach(async () => {
    await cloud.stop();
  });

  const forNode = async (nodeId: string) => (await cloud.rawResources()).filter((resource) => resource.tags[TAG.nodeId] === nodeId);

  it('tags the port and floating IP through the tag API (Zed takes no tags in their creates), the server in its create, and reports the floating IP as the interface address', async () => {
    const { adapter } = cloud.adapter();
    const req = request();
    const reported: string[] = [];
    const serverId = await adapter.createResource(req, hooks(reported));
    expect(reported).toEqual([serverId]);

    const resources = await forNode(req.nodeId);
    expect(resources.map((resource) => resource.type).sort()).toEqual(['floating-ip', 'instance', 'port']);
    for (const resource of resources) {
      expect(resource.tags).toMatchObject({ ...req.tags, [ATTEMPT_KEY]: '1', team: 'ci' });
    }
    expect(resources.find((resource) => resource.type === 'instance')?.tags.groups).toBe(`${PROVIDER},ubuntu,small`);
    const compute = await cloud.service('compute');
    const { data } = await compute.get(`/servers/${serverId}`);
    expect(data.server.tags).toEqual([providerServerTag(PROVIDER)]);
    // One tag call each: Zed ignores a port create's tags and refuses a floating IP create's.
    expect(cloud.sim.counters.count('neutron.ports.tags.replace')).toBe(1);
    expect(cloud.sim.counters.count('neutron.floatingips.tags.replace')).toBe(1);

    cloud.settle();
    const node = (await adapter.listNodes()).find((instance) => instance.externalId === serverId);
    expect(node).toMatchObject({ state: 'ready', publicIpv4: expect.stringMatching(/^172\.24\./), privateIpv4: expect.stringMatching(/^10\.0\./) });
    expect(node?.interfaceIp).toBe(node?.publicIpv4);
    expect(node?.quota?.toJSON()).toEqual({ instances: 1, cores: 1, ram: 2048 });
  });

  it("boots a diskimage label from the builder's Glance image (the upload's external_id) as is, without an image lookup", async () => {
    const [imageId] = cloud.sim.seed({
      images: [{ name: 'fedora-1700000000', properties: { nodepool_provider_name: PROVIDER, nodepool_build_id: '0000000001', nodepool_upload_id: '0000000001' } }],
    }).images;
    const { adapter, queue } = cloud.adapter({ diskimages: new Map([['fedora', { settings: { configDrive: true } }]]) });
    const base = request();
    const req: CreateRequest<OpenStackSettings> = {
      ...base,
      label: { ...base.label, cloudImage: undefined, diskimage: 'fedora' },
      upload: { externalId: imageId!, imageId: `/nodepool/images/fedora/builds/0000000001/providers/${PROVIDER}/images/0000000001` },
    };
    const serverId = await adapter.createResource(req, hooks());
    const compute = await cloud.service('compute');
    const { data } = await compute.get(`/servers/${serverId}`);
    expect(data.server.image.id).toBe(imageId);
    expect(data.server.metadata.groups).toBe(`${PROVIDER},fedora,small`);
    const glanceCalls = () => queue.actions.filter((action) => action.startsWith('glance.')).length;
    expect(glanceCalls()).toBe(0);
    // A cloud-image label, by contrast, looks its image up by name.
    await adapter.createResource(request(), hooks());
    expect(glanceCalls()).toBeGreaterThan(0);
  });

  it('writes the dynamic instance properties formatted with the node request into the server metadata, after the instance properties', async () => {
    const warnings: string[] = [];
    const { adapter } = cloud.adapter({ logger: { warn: (_details: unknown, message?: string) => void warnings.push(String(message)) } });
    const dynamicInstanceProperties = {
      'zuul-request': '{request.id}',
      'zuul-job': '{request.requestor_data[job_name]}',
      team: 'team-{request.tenant_name}',
      broken: '{request.labels[3]}',
      nodepool_node_id: 'never',
      cloudpool_attempt: 'never',
    };
    const info = sampleNodeRequestInfo(['small']);
    // The label's instance-properties are `team: ci`: the dynamic `team` replaces it.
    const req = { ...request({}, { dynamicInstanceProperties }), request: info };
    const serverId = await adapter.createResource(req, hooks());

    const compute = await cloud.service('compute');
    const { data } = await compute.get(`/servers/${serverId}`);
    expect(data.server.metadata).toEqual({
      groups: `${PROVIDER},ubuntu,small`,
      ...req.tags,
      'zuul-request': '100-0000000042',
      'zuul-job': 'tox-py311',
      team: 'team-openstack',
      [ATTEMPT_KEY]: '1',
    });
    expect(data.server.metadata[TAG.nodeId]).toBe(req.nodeId);
    expect(warnings).toEqual(["label small: dynamic instance property broken not written (request 100-0000000042): IndexError: list index out of range"]);
  });

  it('deletes the floating IP before the server, then the ports made for it; deleting again is a no-op', async () => {
    const { adapter, queue } = cloud.adapter();
    const req = request();
    const serverId = await adapter.createResource(req, hooks());
    cloud.settle();
    queue.actions.length = 0;
    await adapter.cleanupNode(serverId);
    const writes = queue.actions.filter((action) => /\.(delete)$/.test(action));
    expect(writes).toEqual(['neutron.floatingips.delete', 'nova.servers.delete', 'neutron.ports.delete']);
    expect(cloud.sim.counters.count('neutron.floatingips.delete', 'ok')).toBe(1);
    expect(cloud.sim.counters.count('nova.servers.delete', 'ok')).toBe(1);

    await adapter.cleanupNode(serverId);
    cloud.settle();
    expect(await forNode(req.nodeId)).toEqual([]);
    expect((await adapter.listNodes()).some((node) => node.externalId === serverId)).toBe(false);
  });

  it('maps a quota refusal to a quota CloudError and deletes the ports and floating IP of the attempt', async () => {
    const { adapter } = cloud.adapter();
    cloud.sim.setKnobs({ quotas: { cores: 0 } });
    const req = request();
    const failure = await adapter.createResource(req, hooks()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CloudError);
    expect(failure).toMatchObject({ kind: 'quota', code: '403', message: expect.stringContaining('Quota exceeded for cores') });
    expect(await forNode(req.nodeId)).toEqual([]);
  });

  it('classifies build faults: No valid host is capacity, a quota fault is quota', async () => {
    const { adapter } = cloud.adapter();
    cloud.sim.seed({
      buildFaults: [
        { message: 'No valid host was found. There are not enough hosts available.' },
        { message: "Build of instance aborted: VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'." },
      ],
    });
    const noHost = await adapter.createResource(request(), hooks());
    const overQuota = await adapter.createResource(request(), hooks());
    cloud.settle();
    const nodes = await adapter.listNodes();
    expect(nodes.find((node) => node.externalId === noHost)).toMatchObject({ state: 'error', error: { kind: 'capacity' } });
    expect(nodes.find((node) => node.externalId === overQuota)).toMatchObject({ state: 'error', error: { kind: 'quota' } });
    // Nova lists such servers (kept in cell0) without their fault: each was read once by itself.
    expect(cloud.sim.counters.count('nova.servers.get')).toBe(2);
    cloud.settle();
    await adapter.listNodes();
    expect(cloud.sim.counters.count('nova.servers.get')).toBe(2);
  });

  it('reports the clouds.yaml cloud on every instance, as Nodepool writes it into the node record', async () => {
    const { adapter } = cloud.adapter();
    const serverId = await adapter.createResource(request(), hooks());
    cloud.settle();
    const node = (await adapter.listNodes()).find((instance) => instance.externalId === serverId);
    expect(node?.cloud).toBe(cloud.sim.connectionInfo().cloudName);
  });

  it('deletes the ports and floating IP of a server whose build failed (Nova left them unbound)', async () => {
    const { adapter } = cloud.adapter();
    cloud.sim.seed({ buildFaults: [{ message: 'No valid host was found.' }] });
    const req = request();
    const serverId = await adapter.createResource(req, hooks());
    cloud.settle();
    expect((await adapter.listNodes()).find((node) => node.externalId === serverId)?.state).toBe('error');
    expect((await forNode(req.nodeId)).map((resource) => resource.type).sort()).toEqual(['floating-ip', 'instance', 'port']);
    await adapter.cleanupNode(serverId);
    cloud.settle();
    expect(await forNode(req.nodeId)).toEqual([]);
  });

  it('finds the server of a create whose answer was lost instead of making a second one', async () => {
    const setup = cloud.adapter();
    const api = setup.api;
    const createServer = api.createServer.bind(api);
    api.createServer = async (server) => {
      await createServer(server);
      throw new CloudError('transient', 'nova.servers.create got no answer (ECONNRESET)');
    };
    const req = request();
    const serverId = await setup.adapter.createResource(req, hooks());
    expect(cloud.sim.counters.count('nova.servers.create')).toBe(1);
    expect((await forNode(req.nodeId)).filter((resource) => resource.type === 'instance').map((resource) => resource.id)).toEqual([serverId]);
  });

  it('reuses the ports and floating IP of an attempt when the create is repeated, but not those of another attempt', async () => {
    const { adapter } = cloud.adapter();
    const first = request({}, {}, 1);
    const [a, b] = await Promise.all([adapter.createResource(first, hooks()), adapter.createResource(first, hooks())]);
    expect(a).toBe(b);
    const second = { ...first, attempt: 2 };
    const other = await adapter.createResource(second, hooks());
    expect(other).not.toBe(a);
    const resources = await forNode(first.nodeId);
    expect(resources.filter((resource) => resource.type === 'port')).toHaveLength(2);
    expect(resources.filter((resource) => resource.type === 'floating-ip')).toHaveLength(2);
    expect(cloud.sim.counters.count('nova.servers.create')).toBe(2);
  });

  it('clears its flavor, image and network lookups when Nova answers 400', async () => {
    const { adapter } = cloud.adapter();
    await adapter.createResource(request(), hooks());
    expect(cloud.sim.counters.count('nova.flavors.detail')).toBe(1);
    const badKey = await adapter.createResource(request({}, { keyName: 'no-such-key' }), hooks()).catch((error: unknown) => error);
    expect(badKey).toMatchObject({ kind: 'permanent', code: '400' });
    await adapter.createResource(request(), hooks());
    expect(cloud.sim.counters.count('nova.flavors.detail')).toBe(2);
  });

  it('boots from a volume deleted with the server, and counts it in the label quota', async () => {
    const { adapter } = cloud.adapter();
    const req = request({ autoFloatingIp: false }, { bootFromVolume: true, volumeSize: 20, minRam: 4000, flavorName: undefined });
    expect((await adapter.getQuotaForLabel(req.label)).toJSON()).toEqual({ instances: 1, cores: 2, ram: 4096, volumes: 1, 'volume-gb': 20 });
    const serverId = await adapter.createResource(req, hooks());
    const volume = await cloud.service('volume');
    const attached = (await volume.get('/volumes/detail')).data.volumes as Array<{ size: number; attachments: Array<{ server_id: string }> }>;
    expect(attached).toEqual([expect.objectContaining({ size: 20, attachments: [expect.objectContaining({ server_id: serverId })] })]);
    await adapter.cleanupNode(serverId);
    cloud.settle();
    expect((await volume.get('/volumes/detail')).data.volumes).toEqual([]);
  });

  it("asks Nova for one of the pool's availability zones", async () => {
    const { adapter } = cloud.adapter();
    const req = request();
    const failure = await adapter.createResource({ ...req, pool: { ...req.pool, azs: ['zone-b'] } }, hooks()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'permanent', message: expect.stringContaining('availability zone is not available') });
    const serverId = await adapter.createResource({ ...request(), pool: { ...req.pool, azs: ['nova'] } }, hooks());
    cloud.settle();
    expect((await adapter.listNodes()).find((node) => node.externalId === serverId)?.az).toBe('nova');
  });

  it('treats deleting what is already gone as done', async () => {
    const { adapter } = cloud.adapter();
    await expect(adapter.cleanupNode('00000000-0000-0000-0000-000000000000')).resolves.toBeUndefined();
    await expect(adapter.deleteResource({ type: 'floating-ip', id: 'gone', tags: {} })).resolves.toBeUndefined();
    await expect(adapter.deleteResource({ type: 'port', id: 'gone', tags: {} })).resolves.toBeUndefined();
    await expect(adapter.deleteResource({ type: 'volume', id: 'gone', tags: {} })).resolves.toBeUndefined();
  });
});

describe('node lifecycle on a Neutron without L3 (no floating IPs)', () => {
  let cloud: SimulatedOpenStack;
  beforeEach(async () => {
    cloud = await SimulatedOpenStack.start({ neutronL3: false });
  });
  afterEach(async () => {
    await cloud.stop();
  });

  it("boots with Nodepool's default auto-floating-ip without one, deletes the node, and cleans up, asking Neutron once whether it has floating IPs", async () => {
    const warnings: string[] = [];
    const { adapter } = cloud.adapter({ logger: { warn: (_details: unknown, message?: string) => void warnings.push(String(message)) } });
    const first = await adapter.createResource(request({ autoFloatingIp: true }), hooks());
    const second = await adapter.createResource(request({ autoFloatingIp: true }), hooks());
    cloud.settle();
    const nodes = await adapter.listNodes();
    for (const id of [first, second]) {
      const node = nodes.find((instance) => instance.externalId === id);
      expect(node).toMatchObject({ state: 'ready', privateIpv4: expect.stringMatching(/^10\.0\./) });
      expect(node?.publicIpv4).toBeUndefined();
    }
    expect(warnings.filter((warning) => warning.includes('no L3 API'))).toHaveLength(1);

    await adapter.cleanupNode(first);
    await adapter.cleanupNode(second);
    cloud.settle();
    expect((await adapter.listNodes()).filter((node) => node.state !== 'deleted')).toEqual([]);
    expect(await adapter.listResources()).toEqual([]);
    expect(cloud.sim.counters.count('neutron.extensions.list')).toBe(1);
    expect(cloud.sim.counters.count('neutron.floatingips.list') + cloud.sim.counters.count('neutron.floatingips.create')).toBe(0);
  });
});
