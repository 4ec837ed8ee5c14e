import { LeakCleanupWorker, TAG, type ProviderContext } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { HEURISTIC_TAG } from '../src/leak-resources.js';
import { toNeutronTags } from '../src/tags.js';
import { PROVIDER, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

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
