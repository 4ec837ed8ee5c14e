import type { ArmResourceType, DeleteOption } from './resource-model.js';
import type { ArmContext } from './resource-kind.js';
import { kindOf } from './resource-kind-registry.js';
import type { ResourceManager } from './resource-manager.js';
import type { JsonObject } from './request-fields.js';

/** One kind of resource to plant, `count` times (names get a counter suffix when several). */
export interface SeedSpec {
  name?: string;
  count?: number;
  resourceGroup?: string;
  location?: string;
  tags?: Record<string, string>;
}

export interface SeedVirtualMachineSpec extends SeedSpec {
  vmSize?: string;
  /** deleteOption of the VM's NIC and OS disk (default `Delete`, so deleting the VM cleans up). */
  deleteOption?: DeleteOption;
}

/** The body of `POST /__sim/seed`: resources that exist before cloudpool looks (foreign or leaked ones). */
export interface AzureSeedBody {
  resourceGroups?: Array<{ name: string; location?: string; tags?: Record<string, string> }>;
  virtualMachines?: SeedVirtualMachineSpec[];
  networkInterfaces?: SeedSpec[];
  publicIPAddresses?: SeedSpec[];
  disks?: SeedSpec[];
  images?: SeedSpec[];
}

/** The ARM ids of what was planted, by collection. */
export interface AzureSeedResult {
  resourceGroups: string[];
  virtualMachines: string[];
  networkInterfaces: string[];
  publicIPAddresses: string[];
  disks: string[];
  images: string[];
}

export interface SeedDefaults {
  resourceGroup: string;
  location: string;
  subnetId: string;
}

/**
 * Plants resources directly in the state, already provisioned and without the call gate,
 * quotas or faults. A seeded VM comes with its NIC (`{vm}-nic`, in the default subnet) and OS
 * disk, all with the VM's tags.
 */
export class Seeder {
  private planted = 0;

  constructor(private readonly arm: ResourceManager, private readonly defaults: () => SeedDefaults) {}

  seed(body: AzureSeedBody): AzureSeedResult {
    const ctx = this.unrestrictedContext();
    const defaults = this.defaults();
    const result: AzureSeedResult = { resourceGroups: [], virtualMachines: [], networkInterfaces: [], publicIPAddresses: [], disks: [], images: [] };
    for (const group of body.resourceGroups ?? []) {
      result.resourceGroups.push(this.arm.createOrUpdateGroup(group.name, { location: group.location ?? defaults.location, tags: group.tags ?? {} }).group.id);
    }
    for (const spec of body.virtualMachines ?? []) result.virtualMachines.push(...this.plantVirtualMachines(ctx, spec));
    for (const spec of body.networkInterfaces ?? []) {
      result.networkInterfaces.push(...this.plant(ctx, 'Microsoft.Network/networkInterfaces', 'nic', spec, () => this.nicBody()));
    }
    for (const spec of body.publicIPAddresses ?? []) {
      result.publicIPAddresses.push(...this.plant(ctx, 'Microsoft.Network/publicIPAddresses', 'pip', spec, () => ({ sku: { name: 'Standard' }, properties: {} })));
    }
    for (const spec of body.disks ?? []) {
      result.disks.push(...this.plant(ctx, 'Microsoft.Compute/disks', 'disk', spec, () => ({ sku: { name: 'Standard_LRS' }, properties: { creationData: { createOption: 'Empty' }, diskSizeGB: 30 } })));
    }
    for (const spec of body.images ?? []) {
      result.images.push(...this.plant(ctx, 'Microsoft.Compute/images', 'image', spec, () => ({
        properties: { hyperVGeneration: 'V2', storageProfile: { osDisk: { osType: 'Linux', osState: 'Generalized' } } },
      })));
    }
    return result;
  }

  /** Plants running VMs (each with NIC and OS disk); returns their ids. */
  virtualMachines(spec: SeedVirtualMachineSpec): string[] {
    return this.plantVirtualMachines(this.unrestrictedContext(), spec);
  }

  private plantVirtualMachines(ctx: ArmContext, spec: SeedVirtualMachineSpec): string[] {
    const deleteOption = spec.deleteOption ?? 'Delete';
    return this.names(spec, 'vm').map((name) => {
      const [nicId] = this.plant(ctx, 'Microsoft.Network/networkInterfaces', 'nic', { ...spec, name: `${name}-nic`, count: 1 }, () => this.nicBody());
      const [vmId] = this.plant(ctx, 'Microsoft.Compute/virtualMachines', 'vm', { ...spec, name, count: 1 }, () => ({
        properties: {
          hardwareProfile: { vmSize: spec.vmSize ?? 'Standard_B1s' },
          storageProfile: {
            imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
            osDisk: { createOption: 'FromImage', deleteOption },
          },
          osProfile: { computerName: name, adminUsername: 'zuul' },
          networkProfile: { networkInterfaces: [{ id: nicId, properties: { primary: true, deleteOption } }] },
        },
      }));
      return vmId as string;
    });
  }

  /** A context that lets seeds past quotas, restricted sizes and allocation failures. */
  private unrestrictedContext(): ArmContext {
    const ctx = this.arm.context();
    return {
      ...ctx,
      knobs: { ...ctx.knobs, quotas: {} },
      azure: { ...ctx.azure, unavailableSizes: [], asyncAllocationFailureRatio: 0 },
    };
  }

  private plant(ctx: ArmContext, type: ArmResourceType, prefix: string, spec: SeedSpec, body: () => JsonObject): string[] {
    const defaults = this.defaults();
    return this.names(spec, prefix).map((name) => {
      const { resource } = this.arm.createOrUpdate(ctx, kindOf(type), spec.resourceGroup ?? defaults.resourceGroup, name, {
        ...body(),
        location: spec.location ?? defaults.location,
        tags: spec.tags ?? {},
      });
      resource.provisioning = { verb: resource.provisioning.verb, until: ctx.now };
      return resource.id;
    });
  }

  private names(spec: SeedSpec, prefix: string): string[] {
    const count = spec.count ?? 1;
    return Array.from({ length: count }, (_, index) => {
      this.planted += 1;
      if (spec.name) return count === 1 ? spec.name : `${spec.name}-${index + 1}`;
      return `seed-${prefix}-${String(this.planted).padStart(6, '0')}`;
    });
  }

  private nicBody(): JsonObject {
    return { properties: { ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: this.defaults().subnetId } } }] } };
  }
}
