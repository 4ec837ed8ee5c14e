import type { ImageVisibility, PortStatus, VolumeStatus } from './model.js';
import { DEFAULT_AVAILABILITY_ZONE, NO_VALID_HOST } from './nova/common.js';
import { PRIVATE_NETWORK, PUBLIC_NETWORK, type OpenStackState } from './openstack-state.js';
import { serverState } from './resource-status.js';
import { launchServer } from './nova/server-launcher.js';

/** A server planted as if someone (cloudpool or not) had made it earlier. */
export interface SeedServer {
  name: string;
  /** Flavor id or name; `m1.small` by default. */
  flavor?: string;
  /** Image id or name; `ubuntu-jammy` by default. */
  image?: string;
  /** Network ids or names to plug into; `["private"]` by default, `[]` for none. */
  networks?: string[];
  metadata?: Record<string, string>;
  tags?: string[];
  /** ACTIVE by default. BUILD stays BUILD (a stuck build); ERROR gets `fault` (No valid host by default). */
  status?: 'ACTIVE' | 'BUILD' | 'ERROR' | 'SHUTOFF';
  fault?: { code?: number; message: string };
  /** How long ago it was created. */
  ageMs?: number;
  keyName?: string;
}

/** A port, e.g. one leaked by a failed launch (`device_owner` `compute:nova`, no device). */
export interface SeedPort {
  /** Network id or name; `private` by default. */
  network?: string;
  name?: string;
  description?: string;
  deviceId?: string;
  deviceOwner?: string;
  tags?: string[];
  /** A fixed status; otherwise derived from the bound server. */
  status?: PortStatus;
}

export interface SeedFloatingIp {
  /** External network id or name; `public` by default. */
  network?: string;
  /** Associate it with this port. */
  portId?: string;
  description?: string;
  tags?: string[];
}

export interface SeedVolume {
  name?: string;
  sizeGb?: number;
  metadata?: Record<string, string>;
  /** `available` by default. */
  status?: VolumeStatus;
  /** The server it is attached to. */
  attachedTo?: string;
  ageMs?: number;
}

/** A Glance image, e.g. an upload left by a builder (its `nodepool_*` properties in `properties`). */
export interface SeedImage {
  name?: string;
  /** Custom properties, shown as top-level keys of the image. */
  properties?: Record<string, string>;
  /** `shared` by default (Glance's default for a new image). */
  visibility?: ImageVisibility;
  protected?: boolean;
  /** The owning project's id; the simulator's project by default. */
  owner?: string;
  ageMs?: number;
}

/** The body of `POST /__sim/seed` (and of `OpenStackSimulator.seed`). */
export interface OpenStackSeed {
  servers?: SeedServer[];
  ports?: SeedPort[];
  floatingIps?: SeedFloatingIp[];
  volumes?: SeedVolume[];
  images?: SeedImage[];
  /** Faults the next server builds end in, one per create, e.g. `{"code": 500, "message": "No valid host was found. ..."}`. */
  buildFaults?: Array<{ code?: number; message: string }>;
}

/** The ids of what a seed made, in the order given. */
export interface OpenStackSeedResult {
  servers: string[];
  ports: string[];
  floatingIps: string[];
  volumes: string[];
  images: string[];
}

/** Counts of what the cloud holds; servers also by status. */
export interface OpenStackResourceCounts {
  servers: number;
  serversByStatus: Record<string, number>;
  ports: number;
  floatingIps: number;
  volumes: number;
  networks: number;
  images: number;
  keypairs: number;
}

