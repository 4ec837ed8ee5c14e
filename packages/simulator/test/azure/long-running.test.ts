import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { AzureSimulator } from '../../src/azure/index.js';
import { clientsFor, pollInterval, startSimulator, type AzureClients } from './clients.js';
import { createNic, rejectionOf, vmDefinition } from './fixtures.js';

describe('Azure simulator: long-running operations on a manual clock', () => {
  const clock = new ManualClock();
  let sim: AzureSimulator;
  let clients: AzureClients;

  beforeAll(async () => {
    sim = await startSimulator({ clock, knobs: { bootTimeMs: 60_000, deleteTimeMs: 30_000 } });
    clients = clientsFor(sim);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('keeps a VM create InProgress (VM Creating) until bootTimeMs has passed on the clock', async () => {
    const { compute } = clients;
    const rg = sim.resourceGroup;
    const nic = await createNic(sim, clients, 'slow');
    const poller = await compute.virtualMachines.beginCreateOrUpdate(rg, 'slow', vmDefinition(sim, 'slow', nic.id as string), pollInterval);
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    expect((await compute.virtualMachines.get(rg, 'slow')).provisioningState).toBe('Creating');

    clock.advance(59_000);
    await poller.poll();
    expect(poller.isDone()).toBe(false);

    clock.advance(1_000);
    await poller.poll();
    expect(poller.isDone()).toBe(true);
    expect(poller.getResult()?.provisioningState).toBe('Succeeded');
    const view = await compute.virtualMachines.get(rg, 'slow', { expand: 'instanceView' });
    expect(view.instanceView?.statuses?.map((status) => status.code)).toEqual(['ProvisioningState/succeeded', 'PowerState/running']);
  });

  it('shows a deleted VM as Deleting until deleteTimeMs has passed, then it is gone', async () => {
    const { compute } = clients;
    const rg = sim.resourceGroup;
    const poller = await compute.virtualMachines.beginDelete(rg, 'slow', pollInterval);
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    expect((await compute.virtualMachines.get(rg, 'slow')).provisioningState).toBe('Deleting');

    clock.advance(30_000);
    await poller.poll();
    expect(poller.isDone()).toBe(true);
    expect(await rejectionOf(compute.virtualMachines.get(rg, 'slow'))).toMatchObject({ statusCode: 404 });
    // Deleting what is gone is not an error in ARM.
    await compute.virtualMachines.beginDeleteAndWait(rg, 'slow', pollInterval);
  });

  it('fails a create later with AllocationFailed, leaving the VM Failed; a retried PUT provisions it again', async () => {
    const { compute } = clients;
    const rg = sim.resourceGroup;
    const nic = await createNic(sim, clients, 'unlucky');
    const definition = vmDefinition(sim, 'unlucky', nic.id as string);
    sim.setKnobs({ azure: { asyncAllocationFailureRatio: 1 } });
    const poller = await compute.virtualMachines.beginCreateOrUpdate(rg, 'unlucky', definition, pollInterval);
    sim.setKnobs({ azure: { asyncAllocationFailureRatio: 0 } });
    clock.advance(60_000);
    const failure = await rejectionOf(poller.pollUntilDone());
    expect(failure.message).toContain('Allocation failed');
    expect(poller.getOperationState().status).toBe('failed');
    expect((await compute.virtualMachines.get(rg, 'unlucky')).provisioningState).toBe('Failed');

    const retry = await compute.virtualMachines.beginCreateOrUpdate(rg, 'unlucky', definition, pollInterval);
    expect((await compute.virtualMachines.get(rg, 'unlucky')).provisioningState).toBe('Updating');
    clock.advance(60_000);
    expect((await retry.pollUntilDone()).provisioningState).toBe('Succeeded');
  });
});
