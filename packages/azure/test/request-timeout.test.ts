import { isCloudError } from '@cloudpool/common';
import { passthroughQueue } from '@cloudpool/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArmClientRegistry } from '../src/sdk/client-registry.js';
import { openSdkPort } from '../src/sdk/open-port.js';
import { SimulatedAzure } from '../src/testing/test-bed.js';

describe('Azure HTTP request timeout', () => {
  let azure: SimulatedAzure;

  beforeAll(async () => {
    azure = await SimulatedAzure.start();
  });
  afterAll(async () => {
    await azure.stop();
  });

  it('gives up a request ARM does not answer within the timeout, as a transient CloudError, through the SDK clients', async () => {
    const port = await openSdkPort({ authPath: azure.authPath, ca: azure.sim.ca, registry: new ArmClientRegistry(), requestTimeoutMs: 300, queue: passthroughQueue });
    // Warm the token first, so only the listing stalls.
    await port.resourceGroupExists(azure.resourceGroup);
    azure.sim.setKnobs({ latency: { 'virtualMachines.list': { medianMs: 5_000, p95Ms: 5_000 } } });
    const started = performance.now();
    const failure = await port.listVirtualMachines(azure.resourceGroup).catch((error: unknown) => error);
    const waitedMs = performance.now() - started;
    expect(isCloudError(failure, 'transient')).toBe(true);
    expect(waitedMs).toBeLessThan(3_000);
    azure.sim.setKnobs({ latency: {} });
  });
});
