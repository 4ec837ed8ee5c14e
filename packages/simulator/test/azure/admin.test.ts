import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureSeedResult, AzureSimulator, AzureSimulatorKnobs } from '../../src/azure/index.js';
import { admin, clientsFor, startSimulator, type AzureClients } from './clients.js';

describe('Azure simulator: admin endpoint', () => {
  let sim: AzureSimulator;
  let clients: AzureClients;

  beforeAll(async () => {
    sim = await startSimulator();
    clients = clientsFor(sim);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('seeds foreign and leaked resources that the SDKs then see, with their tags', async () => {
    const leaked = { nodepool_provider_name: 'azure-east', nodepool_node_id: '0000000007' };
    const seeded = await admin<AzureSeedResult>(sim, 'POST', '/__sim/seed', {
      virtualMachines: [{ count: 2, tags: leaked }, { name: 'foreign-vm' }],
      publicIPAddresses: [{ name: 'leaked-ip', tags: leaked }],
      images: [{ name: 'cloudpool-ubuntu', tags: { nodepool_upload_id: '0000000001' } }],
    });
    expect(seeded.virtualMachines).toHaveLength(3);
    expect(seeded.publicIPAddresses).toEqual([`/subscriptions/${sim.subscriptionId}/resourceGroups/${sim.resourceGroup}/providers/Microsoft.Network/publicIPAddresses/leaked-ip`]);

    const vms = new Map<string, Record<string, string> | undefined>();
    for await (const vm of clients.compute.virtualMachines.list(sim.resourceGroup)) vms.set((vm.id as string).toLowerCase(), vm.tags);
    expect(vms.get((seeded.virtualMachines[0] as string).toLowerCase())).toEqual(leaked);
    expect(vms.get((seeded.virtualMachines[2] as string).toLowerCase())).toEqual({});
    expect((await clients.network.publicIPAddresses.get(sim.resourceGroup, 'leaked-ip')).tags).toEqual(leaked);
    expect((await clients.compute.images.get(sim.resourceGroup, 'cloudpool-ubuntu')).provisioningState).toBe('Succeeded');

    expect(await admin(sim, 'GET', '/__sim/resources')).toEqual({
      resourceGroups: 1, virtualNetworks: 1, networkSecurityGroups: 1, virtualMachines: 3, networkInterfaces: 3, disks: 3, publicIPAddresses: 1, images: 1,
    });
  });

  it('reads and patches the knobs, Azure ones under "azure", and counts calls', async () => {
    const knobs = await admin<AzureSimulatorKnobs>(sim, 'PATCH', '/__sim/knobs', { bootTimeMs: 5, azure: { nicReservationMs: 0 } });
    expect(knobs).toMatchObject({ bootTimeMs: 5, azure: { nicReservationMs: 0, tokenLifetimeSeconds: 3599 } });
    expect(sim.azureKnobs.nicReservationMs).toBe(0);
    const counters = await admin<Record<string, { total: number }>>(sim, 'GET', '/__sim/counters');
    expect(counters['virtualMachines.list']?.total).toBeGreaterThanOrEqual(1);
    expect(counters.token?.total).toBeGreaterThanOrEqual(1);
  });

  it('resets to the initial state: only the default group, network and NSG, knobs as at start', async () => {
    await admin(sim, 'POST', '/__sim/reset');
    expect(await admin(sim, 'GET', '/__sim/resources')).toEqual({ resourceGroups: 1, virtualNetworks: 1, networkSecurityGroups: 1 });
    expect(sim.azureKnobs.nicReservationMs).toBe(180_000);
    expect(sim.knobs.bootTimeMs).toBe(0);
    const subnet = await clients.network.subnets.get(sim.resourceGroup, `${sim.resourceGroup}-vnet`, 'default');
    expect(subnet.id).toBe(sim.subnetId);
  });
});
