import type { StoredResource } from './resource-store.js';

export type VolumeStateName = 'in-use' | 'available' | 'deleting';

export interface VolumeAttachment {
  instanceId: string;
  device: string;
  attachTime: number;
  deleteOnTermination: boolean;
}

/** One EBS volume: in-use while attached, available when not, deleting after DeleteVolume. */
export interface VolumeRecord extends StoredResource {
  readonly size: number;
  readonly volumeType: string;
  readonly iops?: number;
  readonly throughput?: number;
  readonly snapshotId?: string;
  readonly availabilityZone: string;
  readonly createTime: number;
  readonly encrypted: boolean;
  attachment?: VolumeAttachment;
  deleting: boolean;
}

export function volumeState(volume: VolumeRecord): VolumeStateName {
  if (volume.deleting) return 'deleting';
  return volume.attachment ? 'in-use' : 'available';
}

/** The IOPS and throughput EBS gives a volume by default, by type (gp3: 3,000 IOPS and 125 MiB/s). */
export function defaultPerformance(volumeType: string, size: number): { iops?: number; throughput?: number } {
  switch (volumeType) {
    case 'gp3':
      return { iops: 3000, throughput: 125 };
    case 'gp2':
      return { iops: Math.min(16000, Math.max(100, 3 * size)) };
    case 'io1':
    case 'io2':
      return { iops: 100 };
    default:
      return {};
  }
}
