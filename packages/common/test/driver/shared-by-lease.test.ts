import { describe, expect, it } from 'vitest';
import { SharedByLease } from '../../src/index.js';

describe('SharedByLease', () => {
  it('shares one value per key and disposes it once, when its last lease is released', () => {
    const disposed: string[] = [];
    let made = 0;
    const shared = new SharedByLease<string>((value) => disposed.push(value));
    const first = shared.acquire('a', () => `value-${++made}`);
    const second = shared.acquire('a', () => `value-${++made}`);
    expect(second.value).toBe(first.value);
    first.release();
    first.release();
    expect({ size: shared.size, disposed }).toEqual({ size: 1, disposed: [] });
    second.release();
    expect({ size: shared.size, disposed }).toEqual({ size: 0, disposed: ['value-1'] });
    expect(shared.acquire('a', () => `value-${++made}`).value).toBe('value-2');
  });
});
