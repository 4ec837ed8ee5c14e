import { describe, expect, it } from 'vitest';
import {
  InvalidRecordError,
  compareRequestIds,
  parseNode,
  parseRequest,
  serializeNode,
  serializeRequest,
  sortRequestsForService,
  type ZkStat,
} from '../../src/zk/index.js';

const stat = (version = 0): ZkStat => ({
  version,
  cversion: 0,
  aversion: 0,
  ctime: 0,
  mtime: 0,
  czxid: 1,
  mzxid: 1,
  pzxid: 1,
  ephemeralOwner: '0',
  dataLength: 0,
  numChildren: 0,
});

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('node records', () => {
  it('keeps unknown fields and writes them back unchanged', () => {
    const wire = { state: 'ready', state_time: 1700000000.25, provider: 'aws', future_field: { nested: [1, 2] }, another: null };
    const node = parseNode('/nodepool/nodes/0000000001', '0000000001', json(wire), stat(3));
    expect(node.id).toBe('0000000001');
    expect(node.stat.version).toBe(3);
    expect(node.future_field).toEqual({ nested: [1, 2] });
    const written = JSON.parse(serializeNode(node).toString());
    expect(written).toMatchObject(wire);
    expect(written).not.toHaveProperty('id');
    expect(written).not.toHaveProperty('stat');
  });

  it("fills missing fields with Nodepool's defaults and mirrors connection_port into ssh_port", () => {
    const node = parseNode('/n', '1', json({ state: 'building', connection_port: 5986 }), stat());
    expect(node).toMatchObject({ type: [], host_keys: [], allocated_to: null, resources: null, state_time: 0 });
    expect(JSON.parse(serializeNode(node).toString())).toMatchObject({ connection_port: 5986, ssh_port: 5986 });
  });

  it('keeps every value as written when it shares repeated strings between nodes', () => {
    const written = (i: number) => ({
      state: 'ready',
      provider: 'p1',
      pool: i % 2 === 0 ? 'main' : 'second',
      type: ['small', i, null],
      image_id: i === 3 ? 42 : 'jammy',
      username: null,
      hostname: `np${i}`,
    });
    for (let i = 0; i < 5; i++) {
      const node = parseNode(`/nodepool/nodes/${i}`, String(i), Buffer.from(JSON.stringify(written(i))), stat());
      expect(node).toMatchObject(written(i));
    }
  });

  it('names the path on invalid JSON and unknown states', () => {
    expect(() => parseNode('/nodepool/nodes/0000000007', '0000000007', Buffer.from('{oops'), stat())).toThrow(
      /invalid record at \/nodepool\/nodes\/0000000007: not JSON/,
    );
    expect(() => parseNode('/p', '1', json([1]), stat())).toThrow(InvalidRecordError);
    expect(() => parseNode('/p', '1', json({ state: 'exploded' }), stat())).toThrow(/\/p: unknown state "exploded"/);
  });
});

describe('request records', () => {
  it('round-trips unknown fields and applies defaults', () => {
    const wire = { state: 'requested', node_types: ['small', 'large'], requestor: 'zuul', zuul_extra: 'x' };
    const request = parseRequest('/nodepool/requests/100-0000000001', '100-0000000001', json(wire), stat());
    expect(request).toMatchObject({ nodes: [], declined_by: [], reuse: true, relative_priority: 0 });
    expect(JSON.parse(serializeRequest(request).toString())).toMatchObject(wire);
  });

  it('orders ids by priority, then sequence, and records as Nodepool serves them', () => {
    expect(['200-0000000001', '100-0000000010', '100-0000000002'].sort(compareRequestIds)).toEqual([
      '100-0000000002',
      '100-0000000010',
      '200-0000000001',
    ]);
    const requests = [
      { id: '100-0000000001', relative_priority: 2 },
      { id: '300-0000000000', relative_priority: 0 },
      { id: '100-0000000003', relative_priority: 0 },
      { id: '100-0000000002', relative_priority: 2 },
    ];
    expect(sortRequestsForService(requests).map((r) => r.id)).toEqual([
      '100-0000000003',
      '100-0000000001',
      '100-0000000002',
      '300-0000000000',
    ]);
  });
});
