import { CloudError } from '@cloudpool/common';
import type { NeutronNetwork, NovaFlavor, OpenStackApi } from './port.js';
import type { OpenStackCloudImageSettings, OpenStackLabelSettings } from './config.js';

/**
 * Names from the configuration resolved to cloud ids: flavors, images, networks, the external
 * network for floating IPs and security groups. Each is looked up once and remembered (a
 * failed lookup is not); `clear()` forgets everything, e.g. after Nova answered 400 to a create,
 * which most often means one of them went stale.
 */
export class CloudLookups {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly api: OpenStackApi,
    private readonly warn: (message: string) => void,
  ) {}

  clear(): void {
    this.memo.clear();
  }

  /** Every flavor, smallest RAM first. */
  flavors(): Promise<NovaFlavor[]> {
    return this.remember('flavors', async () => (await this.api.listFlavors()).sort((a, b) => a.ram - b.ram));
  }

  /**
   * A label's flavor, as Nodepool picks it: with `min-ram`, the smallest flavor with at least
   * that much RAM (whose name contains `flavor-name`, if set); otherwise the flavor whose name
   * or id is `flavor-name`. Disabled flavors are never picked.
   */
  async flavorFor(label: OpenStackLabelSettings): Promise<NovaFlavor> {
    const flavors = (await this.flavors()).filter((flavor) => !flavor['OS-FLV-DISABLED:disabled']);
    const { flavorName, minRam } = label;
    const flavor =
      minRam !== undefined
        ? flavors.find((candidate) => candidate.ram >= minRam && (!flavorName || candidate.name.includes(flavorName)))
        : flavors.find((candidate) => candidate.name === flavorName || candidate.id === flavorName);
    if (flavor) return flavor;
    const wanted = minRam !== undefined ? `with at least ${minRam} MiB of RAM${flavorName ? ` named like "${flavorName}"` : ''}` : `"${flavorName ?? ''}"`;
    throw lookupError(`no flavor ${wanted}`);
  }

  /** The image of a cloud image: `image-id` as is; `image-name`, the newest active image of that name, else an image with that id. */
  imageId(cloudImage: string, settings: OpenStackCloudImageSettings): Promise<string> {
    if (settings.imageId) return Promise.resolve(settings.imageId);
    const name = settings.imageName ?? cloudImage;
    return this.remember(`image:${name}`, async () => {
      const [newest] = await this.api.findImagesByName(name);
      if (newest) return newest.id;
      const byId = await this.api.getImage(name);
      if (byId) return byId.id;
      throw lookupError(`no active image named "${name}" for cloud-image ${cloudImage}`);
    });
  }

  /**
   * The ids of networks given by name or id. None given: the project's one non-external
   * network, as Nova's `networks: auto` would pick it (several are an error: configure `networks`).
   */
  async networkIds(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [await this.remember('network:default', () => this.defaultNetwork())];
    return Promise.all(names.map((name) => this.remember(`network:${name}`, () => this.network(name))));
  }

  /**
   * The external network floating IPs come from: the default one (`is_default`), else the first by
   * name; none (with one warning) where Neutron has no floating IPs or no external network, where
   * Nodepool too boots without a floating IP.
   */
  externalNetworkId(): Promise<string | undefined> {
    return this.remember('network:external', async () => {
      if (!(await this.api.hasFloatingIps())) {
        this.warn('auto-floating-ip: Neutron has no floating IPs (no L3 API); nodes boot without one');
        return undefined;
      }
      const external = (await this.api.listNetworks({ external: true })).sort((a, b) => a.name.localeCompare(b.name));
      const chosen = external.find((network) => network.is_default) ?? external[0];
      if (!chosen) {
        this.warn('auto-floating-ip: no external network to allocate floating IPs from; nodes boot without one');
        return undefined;
      }
      if (external.length > 1 && !chosen.is_default) this.warn(`several external networks and none is the default: floating IPs come from ${chosen.name}`);
      return chosen.id;
    });
  }

  /** Security group ids of names (or ids). */
  securityGroupIds(names: readonly string[]): Promise<string[]> {
    return Promise.all(
      names.map((name) =>
        this.remember(`security-group:${name}`, async () => {
          const found = await this.unique('security group', name, (filter) => this.api.listSecurityGroups(filter));
          return found.id;
        }),
      ),
    );
  }

  private async network(name: string): Promise<string> {
    return (await this.unique('network', name, (filter) => this.api.listNetworks(filter))).id;
  }

  private async defaultNetwork(): Promise<string> {
    const candidates: NeutronNetwork[] = await this.api.listNetworks({ external: false });
    if (candidates.length === 1 && candidates[0]) return candidates[0].id;
    throw lookupError(`the pool names no networks and the project has ${candidates.length} non-external networks: set networks`);
  }

  /** The one item named `name`, else the one with id `name`; none or several is an error. */
  private async unique<T extends { id: string }>(what: string, name: string, list: (filter: { name?: string; id?: string }) => Promise<T[]>): Promise<T> {
    let found = await list({ name });
    if (found.length === 0) found = await list({ id: name });
    if (found.length > 1) throw lookupError(`${what} name "${name}" is ambiguous (${found.length} match): use its id`);
    if (!found[0]) throw lookupError(`no ${what} "${name}"`);
    return found[0];
  }

  private remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.memo.set(key, value);
      value.catch(() => {
        if (this.memo.get(key) === value) this.memo.delete(key);
      });
    }
    return value;
  }
}

function lookupError(message: string): CloudError {
  return new CloudError('permanent', message, { action: 'lookup' });
}
