import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeakCleanupWorker } from '../cleanup/leak-cleanup-worker.js';
import type { CloudAdapter } from '../driver/adapter.js';
import type { PoolConfig, PoolLabelConfig } from '../driver/config-model.js';
import { nodeTags, providerOwnership, TAG } from '../driver/tags.js';
import { CloudError } from '../errors/cloud-error.js';
import type { QuotaSet } from '../quota/quota-set.js';
import type { Clock } from '../time/clock.js';

/** A resource as the cloud itself holds it, read around the adapter (for checking what the adapter did). */
export interface RawCloudResource {
  type: string;
  id: string;
  tags: Record<string, string>;
}

/** What a driver package provides so the shared contract can exercise its adapter against its cloud. */
export interface DriverContractContext {
  adapter: CloudAdapter;
  providerName: string;
  systemId: string;
  pool: PoolConfig;
  label: PoolLabelConfig;
  /**
   * Lets the cloud finish what is in progress (boots, deletes), e.g. by advancing a simulated
   * clock, and lets the adapter's list caches expire so the next list reads the cloud.
   */
  settle(): Promise<void>;
  /** Every resource the cloud holds now, of every type, tagged or not. */
  rawResources(): Promise<RawCloudResource[]>;
  /** Makes the cloud answer the next instance create with its quota error. */
  failNextCreateWithQuota(): Promise<void>;
  /** Makes every list call fail (one failing page) until called with false. */
  failListing(failing: boolean): Promise<void>;
  /**
   * Plants an instance with exactly these tags, made around the adapter (another provider's,
   * another installation's, or Nodepool's without an installation id). It uses quota like any
   * instance of the label's size.
   */
  plantForeignInstance(tags: Record<string, string>): Promise<void>;
  /** The clock the cloud and the adapter run on (leak cleanup's ages are measured on it). */
  clock: Clock;
}

/** How the harness makes the adapter. */
export interface DriverContractSetupOptions {
  /** `cloudpool.cleanup.adopt-nodepool-resources`, given to the adapter through `providerOwnership`. */
  adoptNodepoolResources: boolean;
}

export interface DriverContractHarness {
  /** A fresh adapter on a cloud holding nothing of this provider. Without options, adopt is off. */
  setup(options?: DriverContractSetupOptions): Promise<DriverContractContext>;
  teardown?(context: DriverContractContext): Promise<void>;
}

const noHooks = () => ({ onExternalId: () => undefined, signal: new AbortController().signal });

/**
 * The behaviour every cloud adapter must show, run by each driver package against its own
 * cloud (the fake cloud, or the simulator through the official SDKs). Parity between clouds is
 * tested here once, not hoped for.
 */
