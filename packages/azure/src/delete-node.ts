import type { VirtualMachine } from '@azure/arm-compute';
import { type CloudCallQueue, isCloudError, TAG } from '@cloudpool/common';
import type { AdapterLogger } from './adapter-config.js';
import { RETRY_LATER_CODES } from './errors.js';
import { type ArmResourceRef, resourceNamesOf, vmOfExternalId } from './names.js';
import type { ArmOperations } from './queued-calls.js';
import type { ArmCollection, AzurePort } from './port.js';

export interface NodeCleanupContext {
  resourceGroup: string;
  port: AzurePort;
  operations: ArmOperations;
  queue: CloudCallQueue;
  logger: AdapterLogger;
}

/**
 * Deletes a node's resources in dependency order. Idempotent: anything already gone counts as
 * deleted.
 *
 * A VM whose NIC and OS disk go with it (`deleteOption: Delete`, as cloudpool makes them, the
 * NIC's public IPs likewise) costs two calls: its GET and its DELETE, and this resolves once ARM
 * has accepted the delete; the framework sees the VM go in the shared listing. Otherwise (a node
 * Nodepool made, a half-built node) the VM is deleted to completion, then by name the NIC, its
 * public IPs and the OS disk (named as the VM says, else cloudpool's name).
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
  if (vm && partsGoWith(vm)) {
    await context.operations.startDelete('virtualMachines', vmRef);
    return;
  }
  if (vm) await context.operations.delete('virtualMachines', vmRef);
  if (await deleteUnlessHeld(context, 'networkInterfaces', inGroup(names.nic))) {
    await deleteUnlessHeld(context, 'publicIPAddresses', inGroup(names.publicIp('IPv4')));
    await deleteUnlessHeld(context, 'publicIPAddresses', inGroup(names.publicIp('IPv6')));
  }
  await context.operations.delete('disks', inGroup(vm?.storageProfile?.osDisk?.name ?? names.osDisk));
}

/**
 * Whether ARM deletes the VM's NICs and OS disk with it. The public IPs' own delete option is on
 * the NIC, which the VM does not show: it is taken as set when the VM carries cloudpool's system
 * id tag (cloudpool sets it on every public IP it makes).
 */
function partsGoWith(vm: VirtualMachine): boolean {
  const nics = vm.networkProfile?.networkInterfaces ?? [];
  return (
    vm.tags?.[TAG.systemId] !== undefined &&
    vm.storageProfile?.osDisk?.deleteOption === 'Delete' &&
    nics.length > 0 &&
    nics.every((nic) => nic.deleteOption === 'Delete')
  );
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
