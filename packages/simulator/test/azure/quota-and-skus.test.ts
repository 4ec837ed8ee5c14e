import type { ResourceSku, Usage } from '@azure/arm-compute';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureSimulator } from '../../src/azure/index.js';
import { clientsFor, pollInterval, startSimulator, type AzureClients } from './clients.js';
import { createNic, rejectionOf, vmDefinition } from './fixtures.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const capability = (sku: ResourceSku | undefined, name: string) => sku?.capabilities?.find((c) => c.name === name)?.value;

describe('Azure simulator: usages, quotas and SKUs', () => {
  let sim: AzureSimulator;
  let clients: AzureClients;

  beforeAll(async () => {
    sim = await startSimulator({ knobs: { quotas: { cores: 10, instances: 4 } } });
    clients = clientsFor(sim);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('lists SKUs with vCPUs and MemoryGB, filtered by location', async () => {
    const skus = await collect(clients.compute.resourceSkus.list({ filter: `location eq '${sim.location}'` }));
    const byName = new Map(skus.map((sku) => [sku.name, sku]));
    expect(capability(byName.get('Standard_B1s'), 'vCPUs')).toBe('1');
    expect(capability(byName.get('Standard_B1s'), 'MemoryGB')).toBe('1');
    expect(capability(byName.get('Standard_D4s_v3'), 'vCPUs')).toBe('4');
    expect(capability(byName.get('Standard_D4s_v3'), 'MemoryGB')).toBe('16');
    expect(byName.get('Standard_F2s_v2')).toMatchObject({ resourceType: 'virtualMachines', family: 'standardFSv2Family', locations: [sim.location] });
    expect(await collect(clients.compute.resourceSkus.list({ filter: "location eq 'antarctica'" }))).toEqual([]);
  });

  it('computes usages from the VMs held, with limits from the quota knobs', async () => {
    sim.seedVirtualMachines(2, {}, { vmSize: 'Standard_D2s_v3' });
    const usages = await collect(clients.compute.usage.list(sim.location));
    const usage = (name: string): Usage | undefined => usages.find((u) => u.name.value === name);
    expect(usage('cores')).toMatchObject({ currentValue: 4, limit: 10, unit: 'Count', name: { localizedValue: 'Total Regional vCPUs' } });
    expect(usage('virtualMachines')).toMatchObject({ currentValue: 2, limit: 4 });
    expect(usage('standardDSv3Family')).toMatchObject({ currentValue: 4, limit: 10 });
    expect(usage('standardBSFamily')).toMatchObject({ currentValue: 0 });
  });

  it('refuses a VM beyond the cores quota with OperationNotAllowed and Azure\'s message', async () => {
    const nic = await createNic(sim, clients, 'big');
    const error = await rejectionOf(clients.compute.virtualMachines.beginCreateOrUpdateAndWait(sim.resourceGroup, 'big',
      vmDefinition(sim, 'big', nic.id as string, { vmSize: 'Standard_D8s_v3' }), pollInterval));
    expect(error).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
    expect(error.message).toMatch(/^Operation could not be completed as it results in exceeding approved Total Regional Cores quota\. Additional details - Deployment Model: Resource Manager, Location: \w+, Current Limit: 10, Current Usage: 4, Additional Required: 8, \(Minimum\) New Limit Required: 12\./);
  });

  it('refuses a VM beyond the instances quota, and frees quota when a VM is deleted', async () => {
    sim.seedVirtualMachines(2, {}, { vmSize: 'Standard_B1s', name: 'small' });
    const nic = await createNic(sim, clients, 'fifth');
    const definition = vmDefinition(sim, 'fifth', nic.id as string, { vmSize: 'Standard_B1s' });
    const error = await rejectionOf(clients.compute.virtualMachines.beginCreateOrUpdateAndWait(sim.resourceGroup, 'fifth', definition, pollInterval));
    expect(error).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
    expect(error.message).toContain('exceeding approved Total Regional Virtual Machines quota');

    await clients.compute.virtualMachines.beginDeleteAndWait(sim.resourceGroup, 'small-1', pollInterval);
    const vm = await clients.compute.virtualMachines.beginCreateOrUpdateAndWait(sim.resourceGroup, 'fifth', definition, pollInterval);
    expect(vm.provisioningState).toBe('Succeeded');
  });

  it('lists VM sizes of a location', async () => {
    const sizes = await collect(clients.compute.virtualMachineSizes.list(sim.location));
    expect(sizes.find((s) => s.name === 'Standard_F2s_v2')).toMatchObject({ numberOfCores: 2, memoryInMB: 4096 });
  });
});
