import { LeakCleanupWorker, nodeTags, TAG, type CreateRequest, type ProviderContext } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenStackSettings } from '../src/config.js';
import { HEURISTIC_TAG } from '../src/leak-resources.js';
import { ATTEMPT_KEY, identityDescription, toNeutronTags } from '../src/tags.js';
import { PROVIDER, poolWithLabel, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

type LeakCleanupAdapter = ConstructorParameters<typeof LeakCleanupWorker>[1]['adapter'];

const ours = (nodeId: string) => ({ [TAG.nodeId]: nodeId, [TAG.providerName]: PROVIDER, [TAG.systemId]: SYSTEM_ID });
const foreign = { [TAG.nodeId]: '0000000009', [TAG.providerName]: 'someone-else' };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as ProviderContext['logger'];

describe('leak cleanup resources', () => {
  let cloud: SimulatedOpenStack | undefined;
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
  });

  type Planted = Record<'ourPort' | 'foreignPort' | 'downPort' | 'routerPort' | 'ourIp' | 'foreignIp' | 'loneIp' | 'boundIp' | 'ourVolume', string>;

  /** Plants one of each: tagged ours, tagged foreign, untagged; returns their ids by name. */
  async function plant(): Promise<Planted> {
    cloud = await SimulatedOpenStack.start();
    const [boundServer] = cloud.sim.seed({ servers: [{ name: 'someone', networks: ['private'] }] }).servers;
    const network = await cloud.service('network');
    const boundPort = ((await network.get('/ports', { params: { device_id: boundServer } })).data.ports as Array<{ id: string }>)[0]!.id;
    const seeded = cloud.sim.seed({
      ports: [
        { tags: toNeutronTags(ours('0000000001')) },
        { tags: toNeutronTags(foreign), status: 'DOWN' },
        { deviceOwner: 'compute:nova', status: 'DOWN' },
        { deviceOwner: 'network:router_interface', status: 'DOWN' },
      ],
      floatingIps: [{ tags: toNeutronTags(ours('0000000001')) }, { tags: toNeutronTags(foreign) }, {}, { portId: boundPort }],
      volumes: [{ metadata: ours('0000000001') }, { metadata: foreign }, {}],
    });
    const [ourPort, foreignPort, downPort, routerPort] = seeded.ports as [string, string, string, string];
    const [ourIp, foreignIp, loneIp, boundIp] = seeded.floatingIps as [string, string, string, string];
    const [ourVolume] = seeded.volumes as [string];
    return { ourPort, foreignPort, downPort, routerPort, ourIp, foreignIp, loneIp, boundIp, ourVolume };
  }

  it('lists what carries a provider tag, in deletion order after servers; heuristics are off by default', async () => {
    const ids = await plant();
    const resources = await cloud!.adapter().adapter.listResources();
    const byId = new Map(resources.map((resource) => [resource.id, resource]));
    expect(byId.get(ids.ourPort)).toMatchObject({ type: 'port', tags: ours('0000000001'), deletionOrder: 1, createdAt: expect.any(Number) });
    expect(byId.get(ids.ourIp)).toMatchObject({ type: 'floating-ip', tags: ours('0000000001'), deletionOrder: 1 });
    expect(byId.get(ids.ourVolume)).toMatchObject({ type: 'volume', tags: ours('0000000001'), deletionOrder: 2 });
    expect(byId.get(ids.foreignPort)?.tags[TAG.providerName]).toBe('someone-else');
    for (const untagged of [ids.downPort, ids.routerPort, ids.loneIp, ids.boundIp]) expect(byId.has(untagged)).toBe(false);
    expect(resources.every((resource) => resource.tags[TAG.providerName] !== undefined)).toBe(true);
  });

  it('claims unattached untagged floating IPs with clean-floating-ips, and DOWN untagged ports once seen DOWN for port-cleanup-interval', async () => {
    const ids = await plant();
    const { adapter } = cloud!.adapter({ settings: { cleanFloatingIps: true, portCleanupInterval: 300 } });
    const claimedIds = async () => (await adapter.listResources()).filter((resource) => resource.tags[HEURISTIC_TAG] !== undefined);

    const first = await claimedIds();
    expect(first.map((resource) => resource.id)).toEqual([ids.loneIp]);
    expect(first[0]?.tags).toEqual({ [TAG.providerName]: PROVIDER, [TAG.systemId]: SYSTEM_ID, [TAG.nodeId]: 'clean-floating-ips', [HEURISTIC_TAG]: 'clean-floating-ips' });
    cloud!.settle(299_000);
    expect((await claimedIds()).map((resource) => resource.id)).toEqual([ids.loneIp]);
    cloud!.settle(1_000);
    const due = await claimedIds();
    expect(due.map((resource) => resource.id).sort()).toEqual([ids.loneIp, ids.downPort].sort());
    expect(due.find((resource) => resource.id === ids.downPort)?.tags[HEURISTIC_TAG]).toBe('port-cleanup-interval');
  });

  it('passes the framework leak rules: claimed and leaked resources go after two passes, foreign ones never', async () => {
    const ids = await plant();
    const { adapter } = cloud!.adapter({ settings: { cleanFloatingIps: true } });
    const worker = new LeakCleanupWorker(
      PROVIDER,
      { adapter, readReferences: async () => ({ nodeIds: new Set() }) },
      {
        owner: { providerName: PROVIDER, systemId: SYSTEM_ID },
        settings: { interval: 60, minAge: 0, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 1, maxDeleteCount: 100 },
        clock: cloud!.clock,
        logger: silent,
      },
    );
    expect((await worker.runPass()).deleted).toEqual([]);
    cloud!.settle(60_000);
    const report = await worker.runPass();
    expect(report.deleted.map((resource) => resource.id).sort()).toEqual([ids.ourPort, ids.ourIp, ids.loneIp, ids.ourVolume].sort());
    const left = new Set((await cloud!.rawResources()).map((resource) => resource.id));
    for (const kept of [ids.foreignPort, ids.foreignIp, ids.downPort, ids.routerPort, ids.boundIp]) expect(left.has(kept)).toBe(true);
    for (const gone of [ids.ourPort, ids.ourIp, ids.loneIp]) expect(left.has(gone)).toBe(false);
  });

  describe('image uploads', () => {
    const upload = (buildId: string, uploadId: string, extra: Record<string, string> = {}) => ({
      [TAG.providerName]: PROVIDER,
      [TAG.systemId]: SYSTEM_ID,
      [TAG.buildId]: buildId,
      [TAG.uploadId]: uploadId,
      ...extra,
    });
    const imageIds = async () => {
      const image = await cloud!.service('image');
      return ((await image.get('/images')).data.images as Array<{ id: string }>).map((found) => found.id);
    };

    it("lists the project's Glance images carrying the provider and an upload id, filtered server-side, every page", async () => {
      cloud = await SimulatedOpenStack.start();
      const { images } = cloud.sim.seed({
        images: [
          { name: 'upload-1', properties: upload('b1', '0000000001'), ageMs: 3_000 },
          { name: 'upload-2', properties: upload('b1', '0000000002'), ageMs: 2_000 },
          { name: 'upload-3', properties: upload('b2', '0000000001'), ageMs: 1_000 },
          { name: 'other-provider', properties: upload('b1', '0000000001', { [TAG.providerName]: 'someone-else' }) },
          { name: 'other-project', properties: upload('b1', '0000000001'), owner: 'f'.repeat(32), visibility: 'public' },
          { name: 'not-an-upload', properties: { [TAG.providerName]: PROVIDER, [TAG.systemId]: SYSTEM_ID } },
          { name: 'plain' },
        ],
      });
      const [first, second, third] = images as [string, string, string];
      const { adapter, queue } = cloud.adapter({ pageSize: 1 });
      const listed = (await adapter.listResources()).filter((resource) => resource.type === 'image');
      expect(listed.map((resource) => resource.id).sort()).toEqual([first, second, third].sort());
      expect(listed.find((resource) => resource.id === first)).toEqual({
        type: 'image',
        id: first,
        tags: upload('b1', '0000000001'),
        deletionOrder: 1,
        createdAt: cloud.clock.now() - 3_000,
      });
      // One call per page of one: the four images Glance matched (three uploads and the image that is none), then the empty page.
      expect(queue.actions.filter((action) => action === 'glance.images.list')).toHaveLength(5);
    });

    it('deletes an upload by DELETE /v2/images/{id}, an image already gone counting as deleted', async () => {
      cloud = await SimulatedOpenStack.start();
      const { images } = cloud.sim.seed({ images: [{ name: 'upload-1', properties: upload('b1', '0000000001') }] });
      const { adapter } = cloud.adapter();
      const [resource] = (await adapter.listResources()).filter((found) => found.type === 'image');
      await adapter.deleteResource(resource!);
      expect(await imageIds()).not.toContain(images[0]);
      await adapter.deleteResource(resource!);
    });

    it('passes the framework leak rules: an upload whose ids ZooKeeper records is kept, an unrecorded one goes after two passes', async () => {
      cloud = await SimulatedOpenStack.start();
      const { images } = cloud.sim.seed({
        images: [
          { name: 'recorded', properties: upload('b1', '0000000001') },
          // Same upload id in another build: not the recorded upload.
          { name: 'leaked', properties: upload('b2', '0000000001') },
          { name: 'other-installation', properties: upload('b3', '0000000001', { [TAG.systemId]: 'another' }) },
        ],
      });
      const [recorded, leaked, foreignSystem] = images as [string, string, string];
      const { adapter } = cloud.adapter();
      const worker = new LeakCleanupWorker(
        PROVIDER,
        { adapter, readReferences: async () => ({ nodeIds: new Set(), uploads: [{ buildId: 'b1', uploadId: '0000000001' }] }) },
        {
          owner: { providerName: PROVIDER, systemId: SYSTEM_ID },
          settings: { interval: 60, minAge: 0, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 1, maxDeleteCount: 100 },
          clock: cloud.clock,
          logger: silent,
        },
      );
      expect((await worker.runPass()).deleted).toEqual([]);
      cloud.settle(60_000);
      const report = await worker.runPass();
      expect(report.deleted.map((resource) => resource.id)).toEqual([leaked]);
      const left = await imageIds();
      expect(left).toEqual(expect.arrayContaining([recorded, foreignSystem]));
      expect(left).not.toContain(leaked);
    });
  });
});

