import { CloudError, DynamicValues, isCloudError, isOurs, TAG, type CreateHooks, type CreateRequest, type Ownership } from '@cloudpool/common';
import type { NeutronPort, OpenStackApi, ServerCreate } from './port.js';
import type { OpenStackCloudImageSettings, OpenStackDiskimageSettings, OpenStackSettings } from './config.js';
import { COMPUTE } from './sdk/microversion.js';
import type { CloudLookups } from './lookups.js';
import type { NodeCleaner } from './delete-node.js';
import { ATTEMPT_KEY, attemptTags, hasAllTags, identityDescription, providerServerTag, toNeutronTags } from './tags.js';

export interface NodeLauncherContext {
  api: OpenStackApi;
  lookups: CloudLookups;
  cleaner: NodeCleaner;
  owner: Ownership;
  /** The provider's cloud images by name. */
  cloudImages: ReadonlyMap<string, { settings: OpenStackCloudImageSettings }>;
  /** The provider's diskimages by name. */
  diskimages: ReadonlyMap<string, { settings: OpenStackDiskimageSettings }>;
  warn(message: string): void;
}

/**
 * Launches one node's server, everything tagged before the server is made:
 * 1. one port per network (Neutron tags `key=value` of the request's tags and the attempt), the
 *    tags sent in the create and, where Neutron ignored them there (Zed does), set at once
 *    through the tag API;
 * 2. with the pool's `auto-floating-ip`, where Neutron has floating IPs and an external network,
 *    a floating IP from it on the first port, tagged through the tag API (Neutron refuses tags in
 *    its create): made before the server, so no step waits for ACTIVE and the node is ready with
 *    its public address the moment Nova says ACTIVE. Elsewhere the node boots without one, as
 *    under Nodepool. Both are created with a description naming the node, its nonce and attempt
 *    and a digest of this installation and provider (`identityDescription`; Neutron takes a
 *    description in the create body): a crash between a create and its tagging leaves an
 *    untagged port or floating IP that leak cleanup still knows as this node's;
 * 3. the server on those ports, with the tags as metadata (plus `cloudpool_attempt`, Nodepool's
 *    `groups` and the label's `dynamic-instance-properties` formatted with the node request, see
 *    `DynamicValues`) and, from microversion 2.52, the provider tag (see `providerServerTag`).
 *
 * Idempotency (Nova has no client token): the server is named after the node (`hostname`) and
 * carries its attempt; before re-sending an attempt (`request.resend`; a first send has nothing
 * to find and skips these lookups), a fresh lookup by that name (a filtered listing) returns an
 * existing server of this node and attempt instead, ports of the attempt are found by their
 * tags and reused, and a port's floating IP is reused. A create whose answer was lost
 * (a transient error) is looked up again before it fails. Concurrent calls for one (node,
 * attempt) in this process share one launch. Residual race: two processes launching the same
 * (node, attempt) at once, or a create still in flight at Nova when the lookup runs, can still
 * make two servers; the framework never does the former, and leak cleanup removes the extra
 * one once the node is gone.
 *
 * On failure the attempt's floating IP and ports are deleted (best effort) before rejecting;
 * a Nova 400 also clears the lookups (a stale flavor, image or network is its usual cause).
 */
export class NodeLauncher {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly warnedLabels = new Set<string>();
  private readonly dynamicProperties = new DynamicValues('dynamic instance property', (warning) => this.context.warn(warning.message));

  constructor(private readonly context: NodeLauncherContext) {}

