import { randomUUID } from 'node:crypto';
import { ArmError } from './errors.js';
import { arrayField, objectField, stringField, without, type JsonObject } from './request-fields.js';
import type { ArmContext, PutTarget, ResourceKind } from './resource-kind.js';
import { provisioningState, type Disk, type ResourceLink } from './resource-model.js';

const TYPE = 'Microsoft.Compute/disks';
const SERVER_OWNED = ['provisioningState', 'timeCreated', 'uniqueId', 'diskState', 'diskSizeBytes'];
const DEFAULT_SIZE_GB = 30;

function diskSku(name: string): { name: string; tier: string } {
  const tier = name.startsWith('Premium') ? 'Premium' : name.startsWith('Ultra') ? 'Ultra' : 'Standard';
  return { name, tier };
}

/** Managed disks: made on their own by PUT, or as a VM's OS disk (`createOption: FromImage`). */
export const disks: ResourceKind<Disk> = {
  type: TYPE,
  provider: 'Microsoft.Compute',
  collection: 'disks',

  create(ctx, target, body) {
    const zones = arrayField(body.zones).map(String);
    return {
      type: TYPE,
      ...target,
      tags: {},
      createdAt: ctx.now,
      provisioning: { verb: 'Creating', until: ctx.now },
      uniqueId: randomUUID(),
      sku: diskSku(stringField(objectField(body.sku).name) ?? 'Standard_LRS'),
      properties: without(objectField(body.properties), ...SERVER_OWNED),
      ...(zones.length ? { zones } : {}),
    };
  },

  update(ctx, disk, body) {
    disk.properties = without(objectField(body.properties), ...SERVER_OWNED);
    disk.sku = diskSku(stringField(objectField(body.sku).name) ?? disk.sku.name);
    disk.provisioning = { verb: 'Updating', until: ctx.now };
  },

  checkDelete(_ctx, disk) {
    if (disk.managedBy) {
      throw new ArmError(409, 'OperationNotAllowed', `Disk ${disk.name} is attached to VM ${disk.managedBy.id}.`);
    }
  },

  toArm(disk, now) {
    const sizeGB = typeof disk.properties.diskSizeGB === 'number' ? disk.properties.diskSizeGB : DEFAULT_SIZE_GB;
    return {
      name: disk.name,
      id: disk.id,
      type: TYPE,
      location: disk.location,
      tags: disk.tags,
      ...(disk.zones ? { zones: disk.zones } : {}),
      ...(disk.managedBy ? { managedBy: disk.managedBy.id } : {}),
      sku: disk.sku,
      properties: {
        creationData: { createOption: 'Empty' },
        diskIOPSReadWrite: 120,
        diskMBpsReadWrite: 25,
        encryption: { type: 'EncryptionAtRestWithPlatformKey' },
        networkAccessPolicy: 'AllowAll',
        publicNetworkAccess: 'Enabled',
        ...disk.properties,
        diskSizeGB: sizeGB,
        diskSizeBytes: sizeGB * 1024 ** 3,
        timeCreated: new Date(disk.createdAt).toISOString(),
        provisioningState: provisioningState(disk, now),
        diskState: disk.managedBy ? 'Attached' : 'Unattached',
        uniqueId: disk.uniqueId,
      },
    };
  },
};

/** What a VM create says about its OS disk. */
export interface OsDiskRequest {
  target: PutTarget;
  tags: Record<string, string>;
  storageAccountType: string;
  osType: string;
  sizeGB: number;
  creationData: JsonObject;
  zones?: string[];
  virtualMachine: ResourceLink;
}

/** Creates a VM's OS disk from its image, attached to the VM, and adds it to the store. */
export function createOsDisk(ctx: ArmContext, request: OsDiskRequest): Disk {
  const disk = disks.create(ctx, request.target, {
    sku: { name: request.storageAccountType },
    properties: { osType: request.osType, hyperVGeneration: 'V2', diskSizeGB: request.sizeGB, creationData: request.creationData },
    ...(request.zones ? { zones: request.zones } : {}),
  });
  disk.tags = { ...request.tags };
  disk.managedBy = request.virtualMachine;
  ctx.store.add(disk);
  return disk;
}
