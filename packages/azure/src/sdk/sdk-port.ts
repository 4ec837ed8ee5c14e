import type { Image, InstanceViewStatus, ResourceSku, Usage, VirtualMachine } from '@azure/arm-compute';
import { getContinuationToken as networkNextLink, type NetworkInterface, type PublicIPAddress, type Subnet, type Usage as NetworkUsage } from '@azure/arm-network';
import { type GenericResourceExpanded, getContinuationToken as resourcesNextLink } from '@azure/arm-resources';
import { mapped } from '../errors.js';
import type { ArmAcceptance, ArmCollection, AzurePort, PageReader, ProvisioningSnapshot } from '../port.js';
import type { ArmClients } from './client-registry.js';
import { acceptanceOf, computeInitialRequest, networkInitialRequest } from './initial-requests.js';

/** What the SDKs' list methods return: items, or pages of items through `byPage()`. */
interface Pageable<T> {
  byPage(): AsyncIterableIterator<T[]>;
}

/** Reads a list page by page, each page one request, errors mapped as `action`; `nextLinkOf` tells whether a page follows. */
function pages<T>(action: string, list: Pageable<T>, nextLinkOf: (page: T[]) => string | undefined): PageReader<T> {
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

/** arm-compute marks each page with its continuation (the `nextLink`); arm-network and arm-resources keep it aside. */
const computeNextLink = (page: unknown[]) => (page as { continuationToken?: string }).continuationToken;

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
      const answer = await networkInitialRequest((options) =>
        this.clients.network.publicIPAddresses.beginCreateOrUpdate(resourceGroup, name, body, createOnly(options)),
      );
      return acceptanceOf(answer, 'flattened');
    });
  }

  putNetworkInterface(resourceGroup: string, name: string, body: NetworkInterface): Promise<ArmAcceptance> {
    return mapped('networkInterfaces.createOrUpdate', async () => {
      const answer = await networkInitialRequest((options) =>
        this.clients.network.networkInterfaces.beginCreateOrUpdate(resourceGroup, name, body, createOnly(options)),
      );
      return acceptanceOf(answer, 'flattened');
    });
  }

  putVirtualMachine(resourceGroup: string, name: string, body: VirtualMachine): Promise<ArmAcceptance> {
    return mapped('virtualMachines.createOrUpdate', async () => {
      const answer = await computeInitialRequest((onResponse) =>
        this.clients.compute.virtualMachines.createOrUpdate(resourceGroup, name, body, { onResponse, ifNoneMatch: '*' }),
      );
      return acceptanceOf(answer, 'raw');
    });
  }

  deleteResource(collection: ArmCollection, resourceGroup: string, name: string): Promise<ArmAcceptance> {
    return mapped(`${collection}.delete`, async () => {
      const { compute, network } = this.clients;
      switch (collection) {
        case 'virtualMachines':
          return computeInitialRequest((onResponse) => compute.virtualMachines.delete(resourceGroup, name, { onResponse }));
        case 'disks':
          return computeInitialRequest((onResponse) => compute.disks.delete(resourceGroup, name, { onResponse }));
        case 'images':
          return computeInitialRequest((onResponse) => compute.images.delete(resourceGroup, name, { onResponse }));
        case 'networkInterfaces':
          return networkInitialRequest((options) => network.networkInterfaces.beginDelete(resourceGroup, name, options));
        case 'publicIPAddresses':
          return networkInitialRequest((options) => network.publicIPAddresses.beginDelete(resourceGroup, name, options));
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
    return pages('virtualMachines.list', this.clients.compute.virtualMachines.list(resourceGroup), computeNextLink);
  }

  listNetworkInterfaces(resourceGroup: string): PageReader<NetworkInterface> {
    return pages('networkInterfaces.list', this.clients.network.networkInterfaces.list(resourceGroup), networkNextLink);
  }

  listPublicIpAddresses(resourceGroup: string): PageReader<PublicIPAddress> {
    return pages('publicIPAddresses.list', this.clients.network.publicIPAddresses.list(resourceGroup), networkNextLink);
  }

  listImages(resourceGroup: string): PageReader<Image> {
    return pages('images.list', this.clients.compute.images.listByResourceGroup(resourceGroup), computeNextLink);
  }

  listResources(resourceGroup: string): PageReader<GenericResourceExpanded> {
    return pages('resources.list', this.clients.resources.resources.listByResourceGroup(resourceGroup, { expand: 'createdTime' }), resourcesNextLink);
  }

  listUsages(location: string): PageReader<Usage> {
    return pages('usage.list', this.clients.compute.usage.list(location), computeNextLink);
  }

  listNetworkUsages(location: string): PageReader<NetworkUsage> {
    return pages('networkUsages.list', this.clients.network.usages.list(location), networkNextLink);
  }

  listVirtualMachineSkus(location: string): PageReader<ResourceSku> {
    return pages('resourceSkus.list', this.clients.compute.resourceSkus.list({ filter: `location eq '${location}'` }), computeNextLink);
  }
}

/** arm-network's options with `If-None-Match: *` (its create operations have no option of their own for it). */
function createOnly<T extends object>(options: T): T & { requestOptions: { customHeaders: Record<string, string> } } {
  return { ...options, requestOptions: { customHeaders: { 'If-None-Match': '*' } } };
}

/** Provisioning state, id and tags of a resource as the SDKs deserialize it. */
function snapshotOf(resource: { provisioningState?: string; id?: string; tags?: Record<string, string> }): ProvisioningSnapshot {
  return {
    provisioningState: resource.provisioningState,
    ...(resource.id === undefined ? {} : { id: resource.id }),
    ...(resource.tags === undefined ? {} : { tags: resource.tags }),
  };
}
