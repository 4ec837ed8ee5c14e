import type { VirtualMachine } from '@azure/arm-compute';
import { isCloudError, TAG, type TimerClock } from '@cloudpool/common';
import type { AdapterLogger } from './adapter-config.js';
import { RETRY_LATER_CODES } from './errors.js';
import { deleteOnceReleased } from './held-resources.js';
import { type ArmResourceRef, type IpVersion, resourceNamesOf, vmOfExternalId } from './names.js';
import type { ArmOperations } from './operations.js';
import type { ArmCollection, AzurePort } from './port.js';

export interface NodeCleanupContext {
  resourceGroup: string;
  port: AzurePort;
  operations: ArmOperations;
  logger: AdapterLogger;
  /** Resolves once the VM is no longer in the shared listing (its deletion and cascade done). */
  untilVmGone(ref: ArmResourceRef): Promise<void>;
  /** The IP versions of the public IPs a node of this pool has (both when the pool is unknown). */
  publicIpVersionsOf(poolName: string | undefined): IpVersion[];
  timers: TimerClock;
}

/**
 * Deletes a node's resources in dependency order. Idempotent: anything already gone counts as
 * deleted.
 *
 * A VM whose NIC and OS disk go with it (`deleteOption: Delete`, as cloudpool makes them) costs
 * its GET and its DELETE; then, once the VM has left the shared listing, one DELETE per public IP
 * of its pool by name. ARM documents the delete-with-VM option of a public IP only for IPs the VM
 * defines itself (`publicIPAddressConfiguration`); on a standalone NIC's reference it may be
 * ignored, and a leaked IP is billed until leak cleanup's `min-age`. A DELETE of an IP that went
 * with the NIC answers 204, so that check costs one call; one still there is deleted to its end,
 * since a retry of the node PUTs an IP of the same name. Otherwise (a node
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
    await context.untilVmGone(vmRef);
    for (const version of context.publicIpVersionsOf(vm.tags?.[TAG.poolName])) {
      // To completion: a retry of the node PUTs an IP of the same name, which ARM refuses while it is being deleted.
      await deleteOnceReleased(context, 'publicIPAddresses', inGroup(names.publicIp(version)));
    }
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
 * Whether ARM deletes the VM's NICs and OS disk with it, and the VM is cloudpool's (it carries the
 * system id tag), so its public IPs have cloudpool's names and are deleted by name afterwards.
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
    return await context.port.getVirtualMachine(ref.resourceGroup, ref.name);
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
