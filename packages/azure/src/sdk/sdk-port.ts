import type { Image, InstanceViewStatus, ResourceSku, Usage, VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface, PublicIPAddress, Subnet, Usage as NetworkUsage } from '@azure/arm-network';
import type { GenericResourceExpanded } from '@azure/arm-resources';
import { mapped } from '../errors.js';
import type { ApiCallKind, CloudCallQueue } from '@cloudpool/common';
import type { ArmAcceptance, ArmCollection, AzurePort, ProvisioningSnapshot } from '../port.js';
import type { ArmClients } from './client-registry.js';
import { acceptanceOf, initialRequest } from './initial-requests.js';
import { pacedOperation } from './paced-requests.js';

/** Every item of an SDK list, page after page (each page one request, following `nextLink`), through the SDK's pager. */
async function allItems<T>(list: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of list) items.push(item);
  return items;
}

/** The code and message of a failed VM provisioning, from its instance view (`ProvisioningState/failed/<code>`). */
function provisioningFailure(statuses: InstanceViewStatus[] | undefined): ProvisioningSnapshot['failure'] {
  const failed = statuses?.find((status) => status.code?.startsWith('ProvisioningState/failed'));
  if (!failed?.code) return undefined;
  return { code: failed.code.split('/')[2] ?? 'Failed', message: failed.message ?? failed.displayStatus ?? 'provisioning failed' };
}

/** The AzurePort over the official SDK clients of one connection, each request paced on the provider's `queue`. */
export class SdkAzurePort implements AzurePort {
  constructor(
    private readonly clients: ArmClients,
    private readonly queue: CloudCallQueue,
    /** Gives the client set back to its registry. */
    private readonly onClose: () => void = () => undefined,
  ) {}

  close(): void {
    this.onClose();
  }

  get subscriptionId(): string {
    return this.clients.subscriptionId;
  }

  resourceGroupExists(resourceGroup: string): Promise<boolean> {
    return this.run('resourceGroups.checkExistence', 'read', async () => (await this.clients.resources.resourceGroups.checkExistence(resourceGroup)).body);
  }

  createResourceGroup(resourceGroup: string, location: string): Promise<void> {
    return this.run('resourceGroups.createOrUpdate', 'write', async () => {
      await this.clients.resources.resourceGroups.createOrUpdate(resourceGroup, { location });
    });
  }

  putPublicIpAddress(resourceGroup: string, name: string, body: PublicIPAddress): Promise<ArmAcceptance> {
    return this.run('publicIPAddresses.createOrUpdate', 'write', async () => {
      const answer = await initialRequest((onResponse) =>
        this.clients.network.publicIPAddresses.createOrUpdate(resourceGroup, name, body, createOnly({ onResponse })),
      );
      return acceptanceOf(answer);
    });
  }

  putNetworkInterface(resourceGroup: string, name: string, body: NetworkInterface): Promise<ArmAcceptance> {
    return this.run('networkInterfaces.createOrUpdate', 'write', async () => {
      const answer = await initialRequest((onResponse) =>
        this.clients.network.networkInterfaces.createOrUpdate(resourceGroup, name, body, createOnly({ onResponse })),
      );
      return acceptanceOf(answer);
    });
  }

  putVirtualMachine(resourceGroup: string, name: string, body: VirtualMachine): Promise<ArmAcceptance> {
    return this.run('virtualMachines.createOrUpdate', 'write', async () => {
      const answer = await initialRequest((onResponse) =>
        this.clients.compute.virtualMachines.createOrUpdate(resourceGroup, name, body, { onResponse, ifNoneMatch: '*' }),
      );
      return acceptanceOf(answer);
    });
  }

  deleteResource(collection: ArmCollection, resourceGroup: string, name: string): Promise<ArmAcceptance> {
    return this.run(`${collection}.delete`, 'write', async () => {
      const { compute, network } = this.clients;
      switch (collection) {
        case 'virtualMachines':
          return initialRequest((onResponse) => compute.virtualMachines.delete(resourceGroup, name, { onResponse }));
        case 'disks':
          return initialRequest((onResponse) => compute.disks.delete(resourceGroup, name, { onResponse }));
        case 'images':
          return initialRequest((onResponse) => compute.images.delete(resourceGroup, name, { onResponse }));
        case 'networkInterfaces':
          return initialRequest((onResponse) => network.networkInterfaces.delete(resourceGroup, name, { onResponse }));
        case 'publicIPAddresses':
          return initialRequest((onResponse) => network.publicIPAddresses.delete(resourceGroup, name, { onResponse }));
      }
    }).then((answer) => ({ status: answer.status }));
  }