  launch(request: CreateRequest<OpenStackSettings>, hooks: CreateHooks): Promise<string> {
    const key = `${request.nodeId}/${request.attempt}`;
    let launch = this.inFlight.get(key);
    if (!launch) {
      launch = this.create(request, hooks).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, launch);
    }
    return launch.then((id) => {
      hooks.onExternalId(id);
      return id;
    });
  }

  private async create(request: CreateRequest<OpenStackSettings>, hooks: CreateHooks): Promise<string> {
    const { api, lookups } = this.context;
    const existing = request.resend === false ? undefined : await this.findServer(request);
    if (existing) return existing;
    const label = request.label.settings;
    const pool = request.pool.settings;
    this.warnUnsupported(request.label.name, label);
    const image = this.imageToBoot(request);
    const [version, flavor, imageId, networkIds, securityGroupIds, externalNetworkId] = await Promise.all([
      api.computeMicroversion(),
      lookups.flavorFor(label),
      image.imageId(),
      lookups.networkIds(label.networks),
      pool.securityGroups.length ? lookups.securityGroupIds(pool.securityGroups) : undefined,
      pool.autoFloatingIp ? lookups.externalNetworkId() : undefined,
    ]);
    const tags = toNeutronTags({ ...request.tags, [ATTEMPT_KEY]: String(request.attempt) });
    throwIfAborted(hooks.signal);
    try {
      const ports = await this.attemptPorts(request, networkIds, tags, securityGroupIds);
      if (externalNetworkId && ports[0]) await this.ensureFloatingIp(request, ports[0], externalNetworkId, tags);
      throwIfAborted(hooks.signal);
      const server: ServerCreate = {
        name: request.hostname,
        flavorRef: flavor.id,
        portIds: ports.map(({ port }) => port.id),
        metadata: {
          groups: [request.pool.providerName, image.name, request.label.name].join(','),
          ...request.tags,
          ...this.dynamicProperties.of(request, label.dynamicInstanceProperties),
          [ATTEMPT_KEY]: String(request.attempt),
        },
        ...(version.atLeast(COMPUTE.tagsOnCreate) ? { tags: [providerServerTag(request.pool.providerName)] } : {}),
        ...(label.bootFromVolume ? { bootVolume: { imageId, sizeGb: label.volumeSize } } : { imageRef: imageId }),
        ...availabilityZone(request),
        ...(label.keyName ? { keyName: label.keyName } : {}),
        ...(label.userdata ? { userData: Buffer.from(label.userdata, 'utf8').toString('base64') } : {}),
        ...(image.configDrive === undefined ? {} : { configDrive: image.configDrive }),
      };
      return await this.createServer(request, server);
    } catch (error) {
      await this.context.cleaner.discardAttempt(request.nodeId, request.attempt, request.nonce).catch((cleanupError: unknown) => {
        this.context.warn(`node ${request.nodeId} attempt ${request.attempt}: could not delete its ports: ${String(cleanupError)}`);
      });
      throw error;
    }
  }

  /**
   * Label keys the driver cannot honour yet are reported once per label instead of failing its
   * launches: `server-group` (no server group lookup yet).
   */
  /**
   * What the server boots: for a diskimage label the builder's Glance image (the upload's
   * `external_id`, used as is, as Nodepool does) with the provider's `diskimages` entry's
   * config-drive; else the label's cloud image, looked up by id or name.
   */
  private imageToBoot(request: CreateRequest<OpenStackSettings>): { name: string; imageId: () => Promise<string>; configDrive?: boolean } {
    if (request.upload) {
      const name = request.label.diskimage ?? '';
      const diskimage = this.context.diskimages.get(name);
      if (!diskimage) throw new CloudError('permanent', `label ${request.label.name}: diskimage ${name} is not in this provider's diskimages`, { action: 'launch' });
      const { externalId } = request.upload;
      return { name, imageId: () => Promise.resolve(externalId), configDrive: diskimage.settings.configDrive };
    }
    const name = request.label.cloudImage ?? '';
    const cloudImage = this.context.cloudImages.get(name);
    if (!cloudImage) throw new CloudError('permanent', `label ${request.label.name} has no cloud-image of this provider`, { action: 'launch' });
    return { name, imageId: () => this.context.lookups.imageId(name, cloudImage.settings), configDrive: cloudImage.settings.configDrive };
  }

  private warnUnsupported(labelName: string, label: OpenStackSettings['label']): void {
    if (this.warnedLabels.has(labelName)) return;
    this.warnedLabels.add(labelName);
    if (label.serverGroup) this.context.warn(`label ${labelName}: server-group not supported yet, ignored`);
  }

  /** Creates the server; a lost answer is looked up before failing, and a 400 clears the lookups. */
  private async createServer(request: CreateRequest<OpenStackSettings>, server: ServerCreate): Promise<string> {
    try {
      return (await this.context.api.createServer(server)).id;
    } catch (error) {
      if (isCloudError(error, 'permanent') && error.code === '400') this.context.lookups.clear();
      if (isCloudError(error, 'transient')) {
        const created = await this.findServer(request).catch(() => undefined);
        if (created) return created;
      }
      throw error;
    }
  }

  /**
   * The id of this node record's server for this attempt, if one exists (deleted servers do not
   * count). The record's nonce must match too: Nova names need not be unique, and a node id
   * handed out again after ZooKeeper lost its data must never find the earlier node's server.
   */
  private async findServer(request: CreateRequest<OpenStackSettings>): Promise<string | undefined> {
    const servers = await this.context.api.listServers({ name: `^${escapeRegExp(request.hostname)}$` });
    const match = servers.find((server) => {
      const metadata = server.metadata ?? {};
      return (
        metadata[TAG.nodeId] === request.nodeId &&
        metadata[ATTEMPT_KEY] === String(request.attempt) &&
        (request.nonce === undefined || metadata[TAG.nodeNonce] === request.nonce) &&
        isOurs(metadata, this.context.owner) &&
        !['DELETED', 'SOFT_DELETED'].includes(server.status.toUpperCase()) &&
        server['OS-EXT-STS:task_state'] !== 'deleting'
      );
    });
    return match?.id;
  }

  /** One port per network: the attempt's existing ports (found by tags) first, new ones for the rest. */
  private async attemptPorts(
    request: CreateRequest<OpenStackSettings>,
    networkIds: readonly string[],
    tags: string[],
    securityGroupIds: string[] | undefined,
  ): Promise<Array<{ port: NeutronPort; created: boolean }>> {
    const { api } = this.context;
    const unused = request.resend === false ? [] : await api.listPorts({ tags: attemptTags(request.nodeId, String(request.attempt), request.nonce) });
    const ports: Array<{ port: NeutronPort; created: boolean }> = [];
    for (const [index, networkId] of networkIds.entries()) {
      const reused = unused.findIndex((port) => port.network_id === networkId && !port.device_id);
      if (reused >= 0) {
        ports.push({ port: unused.splice(reused, 1)[0]!, created: false });
        continue;
      }
      const port = await api.createPort({
        networkId,
        name: `${request.hostname}-${index}`,
        description: this.description(request),
        tags,
        ...(securityGroupIds ? { securityGroupIds } : {}),
      });
      if (!hasAllTags(port.tags, tags)) await api.replaceTags('ports', port.id, tags);
      ports.push({ port, created: true });
    }
    return ports;
  }

  /** A floating IP on the port: the one it has, else a new one from the external network. */
  private async ensureFloatingIp(request: CreateRequest<OpenStackSettings>, first: { port: NeutronPort; created: boolean }, networkId: string, tags: string[]): Promise<void> {
    const { api } = this.context;
    if (!first.created && (await api.listFloatingIps({ portIds: [first.port.id] })).length > 0) return;
    const floatingIp = await api.createFloatingIp({ networkId, portId: first.port.id, description: this.description(request) });
    await api.replaceTags('floatingips', floatingIp.id, tags);
  }

  private description(request: CreateRequest<OpenStackSettings>): string {
    return identityDescription(this.context.owner, { nodeId: request.nodeId, nonce: request.nonce, attempt: request.attempt });
  }
}

/** The request's zone, else one of the pool's `availability-zones` at random (as Nodepool picks), else Nova's choice. */
function availabilityZone(request: CreateRequest<OpenStackSettings>): { availabilityZone?: string } {
  const { azs } = request.pool;
  const zone = request.az ?? azs[Math.floor(Math.random() * azs.length)];
  return zone ? { availabilityZone: zone } : {};
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new CloudError('transient', 'launch aborted', { action: 'launch' });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
