import type { Image, InstanceViewStatus, ResourceSku, Usage, VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface, PublicIPAddress, Subnet, Usage as NetworkUsage } from '@azure/arm-network';
import type { GenericResourceExpanded } from '@azure/arm-resources';
import { mapped } from '../errors.js';
import type { ArmAcceptance, ArmCollection, AzurePort, PageReader, ProvisioningSnapshot } from '../port.js';
import type { ArmClients } from './client-registry.js';
import { acceptanceOf, initialRequest } from './initial-requests.js';

/** What the SDKs' list methods return: items, or pages of items through `byPage()`. */
interface Pageable<T> {
  byPage(): AsyncIterableIterator<T[]>;
}

/** The SDKs mark each page with its continuation (the `nextLink`). */
const nextLinkOf = (page: unknown[]) => (page as { continuationToken?: string }).continuationToken;

/** Reads a list page by page, each page one request, errors mapped as `action`; a page's `nextLink` tells whether one follows. */
function pages<T>(action: string, list: Pageable<T>): PageReader<T> {
  const iterator = list.byPage();
  return {
    action,
    nextPage: () =>
      mapped(action, async () => {
        const page = await iterator.next();
        return page.done ? { items: [], last: true } : { items: page.value, last: !nextLinkOf(page.value) };
      }),
  };
}

/** The code and message of a failed VM provisioning, from its instance view (`ProvisioningState/failed/<code>`). */
function provisioningFailure(statuses: InstanceViewStatus[] | undefined): ProvisioningSnapshot['failure'] {
  const failed = statuses?.find((status) => status.code?.startsWith('ProvisioningState/failed'));
  if (!failed?.code) return undefined;
  return { code: failed.code.split('/')[2] ?? 'Failed', message: failed.message ?? failed.displayStatus ?? 'provisioning failed' };
}

/** The AzurePort over the official SDK clients of one connection. */
export class SdkAzurePort implements AzurePort {
  constructor(
    private readonly clients: ArmClients,
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
    return mapped('resourceGroups.checkExistence', async () => (await this.clients.resources.resourceGroups.checkExistence(resourceGroup)).body);
  }

  createResourceGroup(resourceGroup: string, location: string): Promise<void> {
    return mapped('resourceGroups.createOrUpdate', async () => {
      await this.clients.resources.resourceGroups.createOrUpdate(resourceGroup, { location });
    });
  }

  putPublicIpAddress(resourceGroup: string, name: string, body: PublicIPAddress): Promise<ArmAcceptance> {
    return mapped('publicIPAddresses.createOrUpdate', async () => {
      const answer = await initialRequest((onResponse) =>
        this.clients.network.publicIPAddresses.createOrUpdate(resourceGroup, name, body, createOnly({ onResponse })),
      );
      return acceptanceOf(answer);
    });
  }

  putNetworkInterface(resourceGroup: string, name: string, body: NetworkInterface): Promise<ArmAcceptance> {
    return mapped('networkInterfaces.createOrUpdate', async () => {
      const answer = await initialRequest((onResponse) =>
        this.clients.network.networkInterfaces.createOrUpdate(resourceGroup, name, body, createOnly({ onResponse })),
      );
      return acceptanceOf(answer);
    });
  }

  putVirtualMachine(resourceGroup: string, name: string, body: VirtualMachine): Promise<ArmAcceptance> {
    return mapped('virtualMachines.createOrUpdate', async () => {
      const answer = await initialRequest((onResponse) =>
        this.clients.compute.virtualMachines.createOrUpdate(resourceGroup, name, body, { onResponse, ifNoneMatch: '*' }),
      );
      return acceptanceOf(answer);
    });
  }

  deleteResource(collection: ArmCollection, resourceGroup: string, name: string): Promise<ArmAcceptance> {
    return mapped(`${collection}.delete`, async () => {
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
    return mapped(`${collection}.get`, async () => {
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
    return mapped('virtualMachines.get', () => this.clients.compute.virtualMachines.get(resourceGroup, name));
  }

  getSubnet(resourceGroup: string, network: string, name: string): Promise<Subnet> {
    return mapped('subnets.get', () => this.clients.network.subnets.get(resourceGroup, network, name));
  }

  listVirtualMachines(resourceGroup: string): PageReader<VirtualMachine> {
    return pages('virtualMachines.list', this.clients.compute.virtualMachines.list(resourceGroup));
  }

  listNetworkInterfaces(resourceGroup: string): PageReader<NetworkInterface> {
    return pages('networkInterfaces.list', this.clients.network.networkInterfaces.list(resourceGroup));
  }

  listPublicIpAddresses(resourceGroup: string): PageReader<PublicIPAddress> {
    return pages('publicIPAddresses.list', this.clients.network.publicIPAddresses.list(resourceGroup));
  }

  listImages(resourceGroup: string): PageReader<Image> {
    return pages('images.list', this.clients.compute.images.listByResourceGroup(resourceGroup));
  }

  listResources(resourceGroup: string): PageReader<GenericResourceExpanded> {
    return pages('resources.list', this.clients.resources.resources.listByResourceGroup(resourceGroup, { expand: 'createdTime' }));
  }

  listUsages(location: string): PageReader<Usage> {
    return pages('usage.list', this.clients.compute.usage.list(location));
  }

  listNetworkUsages(location: string): PageReader<NetworkUsage> {
    return pages('networkUsages.list', this.clients.network.usages.list(location));
  }

  listVirtualMachineSkus(location: string): PageReader<ResourceSku> {
    return pages('resourceSkus.list', this.clients.compute.resourceSkus.list({ filter: `location eq '${location}'` }));
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