export function defineDriverContract(driverName: string, harness: DriverContractHarness): void {
  describe(`driver contract: ${driverName}`, () => {
    let ctx: DriverContractContext;
    let sequence = 0;

    beforeEach(async () => {
      ctx = await harness.setup();
    });
    afterEach(async () => {
      await harness.teardown?.(ctx);
    });

    const request = (overrides: { nodeId?: string; attempt?: number; userTags?: Record<string, string> } = {}) => {
      const nodeId = overrides.nodeId ?? String(9_000_000_000 + ++sequence).padStart(10, '0');
      const tags = nodeTags(
        { nodeId, poolName: ctx.pool.name, providerName: ctx.providerName, systemId: ctx.systemId },
        overrides.userTags ?? ctx.label.tags,
      );
      return { nodeId, attempt: overrides.attempt ?? 1, hostname: `np${nodeId}`, label: ctx.label, pool: ctx.pool, tags };
    };

    const createReady = async (req = request()) => {
      const externalId = await ctx.adapter.createResource(req, noHooks());
      await ctx.settle();
      return { req, externalId };
    };

    it('creates an instance that listNodes reports ready with its node id and our tags', async () => {
      const req = request({ userTags: { team: 'ci', [TAG.nodeId]: 'spoofed' } });
      const reported: string[] = [];
      const externalId = await ctx.adapter.createResource(req, { ...noHooks(), onExternalId: (id) => reported.push(id) });
      expect(reported).toContain(externalId);
      await ctx.settle();
      const instance = (await ctx.adapter.listNodes()).find((i) => i.externalId === externalId);
      expect(instance).toBeDefined();
      expect(instance!.nodeId).toBe(req.nodeId);
      expect(instance!.state).toBe('ready');
      expect(instance!.tags).toMatchObject({
        [TAG.nodeId]: req.nodeId,
        [TAG.poolName]: ctx.pool.name,
        [TAG.providerName]: ctx.providerName,
        [TAG.systemId]: ctx.systemId,
        team: 'ci',
      });
    });

    it('creates nothing untagged: every resource made for a node carries its tags', async () => {
      const untaggedBefore = (await ctx.rawResources()).filter((r) => r.tags[TAG.nodeId] === undefined).length;
      const { req } = await createReady();
      const resources = await ctx.rawResources();
      expect(resources.filter((r) => r.tags[TAG.nodeId] === undefined)).toHaveLength(untaggedBefore);
      const mine = resources.filter((r) => r.tags[TAG.nodeId] === req.nodeId);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      for (const resource of mine) {
        expect(resource.tags[TAG.providerName], `${resource.type} ${resource.id}`).toBe(ctx.providerName);
        expect(resource.tags[TAG.systemId], `${resource.type} ${resource.id}`).toBe(ctx.systemId);
      }
    });

    it('never makes a second instance when a create is repeated for the same node and attempt', async () => {
      const req = request();
      const first = await ctx.adapter.createResource(req, noHooks());
      const second = await ctx.adapter.createResource(req, noHooks());
      expect(second).toBe(first);
      await ctx.settle();
      const forNode = (await ctx.adapter.listNodes()).filter((i) => i.nodeId === req.nodeId);
      expect(forNode).toHaveLength(1);
    });

    it('deletes a node with every sub-resource, idempotently, NotFound counting as success', async () => {
      const { req, externalId } = await createReady();
      await ctx.adapter.cleanupNode(externalId);
      await ctx.adapter.cleanupNode(externalId);
      await ctx.settle();
      const left = (await ctx.adapter.listNodes()).find((i) => i.externalId === externalId);
      expect(left === undefined || left.state === 'deleted').toBe(true);
      await ctx.adapter.cleanupNode(externalId);
      const leftovers = (await ctx.rawResources()).filter(
        (r) => r.tags[TAG.nodeId] === req.nodeId && r.type !== 'instance' && r.id !== externalId,
      );
      expect(leftovers).toEqual([]);
    });

    it('lists only its own provider and deletes listed resources idempotently', async () => {
      await ctx.plantForeignInstance({ [TAG.providerName]: 'someone-else', [TAG.nodeId]: '0000000001' });
      const { req } = await createReady();
      const nodes = await ctx.adapter.listNodes();
      expect(nodes.every((i) => i.tags[TAG.providerName] === ctx.providerName)).toBe(true);
      expect(nodes.some((i) => i.nodeId === req.nodeId)).toBe(true);
      const resources = await ctx.adapter.listResources();
      for (const resource of resources) expect(resource.tags[TAG.providerName]).toBeDefined();
      const instance = nodes.find((i) => i.nodeId === req.nodeId)!;
      await ctx.adapter.deleteResource({ type: 'instance', id: instance.externalId, tags: instance.tags });
      await ctx.adapter.deleteResource({ type: 'instance', id: instance.externalId, tags: instance.tags });
      await ctx.settle();
      expect((await ctx.adapter.listNodes()).filter((i) => i.nodeId === req.nodeId && i.state !== 'deleted')).toEqual([]);
    });

    it('reports quota per label and the cloud limits', async () => {
      const need = await ctx.adapter.getQuotaForLabel(ctx.label);
      expect(need.get('instances')).toBe(1);
      expect(need.get('cores')).toBeGreaterThan(0);
      expect(need.get('ram')).toBeGreaterThan(0);
      const limits = await ctx.adapter.getQuotaLimits();
      for (const key of limits.keys()) expect(Number.isFinite(limits.get(key))).toBe(true);
    });

    it('maps a cloud quota error on create to a quota CloudError', async () => {
      await ctx.failNextCreateWithQuota();
      const failure = ctx.adapter.createResource(request(), noHooks());
      await expect(failure).rejects.toBeInstanceOf(CloudError);
      await expect(failure).rejects.toMatchObject({ kind: 'quota' });
    });

    it('fails the whole listing when a page fails, never returning part of it', async () => {
      await createReady();
      await ctx.failListing(true);
      await ctx.settle();
      try {
        await expect(ctx.adapter.listNodes()).rejects.toBeInstanceOf(CloudError);
        await expect(ctx.adapter.listResources()).rejects.toBeInstanceOf(CloudError);
      } finally {
        await ctx.failListing(false);
      }
    });
  });

  defineOwnershipContract(driverName, harness);
}

