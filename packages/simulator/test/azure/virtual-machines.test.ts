import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureSimulator } from '../../src/azure/index.js';
import { clientsFor, pollInterval, startSimulator, type AzureClients } from './clients.js';
import { createNic, createNode, rejectionOf, vmDefinition } from './fixtures.js';

describe('Azure simulator: virtual machines through the SDKs', () => {
  let sim: AzureSimulator;
  let clients: AzureClients;
  const tags = { nodepool_node_id: '0000000042', nodepool_provider_name: 'azure-east' };

  beforeAll(async () => {
    sim = await startSimulator({ knobs: { azure: { unavailableSizes: ['Standard_F8s_v2'] } } });
    clients = clientsFor(sim);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('creates public IP, NIC and VM with tags on each, and on the OS disk made from the image', async () => {
    const { compute, network } = clients;
    const rg = sim.resourceGroup;
    const { nic, vm } = await createNode(sim, clients, 'node1', { tags, withPublicIp: true, deleteOption: 'Delete' });

    expect(vm.provisioningState).toBe('Succeeded');
    expect(vm.tags).toEqual(tags);
    expect(vm.hardwareProfile?.vmSize).toBe('Standard_B2s');
    expect(vm.networkProfile?.networkInterfaces?.[0]).toMatchObject({ id: nic.id, primary: true, deleteOption: 'Delete' });
    expect(nic.ipConfigurations?.[0]?.privateIPAddress).toMatch(/^10\.0\.\d+\.\d+$/);

    const diskName = vm.storageProfile?.osDisk?.name as string;
    expect(diskName).toMatch(/^node1_OsDisk_1_[0-9a-f]{32}$/);
    const disk = await compute.disks.get(rg, diskName);
    expect(disk.tags).toEqual(tags);
    expect(disk.managedBy?.toLowerCase()).toBe(vm.id?.toLowerCase());
    expect(disk.diskState).toBe('Attached');

    const attached = await network.networkInterfaces.get(rg, 'node1-nic');
    expect(attached.tags).toEqual(tags);
    expect(attached.virtualMachine?.id?.toLowerCase()).toBe(vm.id?.toLowerCase());
    expect(attached.macAddress).toMatch(/^00-0D-3A(-[0-9A-F]{2}){3}$/);
    const pip = await network.publicIPAddresses.get(rg, 'node1-pip');
    expect(pip.tags).toEqual(tags);
    expect(pip.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(pip.ipConfiguration?.id).toBe(`${nic.id}/ipConfigurations/ipconfig1`);
  });

  it('never answers secrets: adminPassword and customData are dropped, userData only on $expand', async () => {
    const nic = await createNic(sim, clients, 'secret1');
    const definition = vmDefinition(sim, 'secret1', nic.id as string);
    definition.osProfile = { ...definition.osProfile, adminPassword: 'Never-shown-1', customData: 'I2Nsb3VkLWNvbmZpZw==' };
    definition.userData = 'dXNlci1kYXRh';
    const vm = await clients.compute.virtualMachines.beginCreateOrUpdateAndWait(sim.resourceGroup, 'secret1', definition, pollInterval);
    expect(vm.osProfile?.adminPassword).toBeUndefined();
    expect(vm.osProfile?.customData).toBeUndefined();
    expect(vm.userData).toBeUndefined();
    const expanded = await clients.compute.virtualMachines.get(sim.resourceGroup, 'secret1', { expand: 'userData' });
    expect(expanded.userData).toBe('dXNlci1kYXRh');
  });

  it('answers a create-only PUT (If-None-Match: *) on an existing name with 412 PreconditionFailed and changes nothing', async () => {
    const { compute, network } = clients;
    const rg = sim.resourceGroup;
    const { nic, vm } = await createNode(sim, clients, 'taken', { tags });
    const definition = { ...vmDefinition(sim, 'taken', nic.id as string), tags: { owner: 'intruder' } };
    const refused = await rejectionOf(compute.virtualMachines.beginCreateOrUpdateAndWait(rg, 'taken', definition, { ...pollInterval, ifNoneMatch: '*' }));
    expect(refused).toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    const nicRefused = await rejectionOf(
      network.networkInterfaces.beginCreateOrUpdateAndWait(rg, 'taken-nic', { location: nic.location, tags: { owner: 'intruder' }, ipConfigurations: nic.ipConfigurations }, {
        requestOptions: { headers: { 'if-none-match': '*' } },
      }),
    );
    expect(nicRefused).toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    expect((await compute.virtualMachines.get(rg, 'taken')).tags).toEqual(vm.tags);
    expect((await network.networkInterfaces.get(rg, 'taken-nic')).tags).toEqual(tags);
    const fresh = await compute.virtualMachines.beginCreateOrUpdateAndWait(rg, 'fresh', vmDefinition(sim, 'fresh', (await createNic(sim, clients, 'fresh')).id as string), {
      ...pollInterval,
      ifNoneMatch: '*',
    });
    expect(fresh.provisioningState).toBe('Succeeded');
  });

  it('treats a PUT of an existing name as an update: no duplicate, new tags', async () => {
    const { compute } = clients;
    const rg = sim.resourceGroup;
    const nic = await createNic(sim, clients, 'again', { tags });
    const definition = vmDefinition(sim, 'again', nic.id as string, { tags });
    const first = await compute.virtualMachines.beginCreateOrUpdateAndWait(rg, 'again', definition, pollInterval);
    const second = await compute.virtualMachines.beginCreateOrUpdateAndWait(rg, 'again', { ...definition, tags: { ...tags, retried: 'yes' } }, pollInterval);
    expect(second.id).toBe(first.id);
    expect(second.vmId).toBe(first.vmId);
    expect(second.tags).toEqual({ ...tags, retried: 'yes' });
    const named: string[] = [];
    for await (const vm of compute.virtualMachines.list(rg)) if (vm.name === 'again') named.push(vm.id as string);
    expect(named).toHaveLength(1);
    const disks: string[] = [];
    for await (const disk of compute.disks.listByResourceGroup(rg)) if (disk.managedBy?.toLowerCase() === first.id?.toLowerCase()) disks.push(disk.name as string);
    expect(disks).toHaveLength(1);

    const nicAgain = await createNic(sim, clients, 'again', { tags: { updated: 'yes' } });
    expect(nicAgain.id).toBe(nic.id);
    expect(nicAgain.ipConfigurations?.[0]?.privateIPAddress).toBe(nic.ipConfigurations?.[0]?.privateIPAddress);
    expect(nicAgain.tags).toEqual({ updated: 'yes' });
  });

  it('refuses an unknown size with InvalidParameter and a restricted one with SkuNotAvailable', async () => {
    const nic = await createNic(sim, clients, 'sizes');
    const rg = sim.resourceGroup;
    const unknown = await rejectionOf(clients.compute.virtualMachines.beginCreateOrUpdateAndWait(rg, 'sizes',
      vmDefinition(sim, 'sizes', nic.id as string, { vmSize: 'Standard_Z9000' }), pollInterval));
    expect(unknown).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    expect(unknown.message).toContain('The requested VM size Standard_Z9000 is not available in the current region');

    const restricted = await rejectionOf(clients.compute.virtualMachines.beginCreateOrUpdateAndWait(rg, 'sizes',
      vmDefinition(sim, 'sizes', nic.id as string, { vmSize: 'Standard_F8s_v2' }), pollInterval));
    expect(restricted).toMatchObject({ statusCode: 409, code: 'SkuNotAvailable' });
  });

  it('refuses a VM whose NIC does not exist, and a NIC whose public IP does not exist', async () => {
    const rg = sim.resourceGroup;
    const missingNic = `/subscriptions/${sim.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/networkInterfaces/ghost-nic`;
    const noNic = await rejectionOf(clients.compute.virtualMachines.beginCreateOrUpdateAndWait(rg, 'ghost', vmDefinition(sim, 'ghost', missingNic), pollInterval));
    expect(noNic).toMatchObject({ statusCode: 404, code: 'NotFound' });

    const missingPip = `/subscriptions/${sim.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPAddresses/ghost-pip`;
    const noPip = await rejectionOf(clients.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, 'ghost-nic', {
        location: sim.location,
        ipConfigurations: [{ name: 'ipconfig1', subnet: { id: sim.subnetId }, publicIPAddress: { id: missingPip } }],
      }, pollInterval));
    expect(noPip).toMatchObject({ statusCode: 400, code: 'InvalidResourceReference' });
  });

  it('refuses to attach a NIC that another VM uses', async () => {
    const { nic } = await createNode(sim, clients, 'owner');
    const thief = await rejectionOf(clients.compute.virtualMachines.beginCreateOrUpdateAndWait(sim.resourceGroup, 'thief',
      vmDefinition(sim, 'thief', nic.id as string), pollInterval));
    expect(thief).toMatchObject({ statusCode: 400, code: 'NicInUse' });
  });

  it('answers the default subnet and a missing resource as ARM does', async () => {
    const subnet = await clients.network.subnets.get(sim.resourceGroup, `${sim.resourceGroup}-vnet`, 'default');
    expect(subnet.id).toBe(sim.subnetId);
    expect(subnet.addressPrefix).toBe('10.0.0.0/16');
    const missing = await rejectionOf(clients.compute.virtualMachines.get(sim.resourceGroup, 'nobody'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    const noGroup = await rejectionOf(clients.compute.virtualMachines.get('no-such-group', 'nobody'));
    expect(noGroup).toMatchObject({ statusCode: 404, code: 'ResourceGroupNotFound' });
  });
});
