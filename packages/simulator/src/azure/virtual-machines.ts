import { randomUUID } from 'node:crypto';
import { findVmSize, isVmSizeUnavailable, VM_SIZES, type VmSize } from './compute-catalog.js';
import { createOsDisk } from './disks.js';
import { ArmError, armErrors, type ArmErrorBody } from './errors.js';
import { imageOsType } from './images.js';
import { attachToVirtualMachine, releaseFromVirtualMachine, reservationError, reserveFor } from './network-interfaces.js';
import { arrayField, choiceOf, fieldOf, objectField, stringField, tagsField, without, type JsonObject } from './request-fields.js';
import type { ArmContext, PutTarget, ResourceKind } from './resource-kind.js';
import { provisioningState, type DeleteOption, type NetworkInterface, type VirtualMachine } from './resource-model.js';

const TYPE = 'Microsoft.Compute/virtualMachines';
const SERVER_OWNED = ['provisioningState', 'vmId', 'timeCreated', 'instanceView', 'networkProfile'];
const DEFAULT_OS_DISK_GB = 30;

const CANCELED: ArmErrorBody = {
  code: 'OperationCanceled',
  message: 'The operation was canceled.',
};

const ALLOCATION_FAILED: ArmErrorBody = {
  code: 'AllocationFailed',
  message: 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance',
};

/** The size a VM request asks for, if Azure would accept it. */
function requestedSize(ctx: ArmContext, target: PutTarget, properties: JsonObject): VmSize {
  const name = stringField(fieldOf(objectField(fieldOf(properties, 'hardwareProfile')), 'vmSize'));
  if (!name) throw armErrors.invalidParameter("Required parameter 'hardwareProfile.vmSize' is missing (null).", 'hardwareProfile.vmSize');
  const vmSize = findVmSize(name);
  if (!vmSize) {
    throw armErrors.invalidParameter(
      `The requested VM size ${name} is not available in the current region. The sizes available in the current region are: ${VM_SIZES.map((s) => s.name).join(', ')}.\r\nFind out more on the available VM sizes in each region at https://aka.ms/azure-regions.`,
      'vmSize');
  }
  if (isVmSizeUnavailable(vmSize, ctx.azure.unavailableSizes)) {
    throw new ArmError(409, 'SkuNotAvailable',
      `The requested size for resource '${target.id}' is currently not available in location '${target.location}' zones '' for subscription '${ctx.subscriptionId}'. Please try another size or deploy to a different location or zones. See https://aka.ms/azureskunotavailable for details.`);
  }
  return vmSize;
}

interface RequestedNic {
  nic: NetworkInterface;
  primary: boolean;
  deleteOption: DeleteOption;
}

/** The NICs a VM request names: each must exist, be free (not on another VM, not reserved for another). */
function requestedNics(ctx: ArmContext, target: PutTarget, properties: JsonObject): RequestedNic[] {
  const references = arrayField(fieldOf(objectField(fieldOf(properties, 'networkProfile')), 'networkInterfaces'));
  if (references.length === 0) throw armErrors.invalidParameter("Required parameter 'networkProfile' is missing (null).", 'networkProfile');
  return references.map((value, index) => {
    const reference = objectField(value);
    const id = stringField(reference.id) ?? '';
    const nic = ctx.store.find(id, 'Microsoft.Network/networkInterfaces');
    if (!nic || nic.deletingUntil !== undefined) throw new ArmError(404, 'NotFound', `Resource ${id} not found.`);
    if (nic.virtualMachine && nic.virtualMachine.key !== target.key) {
      throw new ArmError(400, 'NicInUse', `Network Interface ${nic.id} is used by existing resource ${nic.virtualMachine.id}.`);
    }
    const reserved = nic.reservation?.vmId.toLowerCase() === target.key ? undefined : reservationError(nic, ctx.now);
    if (reserved) throw reserved;
    const referenceProperties = objectField(reference.properties);
    return {
      nic,
      primary: typeof referenceProperties.primary === 'boolean' ? referenceProperties.primary : index === 0,
      deleteOption: choiceOf(referenceProperties, 'deleteOption', ['Delete', 'Detach'] as const) ?? 'Detach',
    };
  });
}

