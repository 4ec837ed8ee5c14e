import { CloudError } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudErrorFromAnswer } from '../src/errors.js';
import { faultKind } from '../src/error-messages.js';
import type { KnobsPatch, OpenStackSimulatorOptions } from '@cloudpool/simulator';
import { SimulatedOpenStack } from '../src/testing/test-bed.js';

const answer = (status: number, data: unknown, headers: Record<string, unknown> = {}) => cloudErrorFromAnswer('test.action', { status, data, headers });

describe('error mapping', () => {
  describe('over HTTP, from the simulator', () => {
    let cloud: SimulatedOpenStack | undefined;
    afterEach(async () => {
      await cloud?.stop();
      cloud = undefined;
    });

    /** What a listing fails with once the knobs are set (after a first listing got a token). */
    async function listingFailure(options: OpenStackSimulatorOptions, knobs: KnobsPatch): Promise<unknown> {
      cloud = await SimulatedOpenStack.start(options);
      const { adapter } = cloud.adapter();
      await adapter.listNodes();
      cloud.sim.setKnobs(knobs);
      cloud.settle();
      return adapter.listNodes().catch((error: unknown) => error);
    }

    it('maps a 429 with Retry-After to throttled', async () => {
      const failure = await listingFailure({}, { rateLimits: { 'nova.servers.detail': { perSecond: 0.25, burst: 0 } } });
      expect(failure).toBeInstanceOf(CloudError);
      expect(failure).toMatchObject({ kind: 'throttled', code: '429', retryAfterMs: 4_000, action: 'nova.servers.detail' });
    });

    it("maps older Nova's 413 overLimit to throttled", async () => {
      const failure = await listingFailure({ computeThrottleStatus: 413 }, { rateLimits: { 'nova.servers.detail': { perSecond: 1, burst: 0 } } });
      expect(failure).toMatchObject({ kind: 'throttled', code: '413', retryAfterMs: 1_000 });
    });

    it('maps a 500 to transient', async () => {
      expect(await listingFailure({}, { faults: { serverErrorRatio: 1 } })).toMatchObject({ kind: 'transient', code: '500' });
    });

    it('maps a call that gets no answer (the cloud went away) to transient', async () => {
      cloud = await SimulatedOpenStack.start();
      const { adapter } = cloud.adapter();
      await adapter.listNodes();
      await cloud.sim.stop();
      cloud.settle();
      expect(await adapter.listNodes().catch((error: unknown) => error)).toMatchObject({ kind: 'transient', code: expect.stringMatching(/^ECONN(REFUSED|RESET)$/) });
    });
  });

  it('reads quota from any service message before the status', () => {
    expect(answer(403, { forbidden: { code: 403, message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' } }).kind).toBe('quota');
    expect(answer(409, { NeutronError: { type: 'OverQuota', message: "Quota exceeded for resources: ['floatingip'].", detail: '' } }).kind).toBe('quota');
    expect(answer(413, { overLimit: { code: 413, message: "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'." } }, { 'retry-after': '0' }).kind).toBe('quota');
    expect(answer(403, { forbidden: { code: 403, message: 'Maximum number of metadata items exceeds 128' } }).kind).toBe('permanent');
  });

  it('maps the other statuses', () => {
    expect(answer(404, '<html><body><h1>404 Not Found</h1>No image found with ID x</body></html>')).toMatchObject({
      kind: 'not-found',
      message: 'test.action failed with HTTP 404: 404 Not Found No image found with ID x',
    });
    expect(answer(409, { NeutronError: { type: 'IpAddressGenerationFailure', message: 'No more IP addresses available on network n.' } }).kind).toBe('capacity');
    expect(answer(409, { conflictingRequest: { message: "Cannot 'delete' instance while it is in task_state spawning" } }).kind).toBe('transient');
    expect(answer(400, { badRequest: { message: 'Invalid flavorRef provided.' } }).kind).toBe('permanent');
    expect(answer(401, { error: { message: 'The request you have made requires authentication.' } }).kind).toBe('auth');
    expect(answer(503, '').kind).toBe('transient');
  });

  it('classifies server faults', () => {
    expect(faultKind('No valid host was found. There are not enough hosts available.')).toBe('capacity');
    expect(faultKind('Build of instance x aborted: Quota exceeded for ram')).toBe('quota');
    expect(faultKind('Build of instance x aborted: Failed to allocate the network(s), not rescheduling.')).toBe('transient');
  });
});
