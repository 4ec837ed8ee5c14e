import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CloudError,
  ManualClock,
  QuotaSet,
  StateMachineProvider,
  TAG,
  type CreateRequest,
  type LaunchListener,
  type NodeRequestInfo,
  type PoolConfig,
  type PoolLabelConfig,
  type ProviderConfig,
} from '@cloudpool/common';
import { FakeAdapter, FakeCloud, passthroughQueue } from '@cloudpool/common/testing';
import { fakeProviderConfig } from './provider-fixture.js';

const label: PoolLabelConfig = { name: 'small', poolName: 'main', tags: {}, hostKeyChecking: false, settings: { cores: 2, ram: 2048 } };
const pool: PoolConfig = {
  name: 'main',
  providerName: 'fake',
  limits: QuotaSet.of({ instances: 10 }),
  priority: 100,
  nodeAttributes: {},
  azs: [],
  labels: new Map([['small', label]]),
  settings: {},
};

function providerConfig(overrides: Partial<ProviderConfig['common']> = {}): ProviderConfig {
  return fakeProviderConfig(pool, { common: overrides });
}

/** Ticks the provider loop until `done` or the step budget runs out, letting promises settle between ticks. */
async function runUntil(provider: StateMachineProvider, clock: ManualClock, done: () => boolean, stepMs = 1000, steps = 200) {
  for (let i = 0; i < steps && !done(); i++) {
    provider.tick();
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(stepMs);
  }
}

