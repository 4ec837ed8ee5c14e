import type { Image } from '@azure/arm-compute';
import { CloudError, isCloudError, TAG, type CreateHooks, type CreateRequest, type DynamicValues, type TimerClock } from '@cloudpool/common';
import type { AdapterLogger, AzureAdapterConfig } from './adapter-config.js';
import type { AzureCloudImageSettings, AzureSettings } from './config.js';
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
 * its VM with the OS disk, each a create-only PUT (`If-None-Match: *`) by a name derived from the
 * node's identity (installation, node id and the record's nonce: see `vmNameOf`) carrying the
 * request's tags and the label's `dynamic-tags`. A name that exists is a collision and an error,
 * never a takeover, unless its tags say it was made for this very node record (a repeated send
 * whose first answer was lost), which is then used as accepted.
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
export async function createNode(context: NodeCreationContext, request: CreateRequest<AzureSettings>, hooks: CreateHooks): Promise<string> {
  const { config, port, operations } = context;
  const { resourceGroup, location } = config.settings;
  const { signal } = hooks;
  const systemId = request.tags[TAG.systemId] ?? '';
  const names = resourceNamesOf(vmNameOf({ systemId, providerName: config.providerName, nodeId: request.nodeId, nonce: request.nonce }));
  const label = request.label.settings;
  const pool = request.pool.settings;
  // The label's static tags (in request.tags), then its dynamic ones: the same on every resource.
  const tags = { ...request.tags, ...context.dynamicTags.of(request, label.dynamicTags) };
  const placement: NodePlacement = { location, tags, ...(request.az === undefined ? {} : { zone: request.az }) };
  const attempted: Attempted[] = [];

  const create = async (collection: ArmCollection, name: string, send: () => Promise<ArmAcceptance>): Promise<string> => {
    const entry = { collection, name };
    attempted.push(entry);
    let accepted: ArmAcceptance;
    try {
      accepted = await operations.put(send, signal);
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      const existing = await operations.read(collection, { resourceGroup, name }, signal);
      if (!existing || !madeFor(existing.tags, request, systemId)) {
        // Someone else's resource: never taken over, and never deleted by this attempt's compensation.
        attempted.splice(attempted.indexOf(entry), 1);
        throw new CloudError('permanent', `${collection} ${name} already exists and was not made for this node (${collision(existing?.tags)}): name collision, not taken over`, {
          action: `${collection}.createOrUpdate`,
          code: 'PreconditionFailed',
        });
      }
      // This node's own resource, made by an earlier send whose answer was lost.
      accepted = { status: 200, ...(existing.id === undefined ? {} : { id: existing.id }), ...(existing.provisioningState === undefined ? {} : { provisioningState: existing.provisioningState }) };
    }
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
    const cloudImage = imageToBoot(config, request);
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

/**
 * What the VM boots and as whom: for a diskimage label the builder's image resource (the
 * upload's `external_id`) with the provider's `diskimages` entry's user and credentials; else the
 * label's cloud image, which must name a user.
 */
function imageToBoot(config: AzureAdapterConfig, request: CreateRequest<AzureSettings>): { username: string; settings: AzureCloudImageSettings } {
  if (request.upload) {
    const diskimage = config.diskimages?.get(request.label.diskimage ?? '');
    if (!diskimage) throw new CloudError('permanent', `label ${request.label.name}: diskimage ${request.label.diskimage ?? '(none)'} is not in this provider's diskimages`);
    return { username: diskimage.username, settings: { ...diskimage.settings, imageId: request.upload.externalId } };
  }
  const cloudImage = config.cloudImages.get(request.label.cloudImage ?? '');
  if (!cloudImage?.username) {
    throw new CloudError('permanent', `label ${request.label.name}: cloud image ${request.label.cloudImage ?? '(none)'} with a username is required`);
  }
  return { username: cloudImage.username, settings: cloudImage.settings };
}

/** Whether ARM refused a create-only PUT because the name exists (412, `If-None-Match: *`). */
function isPreconditionFailed(error: unknown): boolean {
  return isCloudError(error) && (error.code === 'PreconditionFailed' || error.code === '412');
}

/** Whether an existing resource's tags say it was made for this node record of this installation. */
function madeFor(tags: Record<string, string> | undefined, request: CreateRequest, systemId: string): boolean {
  if (!tags || tags[TAG.systemId] !== systemId || tags[TAG.nodeId] !== request.nodeId) return false;
  return request.nonce === undefined || tags[TAG.nodeNonce] === request.nonce;
}

function collision(tags: Record<string, string> | undefined): string {
  if (!tags) return 'gone again before it could be read';
  return `it carries ${TAG.systemId}=${tags[TAG.systemId] ?? '(none)'}, ${TAG.nodeId}=${tags[TAG.nodeId] ?? '(none)'}`;
}

/** The IP versions of a pool's public IPs. */
export function publicIpVersions(pool: AzureSettings['pool']): IpVersion[] {
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
