import type { Microversion } from './sdk/microversion.js';

/**
 * The narrow port between the adapter and OpenStack: exactly the calls the driver makes, with
 * the fields it reads. Implemented over HTTP by `HttpOpenStackApi`; anything else (a fake, a
 * recorder) can stand in. Every method rejects only with CloudErrors (404 is `not-found`, which
 * callers of deletes treat as done); lists are complete (every page) or reject.
 */
export interface OpenStackApi {
  /** The compute microversion every Nova call uses, negotiated once from Nova's version document. */
  computeMicroversion(): Promise<Microversion>;

  /** `POST /servers`: resolves once Nova accepted the server (it is still building). */
  createServer(server: ServerCreate): Promise<{ id: string }>;
  /** `GET /servers/detail`, every page; `tags` (all of them, server-side, from 2.26) and `name` (a regular expression) filter. */
  listServers(filter?: { tags?: string[]; name?: string }): Promise<NovaServer[]>;
  /** `GET /servers/{id}`: the one view with the `fault` of a server that never left cell0; undefined when there is none. */
  getServer(id: string): Promise<NovaServer | undefined>;
  deleteServer(id: string): Promise<void>;
  /** Nova's `os-getConsoleOutput` server action: the server's console log since boot. */
  getConsoleOutput(id: string): Promise<string>;
  /** `GET /flavors/detail`, every page. */
  listFlavors(): Promise<NovaFlavor[]>;
  /** `GET /limits`: the `absolute` limits and usage (`-1` means unlimited). */
  computeLimits(): Promise<Record<string, number>>;

  /** Glance `GET /v2/images?name=`, active images only, newest first. */
  findImagesByName(name: string): Promise<GlanceImage[]>;
  /** Glance `GET /v2/images/{id}`; undefined when there is none. */
  getImage(id: string): Promise<GlanceImage | undefined>;
  /**
   * Glance `GET /v2/images`, every page, filtered server-side on the custom property
   * `nodepool_provider_name=<providerName>` and on `owner`, the token's project (when Keystone
   * names it): the project's own images that carry the provider, in any status Glance lists;
   * none when the catalog has no image service.
   */
  listProviderImages(providerName: string): Promise<GlanceImage[]>;
  /** Glance `DELETE /v2/images/{id}` (204); 404 is `not-found`, a protected image 403. */
  deleteImage(id: string): Promise<void>;

  listNetworks(filter: { name?: string; id?: string; external?: boolean }): Promise<NeutronNetwork[]>;
  listSecurityGroups(filter: { name?: string; id?: string }): Promise<NeutronSecurityGroup[]>;
  /** `POST /ports`, with the tags in the body, which Neutron may ignore (Zed does): check them and use `replaceTags`. */
  createPort(port: PortCreate): Promise<NeutronPort>;
  /** Filters are server-side; `tags` means every one of them. No filter (or an empty one): every port. */
  listPorts(filter?: { deviceId?: string; tags?: string[] }): Promise<NeutronPort[]>;
  deletePort(id: string): Promise<void>;
  /**
   * Whether Neutron serves floating IPs: its extension list has `router` (the L3 plugin). Read
   * once and remembered (a failed read is not). Without it there are no floating IPs to make,
   * list or delete.
   */
  hasFloatingIps(): Promise<boolean>;
  /**
   * `POST /floatingips`, associated with `portId`. Untagged: Neutron refuses `tags` in the body
   * (400 "Attribute 'tags' not allowed in POST"); tag it with `replaceTags`. Only where `hasFloatingIps()`.
   */
  createFloatingIp(floatingIp: FloatingIpCreate): Promise<NeutronFloatingIp>;
  /**
   * `portIds`: floating IPs of any of these ports (server-side); absent or empty: every floating IP.
   * None, without a call, where Neutron has no floating IPs (`hasFloatingIps()`).
   */
  listFloatingIps(filter?: { portIds?: string[] }): Promise<NeutronFloatingIp[]>;
  deleteFloatingIp(id: string): Promise<void>;
  /** Neutron's tag API (`PUT /{ports|floatingips}/{id}/tags`), for clouds that ignore tags on create. */
  replaceTags(collection: 'ports' | 'floatingips', id: string, tags: string[]): Promise<void>;

