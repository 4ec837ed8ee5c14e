import type { Image, ResourceSku, Usage, VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface, PublicIPAddress, Subnet, Usage as NetworkUsage } from '@azure/arm-network';
import type { GenericResourceExpanded } from '@azure/arm-resources';

/** The ARM collections the driver creates in or deletes from; also the prefix of its queue actions. */
export type ArmCollection = 'virtualMachines' | 'networkInterfaces' | 'publicIPAddresses' | 'disks' | 'images';

/** ARM's answer to a PUT or DELETE. The operation it started may go on after it (a long-running operation). */
export interface ArmAcceptance {
  /** 200 or 201 for a PUT; for a DELETE 200 or 204 (done) or 202 (still running). */
  status: number;
  /** From a PUT's answer: the resource's id as ARM spells it. */
  id?: string;
  /** From a PUT's answer: `Succeeded` or `Failed` when the operation already ended. */
  provisioningState?: string;
}

/** A resource's provisioning as a GET shows it. */
export interface ProvisioningSnapshot {
  /** `Creating`, `Updating`, `Succeeded`, `Failed`, `Deleting`, ... */
  provisioningState: string | undefined;
  /** Why provisioning failed, when the resource says (a VM's instance view does). */
  failure?: { code: string; message: string };
  /** The resource's ARM id and tags, as the GET answered them. */
  id?: string;
  tags?: Record<string, string>;
}

/**
 * The ARM operations the Azure driver uses, and no others. Each HTTP request an operation makes
 * goes through the provider's queue (the SDK port paces them in a pipeline policy, see
 * sdk/paced-requests.ts), counted under the operation's action (`virtualMachines.list`,
 * `disks.delete`, ...): one request per method, except lists, which read every page (one
 * request each; all or nothing). Methods reject only with CloudErrors (mapped at the SDK
 * boundary; a missing resource is `not-found`). Writes resolve once ARM has accepted them: the
 * adapter follows the operation with `readProvisioning`.
 */
export interface AzurePort {
  readonly subscriptionId: string;
  /** Gives back what the port holds (its shared SDK clients). Idempotent; no call is made after it. */
  close(): void;
  resourceGroupExists(resourceGroup: string): Promise<boolean>;
  createResourceGroup(resourceGroup: string, location: string): Promise<void>;

  /**
   * The PUTs create only: each is sent with `If-None-Match: *`, so ARM refuses (412
   * `PreconditionFailed`) when a resource of that name exists, instead of updating it.
   */
  putPublicIpAddress(resourceGroup: string, name: string, body: PublicIPAddress): Promise<ArmAcceptance>;
  putNetworkInterface(resourceGroup: string, name: string, body: NetworkInterface): Promise<ArmAcceptance>;
  putVirtualMachine(resourceGroup: string, name: string, body: VirtualMachine): Promise<ArmAcceptance>;
  /** ARM answers 204 for a resource that does not exist. */
  deleteResource(collection: ArmCollection, resourceGroup: string, name: string): Promise<ArmAcceptance>;

  readProvisioning(collection: ArmCollection, resourceGroup: string, name: string): Promise<ProvisioningSnapshot>;
  getVirtualMachine(resourceGroup: string, name: string): Promise<VirtualMachine>;
  getSubnet(resourceGroup: string, network: string, name: string): Promise<Subnet>;

  listVirtualMachines(resourceGroup: string): Promise<VirtualMachine[]>;
  listNetworkInterfaces(resourceGroup: string): Promise<NetworkInterface[]>;
  listPublicIpAddresses(resourceGroup: string): Promise<PublicIPAddress[]>;
  listImages(resourceGroup: string): Promise<Image[]>;
  /** Every resource of the group, of every type, with its tags and `createdTime`. */
  listResources(resourceGroup: string): Promise<GenericResourceExpanded[]>;
  /** Compute usages and limits of a region (`Microsoft.Compute/locations/{location}/usages`). */
  listUsages(location: string): Promise<Usage[]>;
  /** Network usages and limits of a region (`Microsoft.Network/locations/{location}/usages`): public IPs, NICs. */
  listNetworkUsages(location: string): Promise<NetworkUsage[]>;
  /** The virtual machine sizes offered in a region, with their capabilities. */
  listVirtualMachineSkus(location: string): Promise<ResourceSku[]>;
}
