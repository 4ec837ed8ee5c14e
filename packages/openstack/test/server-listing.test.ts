import { TAG } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { providerServerTag } from '../src/tags.js';
import type { OpenStackSeedServer as SeedServer } from '@cloudpool/simulator';
import { PROVIDER, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

const ours = (i: number): SeedServer => ({
  name: `np${String(i).padStart(10, '0')}`,
  metadata: { [TAG.nodeId]: String(i).padStart(10, '0'), [TAG.providerName]: PROVIDER, [TAG.systemId]: SYSTEM_ID, [TAG.poolName]: 'main' },
  tags: [providerServerTag(PROVIDER)],
  networks: [],
  ageMs: i * 1_000,
});

const foreign = (i: number): SeedServer => ({
  name: `other-${i}`,
  metadata: { [TAG.nodeId]: String(i), [TAG.providerName]: 'someone-else' },
  networks: [],
});

/** Records the compute microversion header of every Nova call the adapter's connection sends. */
function recordComputeVersions(cloud: SimulatedOpenStack, setup: ReturnType<SimulatedOpenStack['adapter']>): string[] {
  const versions: string[] = [];
  setup.lease.connection.http.interceptors.request.use((config) => {
    if (config.url?.includes('/compute/')) versions.push(String(config.headers.get('OpenStack-API-Version') ?? 'none'));
    return config;
  });
  return versions;
}

describe('server listing', () => {
  let cloud: SimulatedOpenStack | undefined;
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
  });

  it('reads every page of 1,200 tagged servers, filtered by the provider tag in Nova, with the negotiated microversion', async () => {
    cloud = await SimulatedOpenStack.start();
    cloud.sim.seed({ servers: [...Array.from({ length: 1_200 }, (_, i) => ours(i)), ...Array.from({ length: 300 }, (_, i) => foreign(i))] });
    const setup = cloud.adapter({ pageSize: 100 });
    const versions = recordComputeVersions(cloud, setup);

    const [nodes, sameLoad] = await Promise.all([setup.adapter.listNodes(), setup.adapter.listNodes()]);
    expect(sameLoad).toBe(nodes);
    expect(nodes).toHaveLength(1_200);
    expect(new Set(nodes.map((node) => node.nodeId)).size).toBe(1_200);
    expect(nodes.every((node) => node.state === 'ready' && node.tags[TAG.providerName] === PROVIDER)).toBe(true);
    // 12 full pages, then the empty page a full one points to.
    expect(cloud.sim.counters.count('nova.servers.detail')).toBe(13);
    expect(versions.slice(1)).toEqual(Array(13).fill('compute 2.96'));

    await setup.adapter.listNodes();
    expect(cloud.sim.counters.count('nova.servers.detail')).toBe(13);
  });

  it('uses the highest microversion the cloud serves, and filters by metadata where Nova cannot filter by tag', async () => {
    cloud = await SimulatedOpenStack.start({ computeMaxMicroversion: '2.40' });
    cloud.sim.seed({ servers: [...Array.from({ length: 150 }, (_, i) => ({ ...ours(i), tags: [] })), ...Array.from({ length: 50 }, (_, i) => foreign(i))] });
    const setup = cloud.adapter({ pageSize: 100 });
    const versions = recordComputeVersions(cloud, setup);
    const nodes = await setup.adapter.listNodes();
    expect(nodes).toHaveLength(150);
    expect(cloud.sim.counters.count('nova.servers.detail')).toBe(3); // 200 servers: two full pages and an empty one
    expect(new Set(versions.slice(1))).toEqual(new Set(['compute 2.40']));
    // Before 2.47 the server shows only its flavor's id: quota comes from the flavor list.
    expect(nodes[0]?.quota?.toJSON()).toEqual({ instances: 1, cores: 1, ram: 2048 });
    expect(cloud.sim.counters.count('nova.flavors.detail')).toBe(1);
  });

  it('maps addresses, zone, host and state of each server', async () => {
    cloud = await SimulatedOpenStack.start();
    const [active, building, failed, stopped] = cloud.sim.seed({
      servers: [
        { ...ours(1), networks: ['private'] },
        { ...ours(2), status: 'BUILD' },
        { ...ours(3), status: 'ERROR', fault: { code: 500, message: 'No valid host was found. There are not enough hosts available.' } },
        { ...ours(4), status: 'SHUTOFF' },
      ],
    }).servers;
    const nodes = await cloud.adapter().adapter.listNodes();
    const byId = (id: string | undefined) => nodes.find((node) => node.externalId === id);
    expect(byId(active)).toMatchObject({ state: 'ready', az: 'nova', region: 'RegionOne', privateIpv4: expect.stringMatching(/^10\.0\./), hostId: expect.any(String) });
    expect(byId(active)?.interfaceIp).toBe(byId(active)?.privateIpv4);
    expect(byId(building)?.state).toBe('building');
    expect(byId(failed)).toMatchObject({ state: 'error', error: { kind: 'capacity', message: expect.stringContaining('No valid host') } });
    expect(byId(stopped)).toMatchObject({ state: 'error', error: { kind: 'transient' } });
  });
});
