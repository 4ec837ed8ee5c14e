/**
 * Where leak cleanup keeps what it found leaked, so that the two-pass rule holds from one pass
 * to the next: in memory for a single process (unit tests), in ZooKeeper (zk-sightings-store.ts)
 * so it also holds across launcher failover and for the one-shot `cloudpool cleanup --once`.
 */

/** Resources found leaked by the last completed pass: `resourceKey` → epoch ms first seen leaked. */
export type LeakedSince = ReadonlyMap<string, number>;

/** The sightings as one pass loaded them. */
export interface Sightings {
  readonly leakedSince: LeakedSince;
  /** Set when the stored sightings were unreadable and the pass starts afresh (every leak is a first sighting again). */
  readonly discarded?: string;
  /**
   * Stores `next` in place of what was loaded. Rejects, changing nothing, when another pass
   * stored sightings since this one loaded them, or on any write failure.
   */
  replace(next: LeakedSince): Promise<void>;
}

/** The port a cleanup pass loads its sightings through; `load` rejects on any read failure (the pass then aborts). */
export interface SightingsStore {
  load(): Promise<Sightings>;
}

/** Sightings kept by one process: lost when it ends. */
export class MemorySightingsStore implements SightingsStore {
  private current: LeakedSince = new Map();
  private version = 0;

  async load(): Promise<Sightings> {
    const loadedVersion = this.version;
    return {
      leakedSince: this.current,
      replace: async (next) => {
        if (this.version !== loadedVersion) throw new Error('sightings were replaced by another pass since this one loaded them');
        this.current = new Map(next);
        this.version += 1;
      },
    };
  }
}

/** A view of `store` that reads and never writes: for a dry run beside the elected cleaner, which owns the sightings. */
export function readOnlySightings(store: SightingsStore): SightingsStore {
  return {
    load: async () => ({ ...(await store.load()), replace: async () => undefined }),
  };
}
