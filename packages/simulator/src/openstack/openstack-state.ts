import { randomBytes } from 'node:crypto';
import type { Clock, SshHosts } from '../core/index.js';
import { ApiError } from './errors.js';
import { DEFAULT_FLAVORS } from './nova/flavors.js';
import type { CloudIdentity } from './keystone/identity.js';
import { IpAllocator } from './neutron/ip-allocator.js';
import type {
  FlavorSpec,
  FloatingIpRecord,
  ImageRecord,
  KeypairRecord,
  NetworkRecord,
  PortRecord,
  PortStatus,
  RouterRecord,
  ServerRecord,
  SubnetRecord,
  VolumeRecord,
  VolumeStatus,
} from './model.js';
import { PortStore } from './neutron/port-store.js';
import { ServerStore } from './nova/server-store.js';
import { newHexId, newUuid } from './wire.js';

/** Name of the seeded external network floating IPs come from. */
export const PUBLIC_NETWORK = 'public';
/** Name of the seeded project network servers boot on by default. */
export const PRIVATE_NETWORK = 'private';
/** Nova's owner of the ports it makes for a server in availability zone `nova`. */
export const COMPUTE_PORT_OWNER = 'compute:nova';

export interface NewPort {
  networkId: string;
  name?: string;
  description?: string;
  deviceId?: string;
  deviceOwner?: string;
  tags?: string[];
  status?: PortStatus;
}

export interface NewVolume {
  sizeGb: number;
  name?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  imageId?: string | null;
  availabilityZone?: string;
  readyAt: number;
  failed?: boolean;
  status?: VolumeStatus;
  attachedTo?: string | null;
  createdAt?: number;
}

/**
 * Everything the simulated cloud holds for its one project, shared by all services: Nova's
 * servers, Neutron's networks, ports and floating IPs, Cinder's volumes, Glance's images.
 * Cross-service effects live here (a server's deletion removes its ports, disassociates their
 * floating IPs and deletes its `delete_on_termination` volumes) and happen in `settle`, which
 * runs before every API call and applies whatever the clock says is finished.
 */
export class OpenStackState {
  readonly servers = new ServerStore();
  readonly ports = new PortStore();
  readonly floatingIps = new Map<string, FloatingIpRecord>();
  readonly networks = new Map<string, NetworkRecord>();
  readonly subnets = new Map<string, SubnetRecord>();
  readonly routers = new Map<string, RouterRecord>();
  readonly volumes = new Map<string, VolumeRecord>();
  readonly images = new Map<string, ImageRecord>();
  readonly keypairs = new Map<string, KeypairRecord>();
  readonly flavors: readonly FlavorSpec[] = DEFAULT_FLAVORS;
  readonly defaultSecurityGroupId = newUuid();
  /** The cloud operator's project, owner of the external network and the public images. */
  readonly adminProjectId = newHexId();
  /** Faults the next server builds end in (ERROR instead of ACTIVE), oldest first. */
  readonly pendingBuildFaults: Array<{ code: number; message: string }> = [];
  private readonly allocators = new Map<string, IpAllocator>();
  private readonly floatingIpByPort = new Map<string, FloatingIpRecord>();
  private readonly deletingServers = new Set<ServerRecord>();
  private readonly deletingVolumes = new Set<VolumeRecord>();
  private lastSequence = 0;

  constructor(
    readonly identity: CloudIdentity,
    private readonly clock: Clock,
    /** SSH mode: the networks are halves of its loopback block, and each server runs an sshd on its addresses. */
    readonly ssh?: SshHosts,
  ) {
    this.plantDefaults();
  }

  /** A server's IPv4 addresses: its ports' fixed IPs and their floating IPs. */
  serverAddresses(server: ServerRecord): string[] {
    return server.ports.flatMap(({ portId }) => {
      const port = this.ports.get(portId);
      const floating = this.floatingIpByPort.get(portId)?.floatingIpAddress;
      return [...(port?.fixedIps.map((fixed) => fixed.ipAddress) ?? []), ...(floating ? [floating] : [])];
    });
  }

  get projectId(): string {
    return this.identity.project.id;
  }

  get userId(): string {
    return this.identity.user.id;
  }

  nextSequence(): number {
    return ++this.lastSequence;
  }