  /** Whether the catalog has a block-storage service. */
  hasVolumeService(): Promise<boolean>;
  /** `GET /volumes/detail`, every page. */
  listVolumes(): Promise<CinderVolume[]>;
  deleteVolume(id: string): Promise<void>;
  /** Cinder's `GET /limits` `absolute` limits and usage. */
  volumeLimits(): Promise<Record<string, number>>;

  /** Releases the shared connection; no call may follow. */
  close(): void;
}

/** What the driver puts in `POST /servers`. */
export interface ServerCreate {
  name: string;
  flavorRef: string;
  /** Absent when booting from a volume. */
  imageRef?: string;
  /** Ports made beforehand, one per network. */
  portIds: string[];
  metadata: Record<string, string>;
  /** Sent only when the microversion allows tags on create (2.52). */
  tags?: string[];
  availabilityZone?: string;
  keyName?: string;
  /** Base64. */
  userData?: string;
  configDrive?: boolean;
  /** A new volume from the image, deleted with the server. */
  bootVolume?: { imageId: string; sizeGb: number };
}

export interface PortCreate {
  networkId: string;
  name: string;
  /** See `identityDescription`: what ties the port to its node if it is never tagged. */
  description: string;
  tags: string[];
  securityGroupIds?: string[];
}

export interface FloatingIpCreate {
  networkId: string;
  portId: string;
  description: string;
}

export interface NovaAddress {
  addr: string;
  version: number;
  'OS-EXT-IPS:type'?: string;
}

/** A server of `GET /servers/detail`, with the fields the driver reads. */
export interface NovaServer {
  id: string;
  name: string;
  status: string;
  'OS-EXT-STS:task_state'?: string | null;
  metadata?: Record<string, string>;
  tags?: string[];
  addresses?: Record<string, NovaAddress[]>;
  accessIPv4?: string;
  accessIPv6?: string;
  /** From 2.47 a copy of the flavor's sizes; before, a reference by id. */
  flavor?: { id?: string; vcpus?: number; ram?: number };
  fault?: { code?: number; message?: string };
  hostId?: string;
  created?: string;
  'OS-EXT-AZ:availability_zone'?: string;
}

export interface NovaFlavor {
  id: string;
  name: string;
  vcpus: number;
  /** MiB. */
  ram: number;
  'OS-FLV-DISABLED:disabled'?: boolean;
}

/**
 * A Glance v2 image: its base properties, and its custom properties (string values, e.g.
 * `nodepool_upload_id`) as top-level keys beside them.
 */
export interface GlanceImage {
  id: string;
  name: string;
  status: string;
  owner?: string;
  created_at?: string;
  [property: string]: unknown;
}

export interface NeutronNetwork {
  id: string;
  name: string;
  'router:external'?: boolean;
  is_default?: boolean;
}

export interface NeutronSecurityGroup {
  id: string;
  name: string;
}

export interface NeutronPort {
  id: string;
  network_id: string;
  device_id: string;
  device_owner: string;
  status: string;
  fixed_ips: Array<{ ip_address: string }>;
  description?: string;
  tags?: string[];
  created_at?: string;
}

export interface NeutronFloatingIp {
  id: string;
  floating_ip_address: string;
  port_id: string | null;
  status: string;
  description?: string;
  tags?: string[];
  created_at?: string;
}

export interface CinderVolume {
  id: string;
  /** GiB. */
  size: number;
  status: string;
  metadata?: Record<string, string>;
  attachments?: Array<{ server_id?: string }>;
  created_at?: string;
}