/** Plants a seed; an unknown flavor, image or network is an error. */
export function applySeed(state: OpenStackState, now: number, seed: OpenStackSeed): OpenStackSeedResult {
  const result: OpenStackSeedResult = { servers: [], ports: [], floatingIps: [], volumes: [], images: [] };
  for (const server of seed.servers ?? []) result.servers.push(seedServer(state, now, server));
  for (const port of seed.ports ?? []) {
    const network = requireNetwork(state, port.network ?? PRIVATE_NETWORK);
    const record = state.createPort({ ...port, networkId: network.id });
    state.servers.get(record.deviceId)?.ports.push({ portId: record.id, preexisting: false });
    result.ports.push(record.id);
  }
  for (const request of seed.floatingIps ?? []) {
    const network = requireNetwork(state, request.network ?? PUBLIC_NETWORK);
    const floatingIp = state.createFloatingIp({ networkId: network.id, ...(request.description ? { description: request.description } : {}), tags: request.tags ?? [] });
    if (request.portId) {
      const port = state.ports.get(request.portId);
      if (!port) throw new Error(`seed: no port ${request.portId}`);
      state.associateFloatingIp(floatingIp, port);
    }
    result.floatingIps.push(floatingIp.id);
  }
  for (const volume of seed.volumes ?? []) {
    const createdAt = now - (volume.ageMs ?? 0);
    const attachedTo = volume.attachedTo ?? null;
    const server = attachedTo ? state.servers.get(attachedTo) : undefined;
    if (attachedTo && !server) throw new Error(`seed: no server ${attachedTo}`);
    const record = state.createVolume({
      sizeGb: volume.sizeGb ?? 1,
      name: volume.name ?? null,
      metadata: volume.metadata ?? {},
      readyAt: createdAt,
      createdAt,
      attachedTo,
      ...(volume.status ? { status: volume.status } : {}),
    });
    server?.volumes.push({ volumeId: record.id, deleteOnTermination: false });
    result.volumes.push(record.id);
  }
  for (const [index, image] of (seed.images ?? []).entries()) {
    const { name, ageMs, ...rest } = image;
    result.images.push(state.createImage({ ...rest, name: name ?? `image-${now}-${index}`, createdAt: now - (ageMs ?? 0) }).id);
  }
  for (const fault of seed.buildFaults ?? []) state.pendingBuildFaults.push({ code: fault.code ?? 500, message: fault.message });
  return result;
}

function seedServer(state: OpenStackState, now: number, seed: SeedServer): string {
  const flavorRef = seed.flavor ?? 'm1.small';
  const flavor = state.flavors.find((candidate) => candidate.id === flavorRef || candidate.name === flavorRef);
  if (!flavor) throw new Error(`seed: no flavor ${flavorRef}`);
  const image = state.findImage(seed.image ?? 'ubuntu-jammy');
  if (!image) throw new Error(`seed: no image ${seed.image ?? ''}`);
  const createdAt = now - (seed.ageMs ?? 0);
  const status = seed.status ?? 'ACTIVE';
  const server = launchServer(state, {
    name: seed.name,
    flavor,
    imageId: image.id,
    nics: (seed.networks ?? [PRIVATE_NETWORK]).map((network) => ({ networkId: requireNetwork(state, network).id })),
    keyName: seed.keyName ?? null,
    availabilityZone: DEFAULT_AVAILABILITY_ZONE,
    metadata: seed.metadata ?? {},
    tags: seed.tags ?? [],
    userData: null,
    description: null,
    ...(status === 'ERROR' ? { fault: { code: seed.fault?.code ?? NO_VALID_HOST.code, message: seed.fault?.message ?? NO_VALID_HOST.message } } : {}),
    createdAt,
    readyAt: status === 'BUILD' ? Infinity : createdAt,
    stopped: status === 'SHUTOFF',
  });
  return server.id;
}

function requireNetwork(state: OpenStackState, idOrName: string) {
  const network = state.findNetwork(idOrName);
  if (!network) throw new Error(`seed: no network ${idOrName}`);
  return network;
}

export function countResources(state: OpenStackState, now: number): OpenStackResourceCounts {
  const serversByStatus: Record<string, number> = {};
  for (const server of state.servers.values()) {
    const { status } = serverState(server, now);
    serversByStatus[status] = (serversByStatus[status] ?? 0) + 1;
  }
  return {
    servers: state.servers.size,
    serversByStatus,
    ports: state.ports.size,
    floatingIps: state.floatingIps.size,
    volumes: state.volumes.size,
    networks: state.networks.size,
    images: state.images.size,
    keypairs: state.keypairs.size,
  };
}
