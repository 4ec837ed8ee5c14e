import type { Image } from '@azure/arm-compute';
import { CloudError, type CreateHooks, type CreateRequest, type DynamicValues, type TimerClock } from '@cloudpool/common';
import type { AdapterLogger, AzureAdapterConfig } from './adapter-config.js';
import type { AzureLabelSettings, AzurePoolSettings } from './config.js';
import { toCloudError } from './errors.js';
import { deleteOnceReleased } from './held-resources.js';
import { imageReferenceFor } from './image-reference.js';
import { type IpVersion, resourceNamesOf, vmNameOf } from './names.js';
import type { ArmOperations } from './operations.js';
import { canonicalVmId } from './vm-identity.js';
import type { ArmAcceptance, ArmCollection, AzurePort } from './port.js';
import { nicBody, type NodePlacement, publicIpBody, vmBody } from './resource-bodies.js';

export interface NodeCreationContext {
  config: AzureAdapterConfig;
  port: AzurePort;
  operations: ArmOperations;
  /** The subnet of the nodes' NICs. */
  subnetId: string;
  /** The resource group's images (for `image-filter`), read through the queue. */
  listImages(): Promise<Image[]>;
  logger: AdapterLogger;
  /** Formats the labels' `dynamic-tags` with the node request. */
  dynamicTags: DynamicValues;
  /** The waits between compensation tries while Azure still holds a part. */
  timers: TimerClock;
}

/** A resource this attempt asked ARM to create, for compensation. */
interface Attempted {
  collection: ArmCollection;
  name: string;
}

/**
 * Creates one node: its public IPs (per the pool's `public-ipv4`/`public-ipv6`), its NIC, then
 * its VM with the OS disk, each a PUT by a name derived from the node id (so a repeated create
 * updates rather than duplicates) carrying the request's tags and the label's `dynamic-tags`.
 * Public IPs and NIC are followed until provisioned (the next PUT refers to them). The VM is not:
 * its id goes to `onExternalId` and is returned as soon as ARM accepts it, and its provisioning
 * is seen in the shared VM listing, as `ready` or, when it fails asynchronously (e.g.
 * `AllocationFailed`), as `error`, after which the framework deletes the node (the VM's delete
 * options take NIC, public IPs and disk along).
 *
 * On failure, unless aborted, whatever this attempt asked for is deleted in reverse order (VM,
 * NIC, public IPs; a resource whose PUT got no answer may exist, so it is deleted too, which
 * costs nothing when it does not), then the mapped error is thrown. After an abort (launch timeout,
 * shutdown) no further call is made: the framework deletes the node by its external id, and leak
 * cleanup finds tagged parts made before the VM.
 */
export async function createNode(context: NodeCreationContext, request: CreateRequest, hooks: CreateHooks): Promise<string> {
  const { config, port, operations } = context;
  const { resourceGroup, location } = config.settings;
  const { signal } = hooks;
  const names = resourceNamesOf(vmNameOf(request.nodeId));
  const label = request.label.settings as AzureLabelSettings;
  const pool = request.pool.settings as AzurePoolSettings;
  // The label's static tags (in request.tags), then its dynamic ones: the same on every resource.
  const tags = { ...request.tags, ...context.dynamicTags.of(request, label.dynamicTags) };
  const placement: NodePlacement = { location, tags, ...(request.az === undefined ? {} : { zone: request.az }) };
  const attempted: Attempted[] = [];

  const create = async (collection: ArmCollection, name: string, send: () => Promise<ArmAcceptance>): Promise<string> => {
    attempted.push({ collection, name });
    const accepted = await operations.put(collection, send, signal);
    if (accepted.id === undefined) throw new CloudError('permanent', `${collection} ${name}: ARM accepted the PUT without the resource id`);
    if (collection === 'virtualMachines') {
      // The VM is followed in the shared VM listing (the framework waits there for it to be ready).
      const externalId = canonicalVmId(port.subscriptionId, resourceGroup, name);
      hooks.onExternalId(externalId);
      return externalId;
    }
    await operations.untilProvisioned(collection, { resourceGroup, name }, accepted, signal);
    return accepted.id;
  };

  try {
    const cloudImage = config.cloudImages.get(request.label.cloudImage ?? '');
    if (!cloudImage?.username) {
      throw new CloudError('permanent', `label ${request.label.name}: cloud image ${request.label.cloudImage ?? '(none)'} with a username is required`);
    }
    const imageReference = await imageReferenceFor(cloudImage.settings, context.listImages);
    const publicIpIds: Partial<Record<IpVersion, string>> = {};
    for (const version of publicIpVersions(pool)) {
      const name = names.publicIp(version);
      publicIpIds[version] = await create('publicIPAddresses', name, () => port.putPublicIpAddress(resourceGroup, name, publicIpBody(placement, version)));
    }
    const nic = nicBody(placement, { subnetId: context.subnetId, ipv4: pool.ipv4, ipv6: pool.ipv6, publicIpIds });
    const nicId = await create('networkInterfaces', names.nic, () => port.putNetworkInterface(resourceGroup, names.nic, nic));
    const boot = { hostname: request.hostname, username: cloudImage.username, image: cloudImage.settings, imageReference, label };
    return await create('virtualMachines', names.vm, () => port.putVirtualMachine(resourceGroup, names.vm, vmBody(placement, names, nicId, boot)));
  } catch (error) {
    if (!signal.aborted) await compensate(context, attempted.reverse(), signal);
    throw toCloudError(error, 'createResource');
  }
}

/** The IP versions of a pool's public IPs. */
export function publicIpVersions(pool: AzurePoolSettings): IpVersion[] {
  return [...(pool.publicIpv4 ? ['IPv4' as const] : []), ...(pool.publicIpv6 ? ['IPv6' as const] : [])];
}

/**
 * Deletes, in the given order and each to completion, what a failed attempt made; failures are
 * logged, never thrown. After ARM refused the VM (quota, capacity) it keeps the NIC reserved for
 * it for about 180 s, and the public IP in use with it: those deletes are tried again until the
 * reservation has passed (see `deleteOnceReleased`), so a refused VM leaves no billed IP behind.
 */
async function compensate(context: NodeCreationContext, attempted: Attempted[], signal: AbortSignal): Promise<void> {
  const { resourceGroup } = context.config.settings;
  for (const { collection, name } of attempted) {
    try {
      await deleteOnceReleased({ operations: context.operations, timers: context.timers, signal }, collection, { resourceGroup, name });
    } catch (error) {
      context.logger.warn({ collection, name, err: toCloudError(error, `${collection}.delete`).message }, 'could not delete part of a failed node; leak cleanup will');
    }
  }
}