  /** A network by id or (for seeds and `networks: "auto"`) by name. */
  findNetwork(idOrName: string): NetworkRecord | undefined {
    const byId = this.networks.get(idOrName);
    if (byId) return byId;
    for (const network of this.networks.values()) if (network.name === idOrName) return network;
    return undefined;
  }

  /** A Glance image by id or (for seeds) by name. */
  findImage(idOrName: string): ImageRecord | undefined {
    const byId = this.images.get(idOrName);
    if (byId) return byId;
    for (const image of this.images.values()) if (image.name === idOrName) return image;
    return undefined;
  }

  /** Makes a port with an address on the network's first subnet. */
  createPort(input: NewPort): PortRecord {
    const network = this.networks.get(input.networkId);
    if (!network) throw new ApiError(404, `Network ${input.networkId} could not be found.`, 'NetworkNotFound');
    const subnetId = network.subnetIds[0];
    const allocator = subnetId === undefined ? undefined : this.allocators.get(subnetId);
    const now = this.clock.now();
    const port: PortRecord = {
      id: newUuid(),
      name: input.name ?? '',
      description: input.description ?? '',
      networkId: network.id,
      projectId: this.projectId,
      deviceId: input.deviceId ?? '',
      deviceOwner: input.deviceOwner ?? '',
      macAddress: `fa:16:3e:${randomBytes(3).toString('hex').match(/../g)?.join(':') ?? '00:00:00'}`,
      fixedIps: subnetId !== undefined && allocator ? [{ subnetId, ipAddress: allocator.allocate() }] : [],
      tags: [...new Set(input.tags ?? [])],
      securityGroupIds: network.external ? [] : [this.defaultSecurityGroupId],
      createdAt: now,
      updatedAt: now,
      revision: 1,
    };
    if (input.status) port.status = input.status;
    this.ports.add(port);
    return port;
  }

  /** Removes a port, releasing its addresses and disassociating its floating IP. */
  deletePort(port: PortRecord): void {
    for (const fixedIp of port.fixedIps) this.allocators.get(fixedIp.subnetId)?.release(fixedIp.ipAddress);
    const floatingIp = this.floatingIpByPort.get(port.id);
    if (floatingIp) this.associateFloatingIp(floatingIp, null);
    const server = port.deviceId ? this.servers.get(port.deviceId) : undefined;
    if (server) server.ports = server.ports.filter((plugged) => plugged.portId !== port.id);
    this.ports.remove(port);
  }

  /** The address range of a subnet (its `allocation_pools`). */
  allocationPool(subnetId: string): { start: string; end: string } | undefined {
    return this.allocators.get(subnetId)?.pool;
  }

  floatingIpOfPort(portId: string): FloatingIpRecord | undefined {
    return this.floatingIpByPort.get(portId);
  }

  /** Allocates a floating IP on an external network. */
  createFloatingIp(input: { networkId: string; description?: string; tags?: string[] }): FloatingIpRecord {
    const network = this.networks.get(input.networkId);
    if (!network) throw new ApiError(404, `Network ${input.networkId} could not be found.`, 'NetworkNotFound');
    if (!network.external) {
      throw new ApiError(400, `Bad floatingip request: Network ${network.id} is not a valid external network.`, 'BadRequest');
    }
    const subnetId = network.subnetIds[0] ?? '';
    const allocator = this.allocators.get(subnetId);
    if (!allocator) throw new ApiError(409, `No more IP addresses available on network ${network.id}.`, 'IpAddressGenerationFailure');
    const now = this.clock.now();
    const floatingIp: FloatingIpRecord = {
      id: newUuid(),
      projectId: this.projectId,
      floatingNetworkId: network.id,
      floatingIpAddress: allocator.allocate(),
      portId: null,
      fixedIpAddress: null,
      routerId: null,
      description: input.description ?? '',
      tags: [...new Set(input.tags ?? [])],
      createdAt: now,
      updatedAt: now,
      revision: 0,
    };
    this.floatingIps.set(floatingIp.id, floatingIp);
    return floatingIp;
  }

