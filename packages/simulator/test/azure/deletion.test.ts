import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { AzureSimulator } from '../../src/azure/index.js';
import { clientsFor, pollInterval, startSimulator, type AzureClients } from './clients.js';
import { createNode, rejectionOf } from './fixtures.js';

describe('Azure simulator: deletion rules', () => {
  const clock = new ManualClock();
  let sim: AzureSimulator;
  let clients: AzureClients;

  const deleteNic = (name: string) => clients.network.networkInterfaces.beginDeleteAndWait(sim.resourceGroup, name, pollInterval);
  const deletePublicIp = (name: string) => clients.network.publicIPAddresses.beginDeleteAndWait(sim.resourceGroup, name, pollInterval);

  beforeAll(async () => {
    sim = await startSimulator({ clock, knobs: { azure: { nicReservationMs: 180_000 } } });
    clients = clientsFor(sim);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('cascades a VM delete to NIC and OS disk whose deleteOption is Delete; the standalone NIC\'s public IP stays, detached', async () => {
    const { compute, network } = clients;
    const rg = sim.resourceGroup;
    const { vm } = await createNode(sim, clients, 'cascade', { withPublicIp: true, deleteOption: 'Delete' });
    const diskName = vm.storageProfile?.osDisk?.name as string;
    await compute.virtualMachines.beginDeleteAndWait(rg, 'cascade', pollInterval);
    expect(await rejectionOf(network.networkInterfaces.get(rg, 'cascade-nic'))).toMatchObject({ statusCode: 404 });
    expect(await rejectionOf(compute.disks.get(rg, diskName))).toMatchObject({ statusCode: 404 });
    // ARM documents the IP's delete-with-VM option for IPs the VM defines itself, not for a standalone NIC's.
    expect((await network.publicIPAddresses.get(rg, 'cascade-pip')).ipConfiguration).toBeUndefined();
    await network.publicIPAddresses.beginDeleteAndWait(rg, 'cascade-pip', pollInterval);
    expect(await rejectionOf(network.publicIPAddresses.get(rg, 'cascade-pip'))).toMatchObject({ statusCode: 404 });
  });

  it('refuses to delete what is in use: NicInUse, PublicIPAddressCannotBeDeleted, an attached disk', async () => {
    const { compute } = clients;
    const rg = sim.resourceGroup;
    const { vm } = await createNode(sim, clients, 'busy', { withPublicIp: true });
    expect(await rejectionOf(deleteNic('busy-nic'))).toMatchObject({ statusCode: 400, code: 'NicInUse' });
    const pipInUse = await rejectionOf(deletePublicIp('busy-pip'));
    expect(pipInUse).toMatchObject({ statusCode: 400, code: 'PublicIPAddressCannotBeDeleted' });
    const diskInUse = await rejectionOf(compute.disks.beginDeleteAndWait(rg, vm.storageProfile?.osDisk?.name as string, pollInterval));
    expect(diskInUse).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
  });

  it('keeps a detached NIC reserved for its deleted VM (NicReservedForAnotherVm) for nicReservationMs', async () => {
    const { compute, network } = clients;
    const rg = sim.resourceGroup;
    const { vm } = await createNode(sim, clients, 'detach', { withPublicIp: true });
    const diskName = vm.storageProfile?.osDisk?.name as string;
    await compute.virtualMachines.beginDeleteAndWait(rg, 'detach', pollInterval);

    const nic = await network.networkInterfaces.get(rg, 'detach-nic');
    expect(nic.virtualMachine).toBeUndefined();
    expect((await compute.disks.get(rg, diskName)).diskState).toBe('Unattached');
    const reserved = await rejectionOf(deleteNic('detach-nic'));
    expect(reserved).toMatchObject({ statusCode: 400, code: 'NicReservedForAnotherVm' });
    expect(reserved.message.toLowerCase()).toContain(`Reserved VM: ${vm.id}`.toLowerCase());

    clock.advance(180_000);
    await deleteNic('detach-nic');
    await deletePublicIp('detach-pip');
    await compute.disks.beginDeleteAndWait(rg, diskName, pollInterval);
    expect(await rejectionOf(network.publicIPAddresses.get(rg, 'detach-pip'))).toMatchObject({ statusCode: 404 });
  });

  it('deletes a resource group with everything in it', async () => {
    const { resources, network } = clients;
    await resources.resourceGroups.createOrUpdate('scratch', { location: sim.location, tags: { purpose: 'test' } });
    await network.publicIPAddresses.beginCreateOrUpdateAndWait('scratch', 'orphan', { location: sim.location }, pollInterval);
    expect((await resources.resourceGroups.get('scratch')).tags).toEqual({ purpose: 'test' });
    await resources.resourceGroups.beginDeleteAndWait('scratch', pollInterval);
    expect(await rejectionOf(network.publicIPAddresses.get('scratch', 'orphan'))).toMatchObject({ statusCode: 404, code: 'ResourceGroupNotFound' });
    expect((await resources.resourceGroups.checkExistence('scratch')).body).toBe(false);
  });
});
