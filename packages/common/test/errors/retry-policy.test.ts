import { describe, expect, it } from 'vitest';
import { CloudError, DEFAULT_LAUNCH_RETRIES, mayRetry, RETRY_POLICY, worstCaseCreateSends } from '../../src/index.js';

describe('the retry policy', () => {
  it('repeats only the kinds a layer names, and only within its budget', () => {
    const throttled = new CloudError('throttled', 'slow down');
    const transient = new CloudError('transient', 'reset');
    const capacity = new CloudError('capacity', 'no room');
    expect(mayRetry(RETRY_POLICY.throttledCall, throttled, 0)).toBe(true);
    expect(mayRetry(RETRY_POLICY.throttledCall, throttled, RETRY_POLICY.throttledCall.retries)).toBe(false);
    expect(mayRetry(RETRY_POLICY.throttledCall, transient, 0)).toBe(false);
    expect(mayRetry(RETRY_POLICY.repeatedStep, capacity, 0)).toBe(false);
    expect(mayRetry(RETRY_POLICY.createSend, transient, 1)).toBe(true);
    expect(mayRetry(RETRY_POLICY.createSend, transient, 2)).toBe(false);
    expect(mayRetry(RETRY_POLICY.reauthentication, new Error('not a CloudError'), 0)).toBe(false);
  });

  it('states the worst case of one create as one number: 162 sends with the default 3 launch attempts', () => {
    expect(DEFAULT_LAUNCH_RETRIES).toBe(3);
    expect(worstCaseCreateSends()).toBe(162);
    expect(worstCaseCreateSends(1)).toBe(54);
  });
});
