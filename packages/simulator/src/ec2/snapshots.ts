import type { StoredResource } from './resource-store.js';

/** One EBS snapshot (completed as soon as it exists; the simulator does not copy data). */
export interface SnapshotRecord extends StoredResource {
  readonly volumeId: string;
  readonly volumeSize: number;
  readonly ownerId: string;
  readonly description: string;
  readonly startTime: number;
  readonly encrypted: boolean;
  readonly state: 'pending' | 'completed' | 'error';
}
