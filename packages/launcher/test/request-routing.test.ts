import { describe, expect, it } from 'vitest';
import { declinedByAll, shouldYield, staticDeclineReason, type PoolComponentView } from '../src/pool/request-routing.js';

const pool = (id: string, provider: string, priority = 100, paused = false, labels = ['small']): PoolComponentView => ({
  id,
  provider_name: provider,
  supported_labels: labels,
  priority,
  paused,
});

describe('request routing', () => {
  const request = { node_types: ['small'], declined_by: [] as string[] };

  it('yields to an online, unpaused pool with a better priority that has not declined', () => {
    const me = pool('b-main', 'b', 200);
    const better = pool('a-main', 'a', 100);
    expect(shouldYield(request, me, [me, better])).toBe(true);
    expect(shouldYield(request, me, [me, { ...better, paused: true }])).toBe(false);
    expect(shouldYield({ ...request, declined_by: ['a-main'] }, me, [me, better])).toBe(false);
    expect(shouldYield(request, me, [me, { ...better, supported_labels: ['large'] }])).toBe(false);
    expect(shouldYield(request, better, [me, better])).toBe(false);
  });

  it('honours a preferred provider while it can serve, and ignores priority for it', () => {
    const me = pool('a-main', 'a', 100);
    const preferred = pool('b-main', 'b', 300);
    expect(shouldYield({ ...request, provider: 'b' }, me, [me, preferred])).toBe(true);
    expect(shouldYield({ ...request, provider: 'b' }, preferred, [me, preferred])).toBe(false);
    expect(shouldYield({ ...request, provider: 'b' }, me, [me, { ...preferred, paused: true }])).toBe(false);
    expect(shouldYield({ ...request, provider: 'gone' }, me, [me])).toBe(false);
  });

  it('fails a request only when every registered pool declined it', () => {
    const pools = [pool('a-main', 'a'), pool('b-main', 'b')];
    expect(declinedByAll({ ...request, declined_by: ['a-main'] }, pools)).toBe(false);
    expect(declinedByAll({ ...request, declined_by: ['a-main', 'b-main'] }, pools)).toBe(true);
  });

  it('gives Nodepool decline reasons', () => {
    const labels = new Map([['small', {}]]);
    expect(staticDeclineReason(request, { maxServers: 0, labels })).toBe('pool disabled by max-servers: 0');
    expect(staticDeclineReason({ ...request, node_types: ['small', 'gpu'] }, { maxServers: 5, labels })).toBe('label not served: gpu');
    expect(staticDeclineReason({ ...request, node_types: ['small', 'small'] }, { maxServers: 1, labels })).toMatch(/more than max-servers 1/);
    expect(staticDeclineReason(request, { maxServers: undefined, labels })).toBeUndefined();
  });

  it('declines a label the pool has but cannot launch, with its reason', () => {
    const labels = new Map([['small', {}], ['dib', { unavailable: 'no image builder' }]]);
    expect(staticDeclineReason({ ...request, node_types: ['small', 'dib'] }, { maxServers: 5, labels })).toBe('no image builder');
  });
});
