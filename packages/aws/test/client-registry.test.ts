import { describe, expect, it } from 'vitest';
import { AwsClientRegistry } from '../src/sdk/client-registry.js';

const endpointOf = async (client: { config: { endpoint?: () => Promise<{ hostname: string; port?: number }> } }) => {
  const endpoint = await client.config.endpoint?.();
  return endpoint && `${endpoint.hostname}:${endpoint.port}`;
};

describe('AwsClientRegistry', () => {
  it('shares one pair of clients per profile, region and endpoint until the last lease is released', () => {
    const registry = new AwsClientRegistry({});
    const first = registry.acquire({ region: 'us-east-1', profile: 'ci' });
    const second = registry.acquire({ region: 'us-east-1', profile: 'ci' });
    const otherRegion = registry.acquire({ region: 'eu-west-1', profile: 'ci' });
    const otherProfile = registry.acquire({ region: 'us-east-1' });
    expect(second.ec2).toBe(first.ec2);
    expect(second.serviceQuotas).toBe(first.serviceQuotas);
    expect(otherRegion.ec2).not.toBe(first.ec2);
    expect(otherProfile.ec2).not.toBe(first.ec2);
    expect(registry.size).toBe(3);

    first.release();
    first.release();
    expect(registry.size).toBe(3);
    second.release();
    otherRegion.release();
    otherProfile.release();
    expect(registry.size).toBe(0);
  });

  it('makes one attempt per call: the provider queue owns retries', async () => {
    const lease = new AwsClientRegistry({}).acquire({ region: 'us-east-1' });
    expect(await lease.ec2.config.maxAttempts()).toBe(1);
    expect(await lease.serviceQuotas.config.maxAttempts()).toBe(1);
    lease.release();
  });

  it("takes the provider's endpoint first, then the service's variable, then AWS_ENDPOINT_URL", async () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4000',
      AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:4001',
    };
    const fromEnv = new AwsClientRegistry(env).acquire({ region: 'us-east-1' });
    expect(await endpointOf(fromEnv.ec2)).toBe('127.0.0.1:4001');
    expect(await endpointOf(fromEnv.serviceQuotas)).toBe('127.0.0.1:4000');
    fromEnv.release();

    const quotasVariable = new AwsClientRegistry({ ...env, AWS_ENDPOINT_URL_SERVICE_QUOTAS: 'http://127.0.0.1:4002' }).acquire({ region: 'us-east-1' });
    expect(await endpointOf(quotasVariable.serviceQuotas)).toBe('127.0.0.1:4002');
    quotasVariable.release();

    const configured = new AwsClientRegistry(env).acquire({ region: 'us-east-1', endpoint: 'http://127.0.0.1:5000' });
    expect(await endpointOf(configured.ec2)).toBe('127.0.0.1:5000');
    expect(await endpointOf(configured.serviceQuotas)).toBe('127.0.0.1:5000');
    configured.release();
  });
});
