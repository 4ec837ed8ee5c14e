import { CloudError, TAG, type Clock, type CloudResource } from '@cloudpool/common';
import type { GlanceImage, NeutronPort, OpenStackApi } from './port.js';
import type { OpenStackProviderSettings } from './config.js';
import { ignoringNotFound } from './not-found.js';
import { fromNeutronTags, tagsFromDescription } from './tags.js';

/** Deletion order within a cleanup pass: servers (0, the framework's) first, then these, then volumes. */
const ORDER = { network: 1, image: 1, volume: 2 } as const;

/**
 * The tag a heuristic claim adds, naming the Nodepool setting that claimed the resource; its
 * `nodepool_node_id` is this value too, which no ZooKeeper node can have.
 */
export const HEURISTIC_TAG = 'cloudpool_heuristic';

/**
 * The non-server resources leak cleanup considers:
 * - floating IPs and ports carrying our Neutron tags, and volumes carrying our metadata: the
 *   framework's rules (provider, system id, node id absent from ZooKeeper, two passes, minimum
 *   age) decide precisely;
 * - floating IPs and ports without a provider tag whose description is the one cloudpool creates
 *   them with for this installation's provider (`identityDescription`: node, nonce, attempt and a
 *   digest of installation id and provider): what a crash between their create and their tagging
 *   leaves. They are reported with the tags read from it and go exactly as tagged leaks do (node
 *   absent from ZooKeeper, two sightings, minimum age, breaker). On by default: the description
 *   names this installation as precisely as its tags do, so no foreign resource carries it (one
 *   written for another provider or installation has another digest and is not read);
 * - image uploads: the project's Glance images whose properties carry our provider (a
 *   server-side filter) and an upload id; Nodepool's builders set `nodepool_provider_name`,
 *   `nodepool_build_id` and `nodepool_upload_id` as image properties. Reported as type `image`
 *   with their `nodepool_*` and `cloudpool_*` properties as tags, the framework's rules decide
 *   (the upload's ids absent from ZooKeeper, and the system id, as for any resource);
 * - Nodepool's two heuristics, both off by default and each an explicit opt-in of the operator
 *   that says "every such resource in this project is this provider's": with `clean-floating-ips`,
 *   floating IPs that carry no provider tag and are attached to nothing; with
 *   `port-cleanup-interval` (seconds, 0 = off), ports that carry no provider tag, have no device
 *   and a compute (or no) owner, and were seen DOWN for that long. Such untagged resources can
 *   pass the framework's ownership rule only by being claimed: they are reported with our
 *   provider and system tags and `nodepool_node_id`/`cloudpool_heuristic` set to the setting's
 *   name, so the framework's other rules (two passes, minimum age, mass-deletion breaker) still apply.
 *   A resource tagged for any provider is never claimed.
 */
export class LeakResources {
  /** Ports seen as heuristic candidates: id → first seen (ms). */
  private readonly downPortsSince = new Map<string, number>();

  constructor(
    private readonly api: OpenStackApi,
    private readonly options: { providerName: string; systemId: string; settings: OpenStackProviderSettings; clock: Clock },
  ) {}