describe('StateMachineProvider', () => {
  let clock: ManualClock;
  let cloud: FakeCloud;
  let provider: StateMachineProvider;
  let externalIds: Array<[string, string]>;
  let retries: string[];
  const listener: LaunchListener = {
    externalId: (nodeId, id) => externalIds.push([nodeId, id]),
    retrying: (nodeId, attempt, reason) => retries.push(`${nodeId}#${attempt}: ${reason}`),
  };

  function makeProvider(common: Partial<ProviderConfig['common']> = {}, adapter = new FakeAdapter(cloud, { providerName: 'fake', queue: passthroughQueue })) {
    provider = new StateMachineProvider(providerConfig(common), adapter, {
      systemId: 'sys',
      queue: passthroughQueue,
      logger: pino({ level: 'silent' }),
      clock,
      cleanup: { interval: 60, minAge: 0, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 1, maxDeleteCount: 10 },
      readReferences: async () => ({ nodeIds: new Set() }),
      loopIntervalMs: 0,
    });
  }

  beforeEach(async () => {
    clock = new ManualClock();
    cloud = new FakeCloud({ clock, bootTimeMs: 5_000, deleteTimeMs: 3_000 });
    externalIds = [];
    retries = [];
    makeProvider();
    await provider.start();
  });

  it('launches nodes to ready, reporting each external id as soon as the cloud gives it', async () => {
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000001', label, listener);
    handler.launch('0000000002', label, listener);
    await runUntil(provider, clock, () => handler.launchesComplete());
    const results = handler.results();
    expect(results.map((r) => r.status)).toEqual(['ready', 'ready']);
    expect(externalIds.map(([nodeId]) => nodeId)).toEqual(['0000000001', '0000000002']);
    const first = results[0]!;
    expect(first.status === 'ready' && first.instance.tags[TAG.nodeId]).toBe('0000000001');
    expect(cloud.instances.size).toBe(2);
  });

  it('deletes a failed attempt before retrying, so one node never has two instances', async () => {
    cloud.failNextBoots.push({ kind: 'capacity', message: 'No valid host was found' });
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000007', label, listener);
    let maxAlive = 0;
    await runUntil(provider, clock, () => {
      const alive = [...cloud.instances.values()].filter((i) => i.tags[TAG.nodeId] === '0000000007' && i.goneAt === undefined).length;
      maxAlive = Math.max(maxAlive, alive);
      return handler.launchesComplete();
    });
    expect(handler.results()[0]!.status).toBe('ready');
    expect(maxAlive).toBe(1);
    expect(retries).toEqual(['0000000007#1: No valid host was found']);
    expect(externalIds).toHaveLength(2);
    expect(cloud.calls.get('delete-instance')).toBe(1);
  });

  it('retries a create that failed before an instance existed, up to launch-retries, then fails', async () => {
    cloud.failNextCreates.push('transient', 'transient', 'transient');
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000003', label, listener);
    await runUntil(provider, clock, () => handler.launchesComplete());
    expect(handler.results()[0]).toMatchObject({ status: 'failed', nodeId: '0000000003', externalId: undefined });
    expect(cloud.calls.get('create')).toBe(3);
    expect(retries).toHaveLength(2);
  });

  it('repeats a create that failed transiently with the same cloud attempt, so a lost answer never makes a second instance', async () => {
    const seen: Array<[number, boolean | undefined]> = [];
    const adapter = new FakeAdapter(cloud, { providerName: 'fake', queue: passthroughQueue });
    const original = adapter.createResource.bind(adapter);
    let lose = true;
    adapter.createResource = async (request, hooks) => {
      seen.push([request.attempt, request.resend]);
      // A lost answer: the cloud made the instance, but the caller never learns its id.
      const id = await original(request, lose ? { ...hooks, onExternalId: () => undefined } : hooks);
      if (lose) {
        lose = false;
        throw new CloudError('transient', 'connection reset before the answer arrived');
      }
      return id;
    };
    makeProvider({}, adapter);
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000009', label, listener);
    await runUntil(provider, clock, () => handler.launchesComplete());
    expect(handler.results()[0]!.status).toBe('ready');
    // The repeat is flagged as a resend, so the adapter looks for what the first send made.
    expect(seen).toEqual([
      [1, false],
      [1, true],
    ]);
    expect([...cloud.instances.values()].filter((i) => i.tags[TAG.nodeId] === '0000000009')).toHaveLength(1);
    expect(cloud.calls.get('delete-instance') ?? 0).toBe(0);
  });

  it('keeps a booting instance when polling the cloud fails transiently', async () => {
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000010', label, listener);
    await runUntil(provider, clock, () => externalIds.length === 1, 1000, 5);
    cloud.failListsWith = 'throttled';
    await runUntil(provider, clock, () => false, 500, 6);
    cloud.failListsWith = undefined;
    await runUntil(provider, clock, () => handler.launchesComplete());
    expect(handler.results()[0]!.status).toBe('ready');
    expect(cloud.calls.get('create')).toBe(1);
    expect(cloud.calls.get('delete-instance') ?? 0).toBe(0);
    expect(retries).toEqual([]);
  });

  it('ends as aborted on a cloud quota error without using a retry', async () => {
    cloud.failNextCreates.push('quota');
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000004', label, listener);
    await runUntil(provider, clock, () => handler.launchesComplete());
    expect(handler.results()[0]).toMatchObject({ status: 'aborted', nodeId: '0000000004' });
    expect(cloud.calls.get('create')).toBe(1);
    expect(retries).toEqual([]);
  });

  it('bounds a launch by launch-timeout and reports the instance for deletion', async () => {
    makeProvider({ launchTimeout: 30, bootTimeout: 3600 });
    cloud.bootTimeMs = 10 * 60_000;
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000005', label, listener);
    await runUntil(provider, clock, () => handler.launchesComplete(), 5_000);
    const result = handler.results()[0]!;
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringMatching(/launch timeout of 30s/) });
    expect(result.status !== 'ready' && result.externalId).toMatch(/^fake-/);
  });

  it('cleanupNode resolves once the instance is gone, and at once for an unknown one', async () => {
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000006', label, listener);
    await runUntil(provider, clock, () => handler.launchesComplete());
    const id = externalIds[0]![1];
    let done = false;
    const deletion = provider.cleanupNode(id).then(() => (done = true));
    await runUntil(provider, clock, () => done);
    await deletion;
    expect(cloud.instances.has(id)).toBe(false);
    await runUntil(provider, clock, () => false, 1000, 3);
    await expect(Promise.race([provider.cleanupNode('fake-unknown'), runUntil(provider, clock, () => false, 1000, 5).then(() => 'stuck')])).resolves.toBeUndefined();
  });

  it("passes the node request's attributes to every create of the request's launches, retries included", async () => {
    const seen: Array<CreateRequest['request']> = [];
    const adapter = new FakeAdapter(cloud, { providerName: 'fake', queue: passthroughQueue });
    const original = adapter.createResource.bind(adapter);
    adapter.createResource = (request, hooks) => {
      seen.push(request.request);
      return original(request, hooks);
    };
    makeProvider({}, adapter);
    const info: NodeRequestInfo = {
      id: '100-0000000001',
      labels: ['small', 'small'],
      requestor: 'zuul',
      requestor_data: { job_name: 'tox' },
      relative_priority: 0,
      event_id: 'event-1',
      created_time: 1700000000.5,
      tenant_name: 'tenant-a',
    };
    cloud.failNextCreates.push('transient');
    const handler = provider.getRequestHandler(pool, info.id, info);
    handler.launch('0000000011', label, listener);
    handler.launch('0000000012', label, listener);
    await runUntil(provider, clock, () => handler.launchesComplete());
    expect(handler.results().map((r) => r.status)).toEqual(['ready', 'ready']);
    expect(seen).toHaveLength(3);
    for (const request of seen) expect(request).toEqual(info);

    // A handler made without request information passes none.
    seen.length = 0;
    const bare = provider.getRequestHandler(pool, '100-0000000002');
    bare.launch('0000000013', label, listener);
    await runUntil(provider, clock, () => bare.launchesComplete());
    expect(seen).toEqual([undefined]);
  });

  it('runs no leak cleanup once idled, while launches in flight still finish', async () => {
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    handler.launch('0000000008', label, listener);
    provider.idle();
    expect(await provider.cleanupLeakedResources()).toBeUndefined();
    await runUntil(provider, clock, () => handler.launchesComplete());
    expect(handler.results()[0]!.status).toBe('ready');
  });
});