  /**
   * Points a floating IP at a port's first fixed address (or at nothing), as
   * `PUT /floatingips/{id}` does. A port can hold only one floating IP (409, as Neutron).
   */
  associateFloatingIp(floatingIp: FloatingIpRecord, port: PortRecord | null): void {
    if (port) {
      const holder = this.floatingIpByPort.get(port.id);
      if (holder && holder !== floatingIp) {
        throw new ApiError(
          409,
          `Cannot associate floating IP ${floatingIp.floatingIpAddress} (${floatingIp.id}) with port ${port.id} using fixed IP ${port.fixedIps[0]?.ipAddress ?? ''}, as that fixed IP already has a floating IP on external network ${floatingIp.floatingNetworkId}.`,
          'FloatingIPPortAlreadyAssociated',
        );
      }
      if (port.fixedIps.length === 0) {
        throw new ApiError(400, `Bad floatingip request: Port ${port.id} does not have any IP addresses on it.`, 'BadRequest');
      }
    }
    const previousPortId = floatingIp.portId;
    if (floatingIp.portId) this.floatingIpByPort.delete(floatingIp.portId);
    floatingIp.portId = port?.id ?? null;
    floatingIp.fixedIpAddress = port?.fixedIps[0]?.ipAddress ?? null;
    floatingIp.routerId = port ? this.routerFor(floatingIp.floatingNetworkId) : null;
    floatingIp.updatedAt = this.clock.now();
    floatingIp.revision += 1;
    if (port) this.floatingIpByPort.set(port.id, floatingIp);
    for (const server of this.servers.values()) if (server.ports.some((plugged) => plugged.portId === port?.id || plugged.portId === previousPortId)) this.ssh?.refresh(server.id);
  }

  deleteFloatingIp(floatingIp: FloatingIpRecord): void {
    if (floatingIp.portId) this.floatingIpByPort.delete(floatingIp.portId);
    const network = this.networks.get(floatingIp.floatingNetworkId);
    const subnetId = network?.subnetIds[0];
    if (subnetId !== undefined) this.allocators.get(subnetId)?.release(floatingIp.floatingIpAddress);
    this.floatingIps.delete(floatingIp.id);
  }

  createVolume(input: NewVolume): VolumeRecord {
    const now = this.clock.now();
    const volume: VolumeRecord = {
      id: newUuid(),
      name: input.name ?? null,
      description: input.description ?? null,
      sizeGb: input.sizeGb,
      projectId: this.projectId,
      userId: this.userId,
      availabilityZone: input.availabilityZone ?? 'nova',
      metadata: { ...input.metadata },
      imageId: input.imageId ?? null,
      createdAt: input.createdAt ?? now,
      readyAt: input.readyAt,
      updatedAt: now,
      failed: input.failed ?? false,
      attachedTo: input.attachedTo ?? null,
    };
    if (input.status) volume.status = input.status;
    this.volumes.set(volume.id, volume);
    return volume;
  }

  /** Cinder's volume usage: how many volumes, and their gigabytes. */
  volumeTotals(): { volumes: number; gigabytes: number } {
    let gigabytes = 0;
    for (const volume of this.volumes.values()) gigabytes += volume.sizeGb;
    return { volumes: this.volumes.size, gigabytes };
  }

  /** Starts deleting a server; it is gone `deleteTimeMs` later (at once for 0). */
  requestServerDeletion(server: ServerRecord, deleteTimeMs: number): void {
    if (server.goneAt !== undefined) return;
    const now = this.clock.now();
    server.deleteRequestedAt = now;
    server.goneAt = now + deleteTimeMs;
    this.ssh?.remove(server.id);
    server.updatedAt = now;
    this.deletingServers.add(server);
    this.settle();
  }

  /** Starts deleting a volume; it is gone `deleteTimeMs` later (at once for 0). */
  requestVolumeDeletion(volume: VolumeRecord, deleteTimeMs: number): void {
    if (volume.goneAt !== undefined) return;
    const now = this.clock.now();
    volume.deleteRequestedAt = now;
    volume.goneAt = now + deleteTimeMs;
    volume.updatedAt = now;
    this.deletingVolumes.add(volume);
    this.settle();
  }

  /** Applies the deletions the clock says are finished. */
  settle(): void {
    const now = this.clock.now();
    for (const server of this.deletingServers) {
      if ((server.goneAt ?? Infinity) > now) continue;
      this.deletingServers.delete(server);
      this.finishServerDeletion(server);
    }
    for (const volume of this.deletingVolumes) {
      if ((volume.goneAt ?? Infinity) > now) continue;
      this.deletingVolumes.delete(volume);
      this.volumes.delete(volume.id);
    }
  }

