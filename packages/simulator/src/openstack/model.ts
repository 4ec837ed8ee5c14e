/**
 * The simulated cloud's records. Times are clock milliseconds. Statuses that change with time
 * (BUILD → ACTIVE, deleting → gone) are not stored: they are derived from these times when
 * read (see `resource-status.ts`), so no resource needs a timer.
 */

/** A flavor as Nova describes it. */
export interface FlavorSpec {
  id: string;
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

/** Why a server is in ERROR, shown as its `fault`. */
export interface ServerFault {
  code: number;
  message: string;
  createdAt: number;
}

/** A port a server is plugged into; Nova deletes the ports it made and only unbinds the others. */
export interface ServerPort {
  portId: string;
  /** The client passed this port in `networks: [{port}]`, so it survives the server. */
  preexisting: boolean;
}

export interface VolumeAttachment {
  volumeId: string;
  deleteOnTermination: boolean;
}

export interface ServerRecord {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  flavor: FlavorSpec;
  /** Empty for a server booted from a volume, as Nova shows it (`"image": ""`). */
  imageId: string;
  keyName: string | null;
  availabilityZone: string;
  metadata: Record<string, string>;
  tags: string[];
  description: string | null;
  userData: string | null;
  /** Created order: ties of `createdAt` are broken by it, newest last. */
  sequence: number;
  createdAt: number;
  /** When BUILD becomes ACTIVE. */
  readyAt: number;
  updatedAt: number;
  /** When the server went to ERROR instead of booting, and why. */
  fault?: ServerFault;
  /** Powered off (SHUTOFF) rather than running, for seeded servers. */
  stopped: boolean;
  /** When the client asked to delete it; the server is gone at `goneAt`. */
  deleteRequestedAt?: number;
  goneAt?: number;
  ports: ServerPort[];
  volumes: VolumeAttachment[];
}

export interface FixedIp {
  subnetId: string;
  ipAddress: string;
}

export type PortStatus = 'ACTIVE' | 'DOWN' | 'BUILD';

export interface PortRecord {
  id: string;
  name: string;
  description: string;
  networkId: string;
  projectId: string;
  deviceId: string;
  deviceOwner: string;
  macAddress: string;
  fixedIps: FixedIp[];
  tags: string[];
  securityGroupIds: string[];
  /** A fixed status for seeded ports; otherwise derived from the bound server. */
  status?: PortStatus;
  createdAt: number;
  updatedAt: number;
  revision: number;
}

export interface FloatingIpRecord {
  id: string;
  projectId: string;
  floatingNetworkId: string;
  floatingIpAddress: string;
  portId: string | null;
  fixedIpAddress: string | null;
  routerId: string | null;
  description: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  revision: number;
}

export interface NetworkRecord {
  id: string;
  name: string;
  projectId: string;
  external: boolean;
  shared: boolean;
  mtu: number;
  subnetIds: string[];
  tags: string[];
  createdAt: number;
}

export interface SubnetRecord {
  id: string;
  name: string;
  networkId: string;
  projectId: string;
  cidr: string;
  gatewayIp: string;
  tags: string[];
  createdAt: number;
}

export interface RouterRecord {
  id: string;
  name: string;
  externalNetworkId: string;
}

export type VolumeStatus = 'creating' | 'available' | 'in-use' | 'deleting' | 'error';

export interface VolumeRecord {
  id: string;
  name: string | null;
  description: string | null;
  sizeGb: number;
  projectId: string;
  userId: string;
  availabilityZone: string;
  metadata: Record<string, string>;
  imageId: string | null;
  createdAt: number;
  /** When `creating` becomes `available` (or `in-use`). */
  readyAt: number;
  updatedAt: number;
  /** The scheduler found no backend: the volume is in `error`. */
  failed: boolean;
  /** A fixed status for seeded volumes; otherwise derived. */
  status?: VolumeStatus;
  /** The server it is attached to, if any. */
  attachedTo: string | null;
  deleteRequestedAt?: number;
  goneAt?: number;
}

export interface ImageRecord {
  id: string;
  name: string;
  /** Null until set: an image created without one cannot take data. */
  diskFormat: string | null;
  containerFormat: string | null;
  /** Null while the image has no data (`queued`). */
  sizeBytes: number | null;
  minDiskGb: number;
  minRamMb: number;
  osDistro: string;
  /** The project that uploaded it (the cloud's admin project for public images). */
  owner: string;
  createdAt: number;
  tags: string[];
  /** Who may see it: Glance's `public`, `community`, `shared` (its default) or `private`. */
  visibility: ImageVisibility;
  /** A protected image cannot be deleted. */
  protected: boolean;
  /** Custom properties (string values), shown as top-level keys of the image, e.g. `nodepool_upload_id`. */
  properties: Record<string, string>;
  /** Glance's status: `queued` (no data yet), `saving` (taking data), `active`. Absent: `active` (planted images). */
  status?: 'queued' | 'saving' | 'active';
  /** MD5 and SHA-512 of the uploaded data; absent for planted images (whose checksums derive from the id). */
  checksum?: string;
  hashValue?: string;
}

export type ImageVisibility = 'public' | 'community' | 'shared' | 'private';

export interface KeypairRecord {
  name: string;
  publicKey: string;
  fingerprint: string;
  userId: string;
  createdAt: number;
}
