import type { SshHosts } from '../core/ssh-hosts.js';
import type { CloudKnobs, Random } from '../core/index.js';
import type { AzureKnobs } from './azure-knobs.js';
import type { PublicAddressPool } from './public-ip-addresses.js';
import type { ComputeUsage } from './quota.js';
import type { JsonObject } from './request-fields.js';
import type { Resource } from './resource-model.js';
import type { ResourceStore } from './resources.js';

/** What a resource type's handlers work with during one request. */
export interface ArmContext {
  /** The simulator's clock at the start of the request. */
  now: number;
  knobs: CloudKnobs;
  azure: AzureKnobs;
  store: ResourceStore;
  usage: ComputeUsage;
  publicAddresses: PublicAddressPool;
  /** SSH mode: each VM runs an sshd on its addresses. */
  ssh?: SshHosts;
  subscriptionId: string;
  random: Random;
  /** Completes a resource's removal as of `at`, with its effects on others (cascades, detaching). */
  remove(resource: Resource, at: number): void;
}

/** Where a PUT creates a resource. */
export interface PutTarget {
  id: string;
  key: string;
  name: string;
  resourceGroup: string;
  location: string;
}

/**
 * How one resource type plugs into the generic ARM handling (routes, LROs, paging, tags): its
 * own validation, references to other resources, and answer shape. Handlers throw `ArmError`
 * and validate before they change anything.
 */
export interface ResourceKind<R extends Resource> {
  readonly type: R['type'];
  readonly provider: 'Microsoft.Compute' | 'Microsoft.Network';
  /** The collection's path segment, also the prefix of gate actions (`virtualMachines.get`). */
  readonly collection: string;
  /** A new resource from a PUT body (tags are the caller's business); may create dependents. */
  create(ctx: ArmContext, target: PutTarget, body: JsonObject): R;
  /** Applies a PUT body to an existing resource. */
  update(ctx: ArmContext, resource: R, body: JsonObject): void;
  /** Refuses a DELETE that Azure refuses (a NIC still attached, a public IP in use...). */
  checkDelete?(ctx: ArmContext, resource: R): void;
  /** Effects of the completed removal on other resources. */
  onRemoved?(ctx: ArmContext, resource: R, at: number): void;
  /** The resource as ARM answers it (`query` carries `$expand`). */
  toArm(resource: R, now: number, query: URLSearchParams): JsonObject;
}