/** Checks the image a VM boots from: a managed image of this subscription must exist; marketplace and gallery images are taken as given. */
function imageOsTypeOf(ctx: ArmContext, target: PutTarget, storageProfile: JsonObject): string | undefined {
  const reference = objectField(fieldOf(storageProfile, 'imageReference'));
  const id = stringField(reference.id);
  if (!id || !/\/providers\/Microsoft\.Compute\/images\//i.test(id)) return undefined;
  const image = ctx.store.find(id, 'Microsoft.Compute/images');
  if (!image || image.deletingUntil !== undefined) {
    throw new ArmError(404, 'NotFound', `The Image '${id}' cannot be found in '${target.location}' region.`);
  }
  return imageOsType(image);
}

/** The request's properties as kept: secrets out (never answered), OS disk and NICs kept apart. */
function keptProperties(properties: JsonObject): JsonObject {
  const kept = without(properties, ...SERVER_OWNED);
  const osProfile = fieldOf(properties, 'osProfile');
  if (osProfile !== undefined) kept.osProfile = without(objectField(osProfile), 'adminPassword', 'customData');
  const storageProfile = fieldOf(properties, 'storageProfile');
  if (storageProfile !== undefined) kept.storageProfile = without(objectField(storageProfile), 'osDisk');
  return kept;
}

/**
 * Runs the checks that refuse a VM for want of capacity or quota. Azure keeps the NICs such a
 * request named reserved for the refused VM for `nicReservationMs` (deleting them meanwhile fails
 * with `NicReservedForAnotherVm`), so the simulator reserves them too before answering the refusal.
 */
function reservingNicsOnRefusal<T>(ctx: ArmContext, target: PutTarget, nics: RequestedNic[], check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ArmError && error.status === 409) {
      for (const { nic } of nics) reserveFor(ctx, nic, target.id);
    }
    throw error;
  }
}

