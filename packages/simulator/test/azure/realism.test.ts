import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { AzureSimulator } from '../../src/azure/index.js';
import { clientsFor, pollInterval, startSimulator, type AzureClients } from './clients.js';
import { createNic, rejectionOf, vmDefinition } from './fixtures.js';

describe('Azure simulator: realistic by default', () => {
  it("takes Azure's time unless the fast path is asked for", () => {
    const realistic = new AzureSimulator();
    expect(realistic.knobs).toMatchObject({ bootTimeMs: 60_000, deleteTimeMs: 30_000, azure: { publicIpProvisioningMs: 2_000, nicReservationMs: 180_000 } });
    const fast = new AzureSimulator({ timing: 'fast' });
    expect(fast.knobs).toMatchObject({ bootTimeMs: 0, deleteTimeMs: 0, azure: { publicIpProvisioningMs: 0, nicReservationMs: 180_000 } });
    // Explicit knobs win over either pace.
    expect(new AzureSimulator({ knobs: { bootTimeMs: 5 } }).knobs.bootTimeMs).toBe(5);
  });

  describe('on a manual clock', () => {
    const clock = new ManualClock();
    let sim: AzureSimulator;
    let clients: AzureClients;

    beforeAll(async () => {
      sim = await startSimulator({ clock, timing: 'realistic' });
      clients = clientsFor(sim);
    });
    afterAll(async () => {
      await sim.stop();
    });

    it('answers a public IP PUT 201 Updating, with Azure-AsyncOperation and Retry-After, and shows it Succeeded later', async () => {
      const { network } = clients;
      const rg = sim.resourceGroup;
      let first: { status: number; headers: { get(name: string): string | undefined }; parsedBody?: unknown } | undefined;
      const poller = await network.publicIPAddresses.beginCreateOrUpdate(rg, 'slow-ip', { location: sim.location, sku: { name: 'Standard' } }, {
        ...pollInterval,
        onResponse: (response) => void (first ??= response),
      });
      expect(first?.status).toBe(201);
      // The SDK hands over ARM's wire body.
      expect((first?.parsedBody as { properties?: { provisioningState?: string } }).properties?.provisioningState).toBe('Updating');
      expect(first?.headers.get('azure-asyncoperation')).toMatch(/\/providers\/Microsoft\.Network\/locations\/[^/]+\/operations\//);
      expect(first?.headers.get('retry-after')).toBe('0');
      expect((await network.publicIPAddresses.get(rg, 'slow-ip')).provisioningState).toBe('Updating');
      clock.advance(2_000);
      await poller.pollUntilDone();
      expect((await network.publicIPAddresses.get(rg, 'slow-ip')).provisioningState).toBe('Succeeded');
    });

    it('ends a VM create Canceled asynchronously when told to, with the operation status Canceled', async () => {
      sim.setKnobs({ azure: { asyncCancelRatio: 1 } });
      const { compute } = clients;
      const rg = sim.resourceGroup;
      const nic = await createNic(sim, clients, 'canceled');
      const poller = await compute.virtualMachines.beginCreateOrUpdate(rg, 'canceled', vmDefinition(sim, 'canceled', nic.id as string), pollInterval);
      clock.advance(60_000);
      const failure = await rejectionOf(poller.pollUntilDone());
      expect(String((failure as Error).message)).toMatch(/cancel/i);
      const vm = await compute.virtualMachines.get(rg, 'canceled', { expand: 'instanceView' });
      expect(vm.provisioningState).toBe('Canceled');
      expect(vm.instanceView?.statuses?.[0]?.code).toBe('ProvisioningState/canceled');
      sim.setKnobs({ azure: { asyncCancelRatio: 0 } });
    });

    it('takes deleteTimeMs to delete, showing Deleting meanwhile', async () => {
      const { network } = clients;
      const rg = sim.resourceGroup;
      await createNic(sim, clients, 'going');
      const poller = await network.networkInterfaces.beginDelete(rg, 'going-nic', pollInterval);
      expect((await network.networkInterfaces.get(rg, 'going-nic')).provisioningState).toBe('Deleting');
      clock.advance(30_000);
      await poller.pollUntilDone();
      expect(await rejectionOf(network.networkInterfaces.get(rg, 'going-nic'))).toMatchObject({ statusCode: 404 });
    });
  });
});
