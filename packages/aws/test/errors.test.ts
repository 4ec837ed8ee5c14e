import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { TAG, type CloudError } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { toCloudError } from '../src/errors.js';
import { recordingHooks, startAwsTestBed, type AwsTestBed } from '../src/testing/test-bed.js';
import { JAMMY_IMAGE_ID, PROVIDER_NAME } from '../src/testing/provider-fixture.js';

/** What an SDK call against the simulator threw, mapped at the boundary. */
async function mappedFailure(call: Promise<unknown>, action: string): Promise<CloudError> {
  try {
    await call;
  } catch (error) {
    return toCloudError(error, action);
  }
  throw new Error('expected the call to fail');
}

describe('AWS error mapping', () => {
  let bed: AwsTestBed;
  afterEach(async () => bed?.stop());

  it("maps the simulator's real SDK errors to CloudError kinds", async () => {
    bed = await startAwsTestBed();
    const { endpoint, region, accessKeyId } = bed.sim.connectionInfo();
    const launch = () => new RunInstancesCommand({ ImageId: JAMMY_IMAGE_ID, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 });

    const strangers = new EC2Client({ endpoint, region, maxAttempts: 1, credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' } });
    expect(await mappedFailure(strangers.send(launch()), 'RunInstances')).toMatchObject({ kind: 'auth', code: 'AuthFailure', credentialsRefused: true });
    strangers.destroy();
    const badType = new RunInstancesCommand({ ImageId: JAMMY_IMAGE_ID, InstanceType: 'q9.big' as 't3.micro', MinCount: 1, MaxCount: 1 });
    expect(await mappedFailure(bed.ec2.send(badType), 'RunInstances')).toMatchObject({ kind: 'permanent', code: 'InvalidParameterValue' });

    bed.sim.setKnobs({ faults: { capacityErrorRatio: 1 } });
    expect(await mappedFailure(bed.ec2.send(launch()), 'RunInstances')).toMatchObject({ kind: 'capacity', code: 'InsufficientInstanceCapacity' });
    bed.sim.setKnobs({ faults: { capacityErrorRatio: 0, serverErrorRatio: 1 } });
    expect(await mappedFailure(bed.ec2.send(launch()), 'RunInstances')).toMatchObject({ kind: 'transient', code: 'InternalError' });
    expect(await mappedFailure(bed.ec2.send(new DescribeInstancesCommand({})), 'DescribeInstances')).toMatchObject({
      kind: 'transient',
      code: 'Unavailable',
    });
    bed.sim.setKnobs({ faults: { serverErrorRatio: 0, lostResponseRatio: 1 } });
    expect(await mappedFailure(bed.ec2.send(launch()), 'RunInstances')).toMatchObject({ kind: 'transient' });

    bed.sim.setServiceQuotasAccessDenied(true);
    const quotas = new ServiceQuotasClient({ endpoint, region, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey: 'x' } });
    expect(await mappedFailure(quotas.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2' })), 'ListServiceQuotas')).toMatchObject({
      kind: 'auth',
      code: 'AccessDeniedException',
      credentialsRefused: false,
    });
    quotas.destroy();
  });

  it('maps a refused connection to transient', async () => {
    bed = await startAwsTestBed();
    const { endpoint, region, accessKeyId, secretAccessKey } = bed.sim.connectionInfo();
    await bed.sim.stop();
    const client = new EC2Client({ endpoint, region, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey } });
    expect(await mappedFailure(client.send(new DescribeInstancesCommand({})), 'DescribeInstances')).toMatchObject({ kind: 'transient' });
    client.destroy();
  });

  it('maps the codes the simulator does not produce, and never leaks the request into the message', () => {
    const serviceError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
      Object.assign(new Error(`${name} happened`), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, ...extra });
    expect(toCloudError(serviceError('Unsupported', 400), 'RunInstances').kind).toBe('capacity');
    expect(toCloudError(serviceError('InsufficientCapacity', 500), 'RunInstances').kind).toBe('capacity');
    expect(toCloudError(serviceError('Throttling', 400), 'ListServiceQuotas').kind).toBe('throttled');
    expect(toCloudError(serviceError('SomethingNew', 503), 'RunInstances').kind).toBe('transient');
    expect(toCloudError(serviceError('SlowDown', 429, { $response: { headers: { 'retry-after': '3' } } }), 'X')).toMatchObject({
      kind: 'throttled',
      retryAfterMs: 3000,
    });
    expect(toCloudError(serviceError('InvalidAMIID.NotFound', 400), 'DeregisterImage').kind).toBe('not-found');
    // A permission the credentials lack is `auth` but no refusal of the credentials (provider health stays ok).
    expect(toCloudError(serviceError('UnauthorizedOperation', 403), 'RunInstances')).toMatchObject({ kind: 'auth', credentialsRefused: false });
    for (const code of ['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'ExpiredToken']) {
      expect(toCloudError(serviceError(code, 403), 'GetServiceQuota'), code).toMatchObject({ kind: 'auth', credentialsRefused: true });
    }
    // Client errors are retried as new attempts unless they prove the label wrong.
    expect(toCloudError(serviceError('IdempotentParameterMismatch', 400), 'RunInstances').kind).toBe('rejected');
    expect(toCloudError(serviceError('MissingParameter', 400), 'RunInstances').kind).toBe('rejected');
    expect(toCloudError(serviceError('InvalidAMIID.NotFound', 400), 'RunInstances').kind).toBe('permanent');
    expect(toCloudError(serviceError('InvalidKeyPair.NotFound', 400), 'RunInstances').kind).toBe('permanent');
    expect(toCloudError(serviceError('InvalidSubnetID.NotFound', 400), 'CreateFleet').kind).toBe('permanent');
    expect(toCloudError(serviceError('InvalidInstanceID.NotFound', 400), 'TerminateInstances').kind).toBe('not-found');
    expect(toCloudError(new TypeError('oops'), 'RunInstances').kind).toBe('permanent');
    const mapped = toCloudError(serviceError('VcpuLimitExceeded', 400), 'RunInstances');
    expect(mapped).toMatchObject({ kind: 'quota', action: 'RunInstances', message: 'RunInstances: VcpuLimitExceeded: VcpuLimitExceeded happened' });
  });

  it('reports RequestLimitExceeded as throttled, and the real ApiQueue pauses on it', async () => {
    bed = await startAwsTestBed();
    bed.sim.seedInstances(1, { [TAG.providerName]: PROVIDER_NAME });
    bed.sim.setKnobs({ rateLimits: { DescribeInstances: { perSecond: 0.001, burst: 1 } } });
    await bed.adapter.listNodes();
    bed.settle();
    await expect(bed.adapter.listNodes()).rejects.toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded' });
    expect(bed.queue.stats().pausedUntil).toBeGreaterThan(Date.now());
    expect(bed.queue.stats().actions.DescribeInstances).toMatchObject({ throttles: 1 });

    const started = Date.now();
    bed.sim.setKnobs({ rateLimits: {} });
    await bed.adapter.createResource(bed.request(), recordingHooks());
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });
});