function createVirtualMachine(ctx: ArmContext, target: PutTarget, body: JsonObject): VirtualMachine {
  const properties = objectField(body.properties);
  const nics = requestedNics(ctx, target, properties);
  const vmSize = reservingNicsOnRefusal(ctx, target, nics, () => requestedSize(ctx, target, properties));
  const storageProfile = objectField(fieldOf(properties, 'storageProfile'));
  const osDiskRequest = objectField(fieldOf(storageProfile, 'osDisk'));
  const createOption = stringField(fieldOf(osDiskRequest, 'createOption')) ?? 'FromImage';
  if (createOption.toLowerCase() !== 'fromimage') {
    throw armErrors.invalidParameter(`The simulator creates OS disks from images only; createOption '${createOption}' is not supported.`, 'osDisk.createOption');
  }
  const osType = stringField(osDiskRequest.osType) ?? imageOsTypeOf(ctx, target, storageProfile)
    ?? (fieldOf(objectField(fieldOf(properties, 'osProfile')), 'windowsConfiguration') ? 'Windows' : 'Linux');
  const diskName = stringField(osDiskRequest.name) ?? `${target.name}_OsDisk_1_${randomUUID().replace(/-/g, '')}`;
  const diskId = `/subscriptions/${ctx.subscriptionId}/resourceGroups/${target.resourceGroup}/providers/Microsoft.Compute/disks/${diskName}`;
  if (ctx.store.get(diskId.toLowerCase())) {
    throw new ArmError(409, 'ConflictingUserInput', `Disk ${diskName} already exists in resource group ${target.resourceGroup.toUpperCase()}. Only CreateOption.Attach is supported.`);
  }
  reservingNicsOnRefusal(ctx, target, nics, () => ctx.usage.checkRoomFor(target.location, vmSize, ctx.knobs.quotas));

  const zones = arrayField(body.zones).map(String);
  const storageAccountType = stringField(objectField(osDiskRequest.managedDisk).storageAccountType) ?? (vmSize.premiumIO ? 'Premium_LRS' : 'Standard_LRS');
  const sizeGB = typeof osDiskRequest.diskSizeGB === 'number' ? osDiskRequest.diskSizeGB : DEFAULT_OS_DISK_GB;
  const disk = createOsDisk(ctx, {
    target: { id: diskId, key: diskId.toLowerCase(), name: diskName, resourceGroup: target.resourceGroup, location: target.location },
    tags: tagsField(body.tags),
    storageAccountType,
    osType,
    sizeGB,
    creationData: { createOption: 'FromImage', imageReference: objectField(fieldOf(storageProfile, 'imageReference')) },
    ...(zones.length ? { zones } : {}),
    virtualMachine: { key: target.key, id: target.id },
  });
  for (const { nic } of nics) attachToVirtualMachine(ctx, nic, target.key, target.id);
  ctx.usage.add(target.location, vmSize);
  const fails = ctx.azure.asyncAllocationFailureRatio > 0 && ctx.random() < ctx.azure.asyncAllocationFailureRatio;
  const canceled = !fails && ctx.azure.asyncCancelRatio > 0 && ctx.random() < ctx.azure.asyncCancelRatio;
  const outcome = fails ? { failure: ALLOCATION_FAILED } : canceled ? { failure: CANCELED, canceled: true } : {};
  if (!fails && !canceled) ctx.ssh?.boot(target.key, ctx.now + ctx.knobs.bootTimeMs, () => vmAddresses(ctx, nics.map(({ nic }) => nic)));
  return {
    type: TYPE,
    ...target,
    tags: {},
    createdAt: ctx.now,
    provisioning: { verb: 'Creating', until: ctx.now + ctx.knobs.bootTimeMs, ...outcome },
    vmId: randomUUID(),
    size: vmSize,
    properties: keptProperties(properties),
    ...(zones.length ? { zones } : {}),
    networkInterfaces: nics.map(({ nic, primary, deleteOption }) => ({ key: nic.key, id: nic.id, primary, deleteOption })),
    osDisk: {
      key: disk.key,
      id: disk.id,
      name: diskName,
      deleteOption: choiceOf(osDiskRequest, 'deleteOption', ['Delete', 'Detach'] as const) ?? 'Detach',
      details: {
        ...without(osDiskRequest, 'name', 'managedDisk', 'deleteOption', 'createOption', 'osType', 'diskSizeGB'),
        osType,
        createOption: 'FromImage',
        caching: stringField(osDiskRequest.caching) ?? 'ReadWrite',
        managedDisk: { storageAccountType, id: disk.id },
        diskSizeGB: sizeGB,
      },
    },
  };
}

/** A VM's IPv4 addresses: its NICs' private ones and the public IPs on them. */
function vmAddresses(ctx: ArmContext, nics: NetworkInterface[]): string[] {
  return nics.flatMap((nic) =>
    nic.ipConfigurations.flatMap((configuration) => {
      const address = configuration.publicIp && ctx.store.find(configuration.publicIp.id, 'Microsoft.Network/publicIPAddresses');
      return [configuration.privateIpAddress, ...(address?.ipAddress ? [address.ipAddress] : [])];
    }),
  );
}

/**
 * A PUT on an existing VM (often the retry of a create): new tags and properties; a new size is
 * checked against availability and quota. Its NICs and OS disk stay as created. A failed VM is
 * provisioned again.
 */
function updateVirtualMachine(ctx: ArmContext, vm: VirtualMachine, body: JsonObject): void {
  const properties = objectField(body.properties);
  const vmSize = requestedSize(ctx, vm, properties);
  if (vmSize !== vm.size) {
    ctx.usage.add(vm.location, vm.size, -1);
    try {
      ctx.usage.checkRoomFor(vm.location, vmSize, ctx.knobs.quotas);
    } catch (error) {
      ctx.usage.add(vm.location, vm.size);
      throw error;
    }
    ctx.usage.add(vm.location, vmSize);
    vm.size = vmSize;
  }
  vm.properties = keptProperties(properties);
  if (ctx.now >= vm.provisioning.until) {
    vm.provisioning = { verb: 'Updating', until: ctx.now + (vm.provisioning.failure ? ctx.knobs.bootTimeMs : 0) };
  }
}

