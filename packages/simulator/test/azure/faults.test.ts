import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AzureSimulator } from '../../src/azure/index.js';
import { clientsFor, pollInterval, startSimulator, type AzureClients } from './clients.js';
import { createNic, rejectionOf, vmDefinition } from './fixtures.js';

describe('Azure simulator: throttling and injected faults', () => {
  let sim: AzureSimulator;
  let clients: AzureClients;

  beforeAll(async () => {
    sim = await startSimulator();
    clients = clientsFor(sim);
  });
  afterEach(() => {
    sim.setKnobs({ rateLimits: {}, faults: { serverErrorRatio: 0, capacityErrorRatio: 0 } });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('throttles with 429 TooManyRequests and a Retry-After the caller can read', async () => {
    sim.setKnobs({ rateLimits: { 'virtualNetworks.get': { perSecond: 0.5, burst: 1 }, 'virtualMachines.get': { perSecond: 0.25, burst: 1 } } });
    const vnet = `${sim.resourceGroup}-vnet`;
    await clients.network.virtualNetworks.get(sim.resourceGroup, vnet);
    const throttled = await rejectionOf(clients.network.virtualNetworks.get(sim.resourceGroup, vnet));
    expect(throttled).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect(throttled.response?.headers.get('retry-after')).toBe('2');

    await rejectionOf(clients.compute.virtualMachines.get(sim.resourceGroup, 'any'));
    const computeThrottled = await rejectionOf(clients.compute.virtualMachines.get(sim.resourceGroup, 'any'));
    expect(computeThrottled).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect(computeThrottled.response?.headers.get('retry-after')).toBe('4');
    expect(sim.counters.count('virtualMachines.get', 'throttled')).toBe(1);
  });

  it('answers injected server errors with 500 InternalServerError', async () => {
    sim.setKnobs({ faults: { serverErrorRatio: 1 } });
    expect(await rejectionOf(clients.compute.virtualMachines.get(sim.resourceGroup, 'any'))).toMatchObject({ statusCode: 500, code: 'InternalServerError' });
  });

  it('fails VM creates, and only them, with AllocationFailed under the capacity fault', async () => {
    sim.setKnobs({ faults: { capacityErrorRatio: 1 } });
    const nic = await createNic(sim, clients, 'crowded');
    const error = await rejectionOf(clients.compute.virtualMachines.beginCreateOrUpdateAndWait(sim.resourceGroup, 'crowded',
      vmDefinition(sim, 'crowded', nic.id as string), pollInterval));
    expect(error).toMatchObject({ statusCode: 409, code: 'AllocationFailed' });
    expect(error.message).toContain('We do not have sufficient capacity for the requested VM size in this region');
    expect(sim.counters.count('virtualMachines.createOrUpdate', 'capacity')).toBe(1);
  });
});
