import { GetServiceQuotaCommand, ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectionOf, startEc2TestBed, type Ec2TestBed } from './ec2-test-kit.js';

describe('EC2 simulator: Service Quotas API', () => {
  let bed: Ec2TestBed | undefined;
  afterEach(async () => {
    await bed?.stop();
    bed = undefined;
  });

  it('reports the vCPU and EBS storage quotas from the knobs', async () => {
    bed = await startEc2TestBed({ knobs: { quotas: { cores: 64, volumeGb: 10_240 } } });
    const onDemand = await bed.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }));
    expect(onDemand.Quota).toMatchObject({
      ServiceCode: 'ec2',
      QuotaCode: 'L-1216C47A',
      QuotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
      QuotaArn: 'arn:aws:servicequotas:us-east-1:123456789012:ec2/L-1216C47A',
      Value: 64,
      Adjustable: true,
      GlobalQuota: false,
    });
    const spot = await bed.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-34B43A08' }));
    expect(spot.Quota?.Value).toBe(64);
    const gp3 = await bed.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ebs', QuotaCode: 'L-7A658B76' }));
    expect(gp3.Quota?.Value).toBe(10);

    bed.sim.setKnobs({ quotas: { cores: 128 } });
    const raised = await bed.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }));
    expect(raised.Quota?.Value).toBe(128);
  });

  it('lists a service’s quotas, paged', async () => {
    bed = await startEc2TestBed();
    const codes: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await bed.quotas.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2', MaxResults: 2, NextToken }));
      expect(page.Quotas?.length).toBeLessThanOrEqual(2);
      codes.push(...(page.Quotas ?? []).map((quota) => quota.QuotaCode as string));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(codes).toEqual(expect.arrayContaining(['L-1216C47A', 'L-34B43A08', 'L-DB2E81BA']));
    const ebs = await bed.quotas.send(new ListServiceQuotasCommand({ ServiceCode: 'ebs' }));
    expect(ebs.Quotas?.map((quota) => quota.QuotaCode)).toEqual(expect.arrayContaining(['L-D18FCD1D', 'L-7A658B76']));
  });

  it('answers NoSuchResourceException for unknown services and quota codes', async () => {
    bed = await startEc2TestBed();
    const quotas = bed.quotas;
    expect((await rejectionOf(quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-00000000' })))).name).toBe(
      'NoSuchResourceException',
    );
    expect((await rejectionOf(quotas.send(new ListServiceQuotasCommand({ ServiceCode: 'sagemaker' })))).name).toBe('NoSuchResourceException');
  });

  it('answers AccessDeniedException in access-denied mode, switchable at run time', async () => {
    bed = await startEc2TestBed({ serviceQuotasAccessDenied: true });
    const get = () => bed?.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }));
    const denied = await rejectionOf(get() as Promise<unknown>);
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('servicequotas:GetServiceQuota');
    expect((await rejectionOf(bed.quotas.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2' })))).name).toBe('AccessDeniedException');
    bed.sim.setServiceQuotasAccessDenied(false);
    await expect(get()).resolves.toBeDefined();
  });

  it('refuses other credentials with UnrecognizedClientException', async () => {
    bed = await startEc2TestBed();
    const { endpoint, region } = bed.sim.connectionInfo();
    const stranger = new ServiceQuotasClient({ endpoint, region, credentials: { accessKeyId: 'AKIAOTHERACCOUNT0000', secretAccessKey: 'x' }, maxAttempts: 1 });
    const error = await rejectionOf(stranger.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' })));
    expect(error.name).toBe('UnrecognizedClientException');
    stranger.destroy();
  });
});