/**
 * An id as Microsoft.Compute spells it in reads: the resource group upper-cased (ARM ids are
 * case-insensitive, and Compute keeps the group's name as it stores it, not as it was asked).
 * A PUT's answer echoes the request's spelling instead (see ResourceManager).
 */
export function computeSpelling(id: string): string {
  return id.replace(/\/resourceGroups\/([^/]+)\//i, (_match, group: string) => `/resourceGroups/${group.toUpperCase()}/`);
}

function instanceView(vm: VirtualMachine, now: number): JsonObject {
  const state = provisioningState(vm, now);
  const time = new Date(now < vm.provisioning.until ? vm.createdAt : vm.provisioning.until).toISOString();
  const power = { Creating: 'starting', Updating: 'running', Succeeded: 'running', Failed: 'stopped', Deleting: 'deallocating' }[state] ?? 'unknown';
  const computerName = objectField(vm.properties.osProfile).computerName;
  return {
    ...(typeof computerName === 'string' ? { computerName } : {}),
    statuses: [
      state === 'Failed'
        ? { code: `ProvisioningState/failed/${vm.provisioning.failure?.code ?? 'Failed'}`, level: 'Error', displayStatus: 'Provisioning failed', message: vm.provisioning.failure?.message, time }
        : { code: `ProvisioningState/${state.toLowerCase()}`, level: 'Info', displayStatus: `Provisioning ${state === 'Succeeded' ? 'succeeded' : state.toLowerCase()}`, time },
      { code: `PowerState/${power}`, level: 'Info', displayStatus: `VM ${power}` },
    ],
  };
}

/** Virtual machines: NICs and an OS disk made from an image, sizes and quotas, async provisioning. */
export const virtualMachines: ResourceKind<VirtualMachine> = {
  type: TYPE,
  provider: 'Microsoft.Compute',
  collection: 'virtualMachines',
  create: createVirtualMachine,
  update: updateVirtualMachine,

  onRemoved(ctx, vm, at) {
    ctx.ssh?.remove(vm.key);
    ctx.usage.add(vm.location, vm.size, -1);
    for (const link of vm.networkInterfaces) {
      const nic = ctx.store.find(link.id, 'Microsoft.Network/networkInterfaces');
      if (nic?.virtualMachine?.key === vm.key) releaseFromVirtualMachine(ctx, nic, link.deleteOption, at);
    }
    const disk = ctx.store.find(vm.osDisk.id, 'Microsoft.Compute/disks');
    if (disk?.managedBy?.key !== vm.key) return;
    if (vm.osDisk.deleteOption === 'Delete') ctx.remove(disk, at);
    else delete disk.managedBy;
  },

  toArm(vm, now, query) {
    const expand = (query.get('$expand') ?? '').toLowerCase();
    const { userData, ...properties } = vm.properties;
    return {
      name: vm.name,
      id: computeSpelling(vm.id),
      type: TYPE,
      location: vm.location,
      tags: vm.tags,
      ...(vm.zones ? { zones: vm.zones } : {}),
      properties: {
        ...properties,
        vmId: vm.vmId,
        hardwareProfile: { ...objectField(properties.hardwareProfile), vmSize: vm.size.name },
        storageProfile: {
          dataDisks: [],
          ...objectField(properties.storageProfile),
          osDisk: { ...vm.osDisk.details, name: vm.osDisk.name, deleteOption: vm.osDisk.deleteOption },
        },
        networkProfile: {
          networkInterfaces: vm.networkInterfaces.map((nic) => ({ id: nic.id, properties: { primary: nic.primary, deleteOption: nic.deleteOption } })),
        },
        provisioningState: provisioningState(vm, now),
        timeCreated: new Date(vm.createdAt).toISOString(),
        ...(expand.includes('userdata') && userData !== undefined ? { userData } : {}),
        ...(expand.includes('instanceview') || query.get('statusOnly') === 'true' ? { instanceView: instanceView(vm, now) } : {}),
      },
    };
  },
};
