import { DescribeInstancesCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ec2ResourceSummary, Ec2SeedResult } from '../../src/ec2/index.js';
import { rejectionOf, startEc2TestBed, UBUNTU_JAMMY_AMD64, type Ec2TestBed } from './ec2-test-kit.js';

describe('EC2 simulator: call gate, authentication and admin endpoint', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  const describeAll = () => bed.ec2.send(new DescribeInstancesCommand({}));

  it('throttles with RequestLimitExceeded (HTTP 503) beyond the rate limit, and recovers as the clock moves', async () => {
    bed.sim.setKnobs({ rateLimits: { DescribeInstances: { perSecond: 1, burst: 2 } } });
    await describeAll();
    await describeAll();
    const error = await rejectionOf(describeAll());
    expect(error.name).toBe('RequestLimitExceeded');
    expect(error.$metadata?.httpStatusCode).toBe(503);
    bed.clock.advance(1_000);
    await expect(describeAll()).resolves.toBeDefined();
    expect(bed.sim.counters.count('DescribeInstances', 'throttled')).toBe(1);
  });

  it('answers server faults with Unavailable for reads and InternalError for writes', async () => {
    bed.setFaults({ serverErrorRatio: 1 });
    const read = await rejectionOf(describeAll());
    expect([read.name, read.$metadata?.httpStatusCode]).toEqual(['Unavailable', 503]);
    const write = await rejectionOf(
      bed.ec2.send(new RunInstancesCommand({ ImageId: UBUNTU_JAMMY_AMD64, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 })),
    );
    expect([write.name, write.$metadata?.httpStatusCode]).toEqual(['InternalError', 500]);
    expect(bed.sim.resources().instances.pending + bed.sim.resources().instances.running).toBe(0);
  });

  it('refuses other credentials with AuthFailure (HTTP 401), and Service Quotas with UnrecognizedClientException', async () => {
    const { endpoint, region } = bed.sim.connectionInfo();
    const stranger = new EC2Client({ endpoint, region, credentials: { accessKeyId: 'AKIAOTHERACCOUNT0000', secretAccessKey: 'x' }, maxAttempts: 1 });
    const error = await rejectionOf(stranger.send(new DescribeInstancesCommand({})));
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['AuthFailure', 401]);
    stranger.destroy();

    const unsigned = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeInstances&Version=2016-11-15',
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.text()).toContain('<Code>AuthFailure</Code>');
  });

  it('answers an unknown action with InvalidAction', async () => {
    const { accessKeyId } = bed.sim.connectionInfo();
    const answer = await fetch(bed.sim.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: 'Action=LaunchRocket&Version=2016-11-15',
    });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/<Response><Errors><Error><Code>InvalidAction<\/Code><Message>.*<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>/);
  });

  it('throttles Service Quotas with TooManyRequestsException', async () => {
    bed.sim.setKnobs({ rateLimits: { GetServiceQuota: { perSecond: 1, burst: 1 } } });
    const get = () => bed.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }));
    await get();
    expect((await rejectionOf(get())).name).toBe('TooManyRequestsException');
  });

  describe('admin endpoint', () => {
    const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const answer = await fetch(`${bed.sim.url}/__sim/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(answer.status).toBe(200);
      return (await answer.json()) as T;
    };

    it('seeds resources, summarises them, counts calls and resets', async () => {
      const seeded = await admin<Ec2SeedResult>('POST', 'seed', {
        instances: [{ tags: { 'cloudpool-provider': 'east' }, count: 2 }, { state: 'terminated' }],
        volumes: [{ tags: { leaked: 'yes' } }],
        addresses: [{}],
      });
      expect(seeded.instances).toHaveLength(3);
      expect(seeded.volumes[0]).toMatch(/^vol-[0-9a-f]{17}$/);

      const summary = await admin<Ec2ResourceSummary>('GET', 'resources');
      expect(summary.instances).toEqual({ pending: 0, running: 2, 'shutting-down': 0, terminated: 1 });
      expect(summary.volumes).toEqual({ 'in-use': 2, available: 1 });
      expect(summary.addresses).toEqual({ associated: 0, unassociated: 1 });
      expect(summary.usage.vcpus).toBe(4);

      await bed.ec2.send(new TerminateInstancesCommand({ InstanceIds: [seeded.instances[0] as string] }));
      await rejectionOf(bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
      await admin('PATCH', 'knobs', { rateLimits: { read: { perSecond: 1, burst: 1 } } });
      await describeAll();
      await rejectionOf(describeAll());
      const counters = await admin<Record<string, Record<string, number>>>('GET', 'counters');
      expect(counters.TerminateInstances).toMatchObject({ ok: 1 });
      expect(counters.DescribeInstances).toEqual({ total: 3, ok: 1, 'client-error': 1, throttled: 1 });

      await admin('POST', 'reset');
      const after = await admin<Ec2ResourceSummary>('GET', 'resources');
      expect(after.instances).toEqual({ pending: 0, running: 0, 'shutting-down': 0, terminated: 0 });
      expect(after.images.public).toBe(5);
      expect(await admin('GET', 'counters')).toEqual({});
      await expect(describeAll()).resolves.toBeDefined();
    });
  });
});
