import type { VirtualMachine } from '@azure/arm-compute';
import type { AzureSimulator } from '../../src/azure/index.js';
import { pollInterval, type AzureClients } from './clients.js';

export interface NodeOptions {
  tags?: Record<string, string>;
  vmSize?: string;
  /** deleteOption of NIC, public IP and OS disk; Azure's default is Detach. */
  deleteOption?: 'Delete' | 'Detach';
  withPublicIp?: boolean;
}

/** Creates public IP (optional) and NIC `{name}-pip`/`{name}-nic` the way cloudpool's driver does, waiting for each. */
export async function createNic(sim: AzureSimulator, { network }: AzureClients, name: string, options: NodeOptions = {}) {
  const rg = sim.resourceGroup;
  const tags = options.tags ?? {};
  const pip = options.withPublicIp
    ? await network.publicIPAddresses.beginCreateOrUpdateAndWait(rg, `${name}-pip`, { location: sim.location, tags, sku: { name: 'Standard' } }, pollInterval)
    : undefined;
  return network.networkInterfaces.beginCreateOrUpdateAndWait(rg, `${name}-nic`, {
      location: sim.location,
      tags,
      ipConfigurations: [{
        name: 'ipconfig1',
        subnet: { id: sim.subnetId },
        ...(pip ? { publicIPAddress: { id: pip.id, deleteOption: options.deleteOption ?? 'Detach' } } : {}),
      }],
    }, pollInterval);
}

/** The VM definition cloudpool's driver sends, for a NIC. */
export function vmDefinition(sim: AzureSimulator, name: string, nicId: string, options: NodeOptions = {}): VirtualMachine {
  const deleteOption = options.deleteOption ?? 'Detach';
  return {
    location: sim.location,
    tags: options.tags ?? {},
    hardwareProfile: { vmSize: options.vmSize ?? 'Standard_B2s' },
    storageProfile: {
      imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
      osDisk: { createOption: 'FromImage', deleteOption, managedDisk: { storageAccountType: 'Standard_LRS' } },
    },
    osProfile: { computerName: name, adminUsername: 'zuul', linuxConfiguration: { disablePasswordAuthentication: true } },
    networkProfile: { networkInterfaces: [{ id: nicId, primary: true, deleteOption }] },
  };
}

/** NIC (and public IP) then VM, each awaited to Succeeded. */
export async function createNode(sim: AzureSimulator, clients: AzureClients, name: string, options: NodeOptions = {}) {
  const nic = await createNic(sim, clients, name, options);
  const vm = await clients.compute.virtualMachines.beginCreateOrUpdateAndWait(sim.resourceGroup, name, vmDefinition(sim, name, nic.id as string, options), pollInterval);
  return { nic, vm };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string; response?: { headers: { get(name: string): string | undefined } } }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string; message: string };
  }
  throw new Error('expected the call to fail');
}
