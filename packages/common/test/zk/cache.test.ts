import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CACHE_LOAD_CONCURRENCY,
  NODE_ROOT,
  ZkRecordCache,
  NodepoolZk,
  createNodeCache,
  createRequestCache,
  type NodeRecord,
  type ZkClient,
} from '../../src/zk/index.js';
import { connectClient, testChroot, waitFor } from './helpers.js';

const chroot = testChroot();
let reader: ZkClient;
let writerClient: ZkClient;
let writer: NodepoolZk;

beforeAll(async () => {
  [reader, writerClient] = await Promise.all([connectClient(chroot), connectClient(chroot)]);
  writer = new NodepoolZk(writerClient);
});

afterAll(async () => {
  await writerClient.close();
  await reader.deleteRecursive('/');
  await reader.close();
});

describe('node cache', () => {
  it('loads existing nodes, then follows creates, updates and deletes made by another client', async () => {
    const existing = await writer.createNode({ state: 'ready', provider: 'p1' });
    const errors: unknown[] = [];
    const cache = createNodeCache(reader, { onError: (error) => errors.push(error) });
    const events: string[] = [];
    cache.on('added', (node) => events.push(`added ${node.id} ${node.state}`));
    cache.on('updated', (node, previous) => events.push(`updated ${node.id} ${previous.state}->${node.state}`));
    cache.on('removed', (node) => events.push(`removed ${node.id}`));
    await cache.start();
    await cache.waitForSync();
    expect(cache.get(existing)?.provider).toBe('p1');
    expect(events).toEqual([`added ${existing} ready`]);

    const created = await writer.createNode({ state: 'building' });
    await waitFor(() => cache.get(created));
    const node = (await writer.getNode(created))!;
    node.state = 'ready';
    await writer.updateNode(node);
    await waitFor(() => cache.get(created)?.state === 'ready');
    expect(cache.get(created)?.stat.version).toBe(node.stat.version);

    // A lock on a node is a child of the node's znode, not a node of its own.
    const locked = await writer.lockNode(created);
    await writer.deleteNode(existing);
    await waitFor(() => cache.get(existing) === undefined);
    await locked!.lock.release();
    expect(cache.values().map((n: NodeRecord) => n.id)).toEqual([created]);
    // deleteNode writes state `deleted` before deleting; the cache may or may not see that version.
    const significant = events.filter((event) => event !== `updated ${existing} ready->deleted`);
    expect(significant).toEqual([
      `added ${existing} ready`,
      `added ${created} building`,
      `updated ${created} building->ready`,
      `removed ${existing}`,
    ]);

    // A znode that holds no valid record is reported and left out.
    await writerClient.create(`${NODE_ROOT}/9999999999`, '{broken');
    await waitFor(() => errors.length > 0);
    expect(String(errors[0])).toMatch(/invalid record at \/nodepool\/nodes\/9999999999/);
    expect(cache.get('9999999999')).toBeUndefined();
    cache.stop();
  });
});

describe('request cache', () => {
  it('follows requests, including ephemeral ones vanishing with their session', async () => {
    const cache = createRequestCache(reader);
    await cache.start();
    await cache.waitForSync();
    expect(cache.size).toBe(0);

    const submitter = await connectClient(chroot);
    const id = await new NodepoolZk(submitter).submitRequest({ node_types: ['small'] }, '200');
    await waitFor(() => cache.get(id));
    expect(cache.get(id)).toMatchObject({ state: 'requested', node_types: ['small'] });

    const request = (await writer.getRequest(id))!;
    request.state = 'pending';
    await writer.updateRequest(request);
    await waitFor(() => cache.get(id)?.state === 'pending');

    const removed = new Promise((resolve) => cache.once('removed', resolve));
    await submitter.close();
    expect(await removed).toMatchObject({ id, state: 'pending' });
    expect(cache.size).toBe(0);
    cache.stop();
  });
});

describe('loading a large tree', () => {
  it('reads every child once, with at most CACHE_LOAD_CONCURRENCY reads of one listing in flight', async () => {
    const root = '/many-children';
    const count = CACHE_LOAD_CONCURRENCY * 3 + 5;
    await writerClient.mkdirp(root);
    await Promise.all(Array.from({ length: count }, (_, i) => writerClient.create(`${root}/c${i}`, `value ${i}`)));
    // Count the cache's reads in flight on the real client (each read still goes to ZooKeeper).
    let inFlight = 0;
    let mostInFlight = 0;
    const read = reader.getOrUndefined.bind(reader);
    const counting = Object.create(reader) as ZkClient;
    const reads = new Map<string, number>();
    let late: Promise<string> | undefined;
    counting.getOrUndefined = async (...args) => {
      // A child added once the load has begun: its children event comes while most children are still queued.
      late ??= writerClient.create(`${root}/late`, 'late');
      reads.set(args[0], (reads.get(args[0]) ?? 0) + 1);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await read(...args);
      } finally {
        inFlight--;
      }
    };
    const cache = new ZkRecordCache(counting, root, (_path, id, data, stat) => ({ id, stat, value: data.toString('utf8') }));
    await cache.start();
    await cache.waitForSync();
    await late;
    await waitFor(() => cache.get('late'));
    expect(cache.size).toBe(count + 1);
    // Each child read once (with one watch), the queued ones too.
    expect([...reads.values()].filter((n) => n !== 1)).toEqual([]);
    expect(reads.size).toBe(count + 1);
    expect(cache.get('c7')?.value).toBe('value 7');
    expect(mostInFlight).toBeGreaterThan(1);
    // Per listing: the late child's read comes from the children event's own listing.
    expect(mostInFlight).toBeLessThanOrEqual(CACHE_LOAD_CONCURRENCY + 1);
    // Still followed afterwards: a change made after the load arrives through the child's watch.
    await writerClient.set(`${root}/c7`, 'changed');
    await waitFor(() => cache.get('c7')?.value === 'changed');
    expect(reads.get(`${root}/c7`)).toBe(2);
    cache.stop();
  });
});
