import type { StoredResource } from './resource-store.js';

export interface ImageBlockDevice {
  deviceName: string;
  snapshotId: string;
  volumeSize: number;
  volumeType: string;
  deleteOnTermination: boolean;
  /** Whether the snapshot is encrypted (default false). */
  encrypted?: boolean;
}

/** One AMI: public ones seeded at start (Ubuntu, Debian), private ones planted through seed. */
export interface ImageRecord extends StoredResource {
  readonly name: string;
  readonly description: string;
  readonly ownerId: string;
  /** `amazon`, `aws-marketplace`, or absent for an account's own images. */
  readonly ownerAlias?: string;
  /** ISO 8601 with milliseconds, as EC2 writes it (a string, not a timestamp, in the API). */
  readonly creationDate: string;
  readonly architecture: string;
  readonly rootDeviceName: string;
  readonly blockDevices: readonly ImageBlockDevice[];
  readonly isPublic: boolean;
  readonly platformDetails: string;
  readonly bootMode?: string;
}