  readProvisioning(collection: ArmCollection, resourceGroup: string, name: string): Promise<ProvisioningSnapshot> {
    return this.run(`${collection}.get`, 'read', async () => {
      const { compute, network } = this.clients;
      switch (collection) {
        case 'virtualMachines': {
          const vm = await compute.virtualMachines.get(resourceGroup, name, { expand: 'instanceView' });
          const failure = provisioningFailure(vm.instanceView?.statuses);
          return { ...snapshotOf(vm), ...(failure ? { failure } : {}) };
        }
        case 'disks':
          return snapshotOf(await compute.disks.get(resourceGroup, name));
        case 'images':
          return snapshotOf(await compute.images.get(resourceGroup, name));
        case 'networkInterfaces':
          return snapshotOf(await network.networkInterfaces.get(resourceGroup, name));
        case 'publicIPAddresses':
          return snapshotOf(await network.publicIPAddresses.get(resourceGroup, name));
      }
    });
  }

  getVirtualMachine(resourceGroup: string, name: string): Promise<VirtualMachine> {
    return this.run('virtualMachines.get', 'read', () => this.clients.compute.virtualMachines.get(resourceGroup, name));
  }

  getSubnet(resourceGroup: string, network: string, name: string): Promise<Subnet> {
    return this.run('subnets.get', 'read', () => this.clients.network.subnets.get(resourceGroup, network, name));
  }

  listVirtualMachines(resourceGroup: string): Promise<VirtualMachine[]> {
    return this.list('virtualMachines.list', () => this.clients.compute.virtualMachines.list(resourceGroup));
  }

  listNetworkInterfaces(resourceGroup: string): Promise<NetworkInterface[]> {
    return this.list('networkInterfaces.list', () => this.clients.network.networkInterfaces.list(resourceGroup));
  }

  listPublicIpAddresses(resourceGroup: string): Promise<PublicIPAddress[]> {
    return this.list('publicIPAddresses.list', () => this.clients.network.publicIPAddresses.list(resourceGroup));
  }

  listImages(resourceGroup: string): Promise<Image[]> {
    return this.list('images.list', () => this.clients.compute.images.listByResourceGroup(resourceGroup));
  }

  listResources(resourceGroup: string): Promise<GenericResourceExpanded[]> {
    return this.list('resources.list', () => this.clients.resources.resources.listByResourceGroup(resourceGroup, { expand: 'createdTime' }));
  }

  listUsages(location: string): Promise<Usage[]> {
    return this.list('usage.list', () => this.clients.compute.usage.list(location));
  }

  listNetworkUsages(location: string): Promise<NetworkUsage[]> {
    return this.list('networkUsages.list', () => this.clients.network.usages.list(location));
  }

  listVirtualMachineSkus(location: string): Promise<ResourceSku[]> {
    return this.list('resourceSkus.list', () => this.clients.compute.resourceSkus.list({ filter: `location eq '${location}'` }));
  }

  /** One port operation: its requests paced as `action` (see paced-requests.ts), what it throws mapped once. */
  private run<T>(action: string, kind: ApiCallKind, operation: () => Promise<T>): Promise<T> {
    return mapped(action, () => pacedOperation({ queue: this.queue, action, kind }, operation));
  }

  private list<T>(action: string, list: () => AsyncIterable<T>): Promise<T[]> {
    return this.run(action, 'read', () => allItems(list()));
  }
}

/** arm-network's options with `If-None-Match: *` (its create operations have no option of their own for it). */
function createOnly<T extends object>(options: T): T & { requestOptions: { headers: Record<string, string> } } {
  return { ...options, requestOptions: { headers: { 'if-none-match': '*' } } };
}

/** Provisioning state, id and tags of a resource as the SDKs deserialize it. */
function snapshotOf(resource: { provisioningState?: string; id?: string; tags?: Record<string, string> }): ProvisioningSnapshot {
  return {
    provisioningState: resource.provisioningState,
    ...(resource.id === undefined ? {} : { id: resource.id }),
    ...(resource.tags === undefined ? {} : { tags: resource.tags }),
  };
}