type Installation = 'other installation' | 'no installation id';

/**
 * Ownership, decided once (`providerOwnership`) and applied alike by every driver: an instance
 * of our provider name with another installation's id is never ours; one without an installation
 * id (made by Nodepool) is ours only under `adopt-nodepool-resources`. "Ours" means listed by
 * `listNodes`, left out of the unmanaged usage that `getQuotaLimits` subtracts, and deleted by
 * leak cleanup once leaked; "not ours" means none of the three.
 */
function defineOwnershipContract(driverName: string, harness: DriverContractHarness): void {
  const cases: Array<{ installation: Installation; adopt: boolean; ours: boolean }> = [
    { installation: 'other installation', adopt: false, ours: false },
    { installation: 'other installation', adopt: true, ours: false },
    { installation: 'no installation id', adopt: false, ours: false },
    { installation: 'no installation id', adopt: true, ours: true },
  ];
  for (const { installation, adopt, ours } of cases) {
    describe(`driver contract: ${driverName}: same provider, ${installation}, adopt ${adopt ? 'on' : 'off'}`, () => {
      let ctx: DriverContractContext;
      let planted: { nodeId: string; limitsBefore: QuotaSet };
      let sequence = 0;

      beforeEach(async () => {
        ctx = await harness.setup({ adoptNodepoolResources: adopt });
        const limitsBefore = await ctx.adapter.getQuotaLimits();
        const nodeId = String(8_000_000_000 + ++sequence).padStart(10, '0');
        const tags: Record<string, string> = { [TAG.providerName]: ctx.providerName, [TAG.poolName]: ctx.pool.name, [TAG.nodeId]: nodeId };
        if (installation === 'other installation') tags[TAG.systemId] = 'another-installation';
        await ctx.plantForeignInstance(tags);
        await ctx.settle();
        ctx.adapter.invalidateQuotaCache();
        planted = { nodeId, limitsBefore };
      });
      afterEach(async () => {
        await harness.teardown?.(ctx);
      });

      it(`listNodes ${ours ? 'lists' : 'leaves out'} the instance`, async () => {
        const listed = (await ctx.adapter.listNodes()).filter((instance) => instance.nodeId === planted.nodeId);
        expect(listed.length).toBe(ours ? 1 : 0);
      });

      it(`quota usage ${ours ? 'leaves the instance to the framework' : 'counts the instance as unmanaged'}`, async () => {
        const before = planted.limitsBefore;
        const after = await ctx.adapter.getQuotaLimits();
        const lowered = before.keys().filter((key) => (after.get(key) ?? Infinity) < (before.get(key) ?? Infinity));
        expect(before.keys().length, 'the cloud reports limits').toBeGreaterThan(0);
        if (ours) expect(lowered).toEqual([]);
        else expect(lowered.length, `limits before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`).toBeGreaterThan(0);
      });

      it(`leak cleanup ${ours ? 'deletes' : 'spares'} the instance once leaked on two passes`, async () => {
        const owner = providerOwnership(ctx.providerName, { systemId: ctx.systemId, cleanup: { adoptNodepoolResources: adopt } });
        const worker = new LeakCleanupWorker(
          ctx.providerName,
          { adapter: ctx.adapter, readReferences: async () => ({ nodeIds: new Set<string>() }) },
          {
            owner,
            settings: { interval: 60, minAge: 0, dryRun: false, adoptNodepoolResources: adopt, maxDeleteShare: 1, maxDeleteCount: 100 },
            clock: ctx.clock,
            logger: pino({ level: 'silent' }),
          },
        );
        const first = await worker.runPass();
        expect(first.aborted).toBeUndefined();
        await ctx.settle();
        const second = await worker.runPass();
        expect(second.aborted).toBeUndefined();
        const deleted = second.deleted.filter((resource) => resource.type === 'instance' && resource.tags[TAG.nodeId] === planted.nodeId);
        expect(deleted.length).toBe(ours ? 1 : 0);
      });
    });
  }
}
