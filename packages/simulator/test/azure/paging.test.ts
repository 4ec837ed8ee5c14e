import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerResult, SimRequest } from '../../src/core/index.js';
import { AzureSimulator } from '../../src/azure/index.js';
import { clientsFor, type AzureClients } from './clients.js';

/** Times the simulator's own request handling (routing, auth, state, JSON), not the client's. */
class TimedAzureSimulator extends AzureSimulator {
  busyMs = 0;

  protected override async handle(request: SimRequest): Promise<HandlerResult> {
    const started = performance.now();
    try {
      return await super.handle(request);
    } finally {
      this.busyMs += performance.now() - started;
    }
  }
}

async function pageSizes(pages: AsyncIterable<unknown[]>): Promise<number[]> {
  const sizes: number[] = [];
  for await (const page of pages) sizes.push(page.length);
  return sizes;
}

describe('Azure simulator: paging and tag filters', () => {
  let sim: TimedAzureSimulator;
  let clients: AzureClients;

  beforeAll(async () => {
    sim = await new TimedAzureSimulator().start();
    clients = clientsFor(sim);
    await clients.resources.resourceGroups.createOrUpdate('paging', { location: sim.location });
    sim.seedVirtualMachines(800, { team: 'red' }, { resourceGroup: 'paging' });
    sim.seedVirtualMachines(400, { team: 'blue' }, { resourceGroup: 'paging' });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('follows nextLink over 1,200 VMs with for await', async () => {
    sim.counters.reset();
    const names = new Set<string>();
    for await (const vm of clients.compute.virtualMachines.list('paging')) names.add(vm.name as string);
    expect(names.size).toBe(1200);
    expect(sim.counters.count('virtualMachines.list')).toBe(2);
  });

  it('answers at most maxPageSize items a page, with an absolute nextLink on the simulator', async () => {
    sim.setKnobs({ maxPageSize: 500 });
    try {
      const pages = clients.compute.virtualMachines.list('paging').byPage();
      const first = await pages.next();
      expect(first.value).toHaveLength(500);
      const nextLink = (first.value as { continuationToken?: string }).continuationToken ?? '';
      expect(nextLink.startsWith(`${sim.url}/subscriptions/${sim.subscriptionId}/resourceGroups/paging/providers/Microsoft.Compute/virtualMachines?`)).toBe(true);
      expect(await pageSizes({ [Symbol.asyncIterator]: () => pages })).toEqual([500, 200]);
      expect(await pageSizes(clients.network.networkInterfaces.list('paging').byPage())).toEqual([500, 500, 200]);
    } finally {
      sim.setKnobs({ maxPageSize: 1000 });
    }
  });

  it('lists VMs of the whole subscription', async () => {
    let count = 0;
    for await (const vm of clients.compute.virtualMachines.listAll()) if (vm.id?.toLowerCase().includes('/resourcegroups/paging/')) count += 1;
    expect(count).toBe(1200);
  });

  it('filters resources by tag through the tag index, by type and with $top', async () => {
    const blue: string[] = [];
    for await (const resource of clients.resources.resources.listByResourceGroup('paging', { filter: "tagName eq 'team' and tagValue eq 'blue'" })) {
      blue.push(resource.type as string);
    }
    // Each seeded VM brings a NIC and an OS disk with the same tags.
    expect(blue).toHaveLength(1200);
    expect(blue.filter((type) => type === 'Microsoft.Compute/virtualMachines')).toHaveLength(400);

    const filter = "resourceType eq 'Microsoft.Compute/virtualMachines'";
    expect(await pageSizes(clients.resources.resources.listByResourceGroup('paging', { filter, top: 300 }).byPage())).toEqual([300, 300, 300, 300]);
    let tagged = 0;
    for await (const resource of clients.resources.resources.list({ filter: "tagName eq 'team'" })) if (resource.tags?.team) tagged += 1;
    expect(tagged).toBe(3600);
  });

  it('lists 10,000 VMs of a resource group through the SDK (the simulator-list benchmark measures its cost)', async () => {
    await clients.resources.resourceGroups.createOrUpdate('bulk', { location: sim.location });
    sim.seedVirtualMachines(10_000, { owner: 'bench' }, { resourceGroup: 'bulk' });
    sim.busyMs = 0;
    const started = performance.now();
    let count = 0;
    for await (const vm of clients.compute.virtualMachines.list('bulk')) if (vm.tags?.owner === 'bench') count += 1;
    const wallMs = performance.now() - started;
    expect(count).toBe(10_000);
    console.log(`listed 10,000 VMs through the SDK: ${wallMs.toFixed(0)} ms wall, ${sim.busyMs.toFixed(0)} ms in the simulator`);
  });
});