describe('leak cleanup of what a crash left untagged', () => {
  let cloud: SimulatedOpenStack | undefined;
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
  });

  const nodeId = '0000000042';
  const nonce = '9f1c2a3b4d5e6f70';
  const request = (): CreateRequest<OpenStackSettings> => {
    const config = poolWithLabel();
    const tags = nodeTags({ nodeId, poolName: 'main', providerName: PROVIDER, systemId: SYSTEM_ID, nodeNonce: nonce }, config.label.tags);
    return { nodeId, nonce, attempt: 1, hostname: `np${nodeId}`, label: config.label, pool: config.pool, tags };
  };
  const hooks = { onExternalId: () => undefined, signal: new AbortController().signal };
  const worker = (adapter: LeakCleanupAdapter) =>
    new LeakCleanupWorker(
      PROVIDER,
      { adapter, readReferences: async () => ({ nodeIds: new Set() }) },
      {
        owner: { providerName: PROVIDER, systemId: SYSTEM_ID },
        settings: { interval: 60, minAge: 0, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 1, maxDeleteCount: 100 },
        clock: cloud!.clock,
        logger: silent,
      },
    );
  const described = (owner: { providerName: string; systemId: string }) => identityDescription(owner, { nodeId, nonce, attempt: 1 });

  /** Launches node 42 on an adapter whose process dies right after `action` was answered; returns what the cloud holds. */
  async function crashAfter(action: string) {
    cloud = await SimulatedOpenStack.start();
    const crashing = cloud.adapter();
    crashing.queue.crashAfter(action);
    await expect(crashing.adapter.createResource(request(), hooks)).rejects.toThrow(/the process is gone/);
    const network = await cloud.service('network');
    const ports = (await network.get('/ports')).data.ports as Array<{ id: string; tags: string[]; description: string; name: string }>;
    const floatingIps = (await network.get('/floatingips')).data.floatingips as Array<{ id: string; tags: string[]; description: string }>;
    return { ports, floatingIps };
  }

  it('finds a port a crash left untagged between its create and its tagging by the description it was made with, and deletes it after two passes; look-alikes are spared', async () => {
    const { ports } = await crashAfter('neutron.ports.create');
    expect(ports).toEqual([expect.objectContaining({ name: `np${nodeId}-0`, tags: [], description: described({ providerName: PROVIDER, systemId: SYSTEM_ID }) })]);
    const leaked = ports[0]!.id;
    // Same shape, not ours: another installation's provider of the same name, another provider of ours, a bare name, a garbled digest.
    const { ports: spared } = cloud!.sim.seed({
      ports: [
        { name: `np${nodeId}-0`, description: described({ providerName: PROVIDER, systemId: 'another-installation' }), status: 'DOWN' },
        { name: `np${nodeId}-0`, description: described({ providerName: 'another-provider', systemId: SYSTEM_ID }), status: 'DOWN' },
        { name: `np${nodeId}-0`, status: 'DOWN' },
        { name: `np${nodeId}-0`, description: described({ providerName: PROVIDER, systemId: SYSTEM_ID }).replace(/owner (\w+)$/, 'owner 0123456789abcdef'), status: 'DOWN' },
      ],
    });

    // The launcher after its restart: a new adapter on the same cloud.
    const { adapter } = cloud!.adapter();
    const listed = (await adapter.listResources()).filter((resource) => resource.type === 'port');
    expect(listed).toEqual([
      expect.objectContaining({
        id: leaked,
        tags: { [TAG.providerName]: PROVIDER, [TAG.systemId]: SYSTEM_ID, [TAG.nodeId]: nodeId, [TAG.nodeNonce]: nonce, [ATTEMPT_KEY]: '1' },
      }),
    ]);
    const cleaner = worker(adapter);
    expect((await cleaner.runPass()).deleted).toEqual([]);
    cloud!.settle(60_000);
    expect((await cleaner.runPass()).deleted.map((resource) => resource.id)).toEqual([leaked]);
    const left = new Set((await cloud!.rawResources()).map((resource) => resource.id));
    expect(left.has(leaked)).toBe(false);
    for (const id of spared) expect(left.has(id)).toBe(true);
  });

  it('finds a floating IP a crash left untagged on the tagged port, and deletes both after two passes', async () => {
    const { ports, floatingIps } = await crashAfter('neutron.floatingips.create');
    expect(ports).toHaveLength(1);
    expect(ports[0]!.tags).toContain(`${TAG.nodeId}=${nodeId}`);
    expect(floatingIps).toEqual([expect.objectContaining({ tags: [], description: described({ providerName: PROVIDER, systemId: SYSTEM_ID }) })]);
    const { adapter } = cloud!.adapter();
    const cleaner = worker(adapter);
    expect((await cleaner.runPass()).deleted).toEqual([]);
    cloud!.settle(60_000);
    expect((await cleaner.runPass()).deleted.map((resource) => resource.id).sort()).toEqual([ports[0]!.id, floatingIps[0]!.id].sort());
  });
});
