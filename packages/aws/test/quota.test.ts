import { TAG } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingHooks, startAwsTestBed, type AwsTestBed } from '../src/testing/test-bed.js';
import { PROVIDER_NAME, providerView, SYSTEM_ID } from '../src/testing/provider-fixture.js';

const ours = { [TAG.providerName]: PROVIDER_NAME, [TAG.systemId]: SYSTEM_ID, [TAG.nodeId]: '0000000001' };

describe('AwsAdapter quota', () => {
  let bed: AwsTestBed;
  afterEach(async () => bed?.stop());

  it("states a label's needs in the keys of the cloud limits: vCPU and EBS quota codes", async () => {
    bed = await startAwsTestBed({ config: providerView([{ name: 'small' }, { name: 'fast', volumeType: 'io2', volumeSize: 50, iops: 5000 }]) });
    expect((await bed.adapter.getQuotaForLabel(bed.label('small'))).toJSON()).toEqual({
      instances: 1,
      cores: 1,
      ram: 4096,
      'L-1216C47A': 2,
      'L-7A658B76': 20,
    });
    expect((await bed.adapter.getQuotaForLabel(bed.label('fast'))).toJSON()).toMatchObject({ 'L-09BD8365': 50, 'L-8D977E7E': 5000 });
    await bed.adapter.getQuotaForLabel(bed.label('small'));
    expect(bed.sim.counters.count('DescribeInstanceTypes')).toBe(1);
  });

  it('reads limits from Service Quotas minus what the account uses outside the provider, kept until invalidated', async () => {
    bed = await startAwsTestBed({ sim: { knobs: { quotas: { cores: 64, volumeGb: 2048 } } } });
    bed.sim.seed({
      instances: [{ tags: { [TAG.providerName]: 'someone-else' }, instanceType: 't3.xlarge' }, { tags: ours, count: 2 }],
      volumes: [{ tags: {}, volumeType: 'gp3', size: 100 }, { tags: ours, volumeType: 'gp3', size: 500 }],
    });
    await bed.adapter.createResource(bed.request(), recordingHooks());

    expect((await bed.adapter.getQuotaLimits()).toJSON()).toEqual({ 'L-1216C47A': 64 - 4, 'L-7A658B76': 2048 - 100 });
    await bed.adapter.getQuotaLimits();
    expect(bed.sim.counters.count('ListServiceQuotas')).toBe(2);

    bed.sim.setKnobs({ quotas: { cores: 128 } });
    expect((await bed.adapter.getQuotaLimits()).get('L-1216C47A')).toBe(60);
    bed.adapter.invalidateQuotaCache();
    expect((await bed.adapter.getQuotaLimits()).get('L-1216C47A')).toBe(124);
  });

  it('works on without cloud limits when Service Quotas denies access, warning once', async () => {
    bed = await startAwsTestBed({ sim: { serviceQuotasAccessDenied: true } });
    expect((await bed.adapter.getQuotaLimits()).keys()).toEqual([]);
    bed.adapter.invalidateQuotaCache();
    expect((await bed.adapter.getQuotaLimits()).keys()).toEqual([]);
    expect(bed.logger.warnings()).toHaveLength(1);
    expect(bed.sim.counters.count('DescribeInstances')).toBe(0);
    await expect(bed.adapter.createResource(bed.request(), recordingHooks())).resolves.toMatch(/^i-/);

    bed.sim.setServiceQuotasAccessDenied(false);
    bed.adapter.invalidateQuotaCache();
    expect((await bed.adapter.getQuotaLimits()).get('L-1216C47A')).toBeGreaterThan(0);
  });

  it('answers a launch over an EC2 quota with a quota CloudError', async () => {
    bed = await startAwsTestBed({ config: providerView([{ name: 'small' }, { name: 'spot', useSpot: true }]) });
    bed.sim.setKnobs({ quotas: { cores: 1 } });
    await expect(bed.adapter.createResource(bed.request(), recordingHooks())).rejects.toMatchObject({ kind: 'quota', code: 'VcpuLimitExceeded' });
    await expect(bed.adapter.createResource(bed.request('spot'), recordingHooks())).rejects.toMatchObject({
      kind: 'quota',
      code: 'MaxSpotInstanceCountExceeded',
    });
    bed.sim.setKnobs({ quotas: { cores: 100, volumes: 0 } });
    await expect(bed.adapter.createResource(bed.request(), recordingHooks())).rejects.toMatchObject({ kind: 'quota', code: 'VolumeLimitExceeded' });
  });
});
