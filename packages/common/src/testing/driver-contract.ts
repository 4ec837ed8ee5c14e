import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudAdapter } from '../driver/adapter.js';
import type { PoolConfig, PoolLabelConfig } from '../driver/config-model.js';
import { nodeTags, TAG } from '../driver/tags.js';
import { CloudError } from '../errors/cloud-error.js';

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
  /** Plants an instance tagged for a different provider. */
  plantForeignInstance(tags: Record<string, string>): Promise<void>;
}

export interface DriverContractHarness {
  /** A fresh adapter on a cloud holding nothing of this provider. */
  setup(): Promise<DriverContractContext>;
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
}
