import type { VirtualMachine } from '@azure/arm-compute';
import { type CloudCallQueue, isCloudError } from '@cloudpool/common';
import type { AdapterLogger } from './adapter-config.js';
import { RETRY_LATER_CODES } from './errors.js';
import { type ArmResourceRef, resourceNamesOf, vmOfExternalId } from './names.js';
import type { ArmOperations } from './operations.js';
import type { ArmCollection, AzurePort } from './port.js';

export interface NodeCleanupContext {
  resourceGroup: string;
  port: AzurePort;
  operations: ArmOperations;
  queue: CloudCallQueue;
  logger: AdapterLogger;
}

/**
 * Deletes a node's resources, each to completion and in dependency order: the VM (whose NIC,
 * public IPs and OS disk go with it when it was made with `deleteOption: Delete`, as cloudpool
 * makes them), then by name, in case that cascade did not happen (a node Nodepool made, a
 * half-built node): the NIC, its public IPs, the OS disk (named as the VM says, else cloudpool's
 * name). Anything already gone counts as deleted.
 *
 * Azure keeps a NIC reserved for its deleted VM for a while (`NicReservedForAnotherVm`), and its
 * public IPs in use as long as the NIC exists. That is no failure: this resolves, leaving the NIC
 * and its IPs; they carry the node's tags, so leak cleanup deletes them once the node record is
 * gone and the reservation has passed (or a later cleanup of the same node does).
 */
export async function cleanupNode(context: NodeCleanupContext, externalId: string): Promise<void> {
  const vmRef = vmOfExternalId(externalId, context.resourceGroup);
  const names = resourceNamesOf(vmRef.name);
  const inGroup = (name: string): ArmResourceRef => ({ resourceGroup: vmRef.resourceGroup, name });

  const vm = await existingVm(context, vmRef);
  if (vm) await context.operations.delete('virtualMachines', vmRef);
  if (await deleteUnlessHeld(context, 'networkInterfaces', inGroup(names.nic))) {
    await deleteUnlessHeld(context, 'publicIPAddresses', inGroup(names.publicIp('IPv4')));
    await deleteUnlessHeld(context, 'publicIPAddresses', inGroup(names.publicIp('IPv6')));
  }
  await context.operations.delete('disks', inGroup(vm?.storageProfile?.osDisk?.name ?? names.osDisk));
}

async function existingVm(context: NodeCleanupContext, ref: ArmResourceRef): Promise<VirtualMachine | undefined> {
  try {
    return await context.queue.run({ action: 'virtualMachines.get', kind: 'read' }, () => context.port.getVirtualMachine(ref.resourceGroup, ref.name));
  } catch (error) {
    if (isCloudError(error, 'not-found')) return undefined;
    throw error;
  }
}

/** Deletes a resource; false when Azure still holds it for a while (see `cleanupNode`). */
async function deleteUnlessHeld(context: NodeCleanupContext, collection: ArmCollection, ref: ArmResourceRef): Promise<boolean> {
  try {
    await context.operations.delete(collection, ref);
    return true;
  } catch (error) {
    if (!isCloudError(error) || !RETRY_LATER_CODES.has(error.code ?? '')) throw error;
    context.logger.info({ collection, name: ref.name, code: error.code }, 'left for leak cleanup: Azure still holds it');
    return false;
  }
}