  /** Forgets every resource and plants the default networks and images again. */
  clear(): void {
    this.servers.clear();
    this.ports.clear();
    this.floatingIps.clear();
    this.floatingIpByPort.clear();
    this.networks.clear();
    this.subnets.clear();
    this.allocators.clear();
    this.routers.clear();
    this.volumes.clear();
    this.images.clear();
    this.keypairs.clear();
    this.pendingBuildFaults.length = 0;
    this.deletingServers.clear();
    this.deletingVolumes.clear();
    this.plantDefaults();
  }

  /**
   * What Nova does once a deleted server is gone: the ports it made are deleted (their
   * floating IPs stay, disassociated), ports the client passed in are unbound, volumes with
   * `delete_on_termination` are deleted and the others detached.
   */
  private finishServerDeletion(server: ServerRecord): void {
    for (const plugged of server.ports) {
      const port = this.ports.get(plugged.portId);
      if (!port) continue;
      if (plugged.preexisting) this.ports.bind(port, '', '');
      else this.deletePort(port);
    }
    for (const attachment of server.volumes) {
      const volume = this.volumes.get(attachment.volumeId);
      if (!volume) continue;
      volume.attachedTo = null;
      delete volume.status;
      if (attachment.deleteOnTermination) this.volumes.delete(volume.id);
    }
    this.servers.remove(server);
  }

  private routerFor(externalNetworkId: string): string | null {
    for (const router of this.routers.values()) if (router.externalNetworkId === externalNetworkId) return router.id;
    return null;
  }

  private plantDefaults(): void {
    const now = this.clock.now();
    const loopback = this.ssh?.cidrs();
    const publicNetwork = this.plantNetwork(PUBLIC_NETWORK, true, loopback?.public ?? '172.24.0.0/16', now);
    this.plantNetwork(PRIVATE_NETWORK, false, loopback?.private ?? '10.0.0.0/16', now);
    const router: RouterRecord = { id: newUuid(), name: 'router1', externalNetworkId: publicNetwork.id };
    this.routers.set(router.id, router);
    this.plantImage('ubuntu-jammy', 'ubuntu', 2_361_393_152, now);
    this.plantImage('debian-bookworm', 'debian', 1_979_711_488, now);
  }

  private plantNetwork(name: string, external: boolean, cidr: string, now: number): NetworkRecord {
    const network: NetworkRecord = {
      id: newUuid(),
      name,
      projectId: external ? this.adminProjectId : this.projectId,
      external,
      shared: false,
      mtu: external ? 1500 : 1450,
      subnetIds: [],
      tags: [],
      createdAt: now,
    };
    const subnetId = newUuid();
    const allocator = new IpAllocator(cidr, network.id);
    const subnet: SubnetRecord = {
      id: subnetId,
      name: `${name}-subnet`,
      networkId: network.id,
      projectId: network.projectId,
      cidr,
      gatewayIp: allocator.gateway,
      tags: [],
      createdAt: now,
    };
    network.subnetIds.push(subnetId);
    this.networks.set(network.id, network);
    this.subnets.set(subnetId, subnet);
    this.allocators.set(subnetId, allocator);
    return network;
  }

  private plantImage(name: string, osDistro: string, sizeBytes: number, now: number): void {
    this.createImage({ name, osDistro, sizeBytes, owner: this.adminProjectId, visibility: 'public', createdAt: now });
  }

  /** An active qcow2 image: by default the project's own, `shared` (Glance's default), unprotected, without properties. */
  createImage(input: Partial<Omit<ImageRecord, 'id'>> & { name: string; createdAt: number }): ImageRecord {
    const image: ImageRecord = {
      id: newUuid(),
      name: input.name,
      diskFormat: input.diskFormat ?? 'qcow2',
      containerFormat: input.containerFormat ?? 'bare',
      sizeBytes: input.sizeBytes ?? 1_073_741_824,
      minDiskGb: input.minDiskGb ?? 0,
      minRamMb: input.minRamMb ?? 0,
      osDistro: input.osDistro ?? '',
      owner: input.owner ?? this.projectId,
      createdAt: input.createdAt,
      tags: input.tags ?? [],
      visibility: input.visibility ?? 'shared',
      protected: input.protected ?? false,
      properties: { ...input.properties },
    };
    this.images.set(image.id, image);
    return image;
  }
}