  /** All or nothing: any failed list rejects. */
  async list(): Promise<CloudResource[]> {
    const [floatingIps, ports, volumes, images] = await Promise.all([
      this.api.listFloatingIps(),
      this.api.listPorts(),
      this.api.hasVolumeService().then((has) => (has ? this.api.listVolumes() : [])),
      this.api.listProviderImages(this.options.providerName),
    ]);
    const { cleanFloatingIps } = this.options.settings;
    const owner = { providerName: this.options.providerName, systemId: this.options.systemId };
    const resources: CloudResource[] = [];
    for (const fip of floatingIps) {
      const tags = fromNeutronTags(fip.tags);
      const described = tagsFromDescription(fip.description, owner);
      const base = { type: 'floating-ip', id: fip.id, deletionOrder: ORDER.network, ...createdAt(fip.created_at) };
      if (tags[TAG.providerName] !== undefined) resources.push({ ...base, tags });
      else if (described) resources.push({ ...base, tags: { ...tags, ...described } });
      else if (cleanFloatingIps && !fip.port_id) resources.push({ ...base, tags: this.claim(tags, 'clean-floating-ips') });
    }
    const candidates = this.portCandidates(ports);
    for (const port of ports) {
      const tags = fromNeutronTags(port.tags);
      const described = tagsFromDescription(port.description, owner);
      const base = { type: 'port', id: port.id, deletionOrder: ORDER.network, ...createdAt(port.created_at) };
      if (tags[TAG.providerName] !== undefined) resources.push({ ...base, tags });
      else if (described) resources.push({ ...base, tags: { ...tags, ...described } });
      else if (candidates.has(port.id)) resources.push({ ...base, tags: this.claim(tags, 'port-cleanup-interval') });
    }
    for (const volume of volumes) {
      const tags = { ...volume.metadata };
      if (tags[TAG.providerName] !== undefined) {
        resources.push({ type: 'volume', id: volume.id, tags, deletionOrder: ORDER.volume, ...createdAt(volume.created_at) });
      }
    }
    for (const image of images) {
      const tags = imageTags(image);
      if (tags[TAG.providerName] !== undefined && tags[TAG.uploadId] !== undefined) {
        resources.push({ type: 'image', id: image.id, tags, deletionOrder: ORDER.image, ...createdAt(image.created_at) });
      }
    }
    return resources;
  }

  /** Deletes one listed floating IP, port, volume or image; NotFound counts as done. */
  async delete(resource: CloudResource): Promise<void> {
    switch (resource.type) {
      case 'floating-ip':
        return ignoringNotFound(this.api.deleteFloatingIp(resource.id));
      case 'port':
        return ignoringNotFound(this.api.deletePort(resource.id));
      case 'volume':
        return ignoringNotFound(this.api.deleteVolume(resource.id));
      case 'image':
        return ignoringNotFound(this.api.deleteImage(resource.id));
      default:
        throw new CloudError('permanent', `cannot delete a ${resource.type}`, { action: 'delete-resource' });
    }
  }

  /** Untagged DOWN ports without a device that have been so for `port-cleanup-interval`; tracks first sightings. */
  private portCandidates(ports: readonly NeutronPort[]): Set<string> {
    const intervalMs = this.options.settings.portCleanupInterval * 1000;
    if (intervalMs <= 0) {
      this.downPortsSince.clear();
      return new Set();
    }
    const now = this.options.clock.now();
    const seen = new Set<string>();
    const due = new Set<string>();
    for (const port of ports) {
      const untagged = fromNeutronTags(port.tags)[TAG.providerName] === undefined;
      const computeOrUnowned = port.device_owner === '' || port.device_owner.startsWith('compute:');
      if (!untagged || port.status !== 'DOWN' || port.device_id !== '' || !computeOrUnowned) continue;
      seen.add(port.id);
      const since = this.downPortsSince.get(port.id) ?? now;
      this.downPortsSince.set(port.id, since);
      if (now - since >= intervalMs) due.add(port.id);
    }
    for (const id of this.downPortsSince.keys()) if (!seen.has(id)) this.downPortsSince.delete(id);
    return due;
  }

  private claim(tags: Record<string, string>, setting: 'clean-floating-ips' | 'port-cleanup-interval'): Record<string, string> {
    return {
      ...tags,
      [TAG.providerName]: this.options.providerName,
      [TAG.systemId]: this.options.systemId,
      [TAG.nodeId]: setting,
      [HEURISTIC_TAG]: setting,
    };
  }
}

/** An image's `nodepool_*` and `cloudpool_*` properties with string values: the tags the leak rules read. */
function imageTags(image: GlanceImage): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(image)) {
    if (typeof value === 'string' && (key.startsWith('nodepool_') || key.startsWith('cloudpool_'))) tags[key] = value;
  }
  return tags;
}

function createdAt(text: string | undefined): { createdAt?: number } {
  const value = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(value) ? {} : { createdAt: value };
}
