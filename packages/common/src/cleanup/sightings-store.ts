import type { BreakerEvidence } from './breaker-evidence.js';

/**
 * Where leak cleanup keeps what it found leaked, so that the two-pass rule holds from one pass
 * to the next: in memory for a single process (unit tests), in ZooKeeper (zk-sightings-store.ts)
 * so it also holds across launcher failover and for the one-shot `cloudpool cleanup --once`.
 */

/** Resources found leaked by the last completed pass: `resourceKey` → epoch ms first seen leaked. */
export type LeakedSince = ReadonlyMap<string, number>;

/** The breaker tripped on evidence: no pass deletes anything until an operator clears it. */
export interface BreakerTrip {
  /** Epoch ms of the pass that first found evidence. */
  trippedAt: number;
  /** What was found (at most `MAX_STORED_EVIDENCE` entries). */
  evidence: BreakerEvidence[];
}

/** The breaker as stored beside the sightings. */
export interface BreakerState {
  /** Set while tripped. */
  trip?: BreakerTrip;
  /** Subjects (resource keys) whose evidence an operator acknowledged when clearing: it no longer trips. */
  acknowledged: ReadonlySet<string>;
}

export const MAX_STORED_EVIDENCE = 500;

export const UNTRIPPED: BreakerState = { acknowledged: new Set() };

/** The sightings as one pass loaded them. */
export interface Sightings {
  readonly leakedSince: LeakedSince;
  /** The breaker's latched state (untripped when none is stored). */
  readonly breaker: BreakerState;
  /** Set when the stored sightings were unreadable and the pass starts afresh (every leak is a first sighting again). */
  readonly discarded?: string;
  /**
   * Set when this store saw ZooKeeper lose sightings it stored before (gone, or older than the
   * last ones it wrote): evidence of a ZooKeeper rollback or wipe while this process ran.
   */
  readonly rolledBack?: string;
  /**
   * Stores `next` (and `breaker`, or the loaded breaker state) in place of what was loaded.
   * Rejects, changing nothing, when another pass stored sightings since this one loaded them,
   * or on any write failure.
   */
  replace(next: LeakedSince, breaker?: BreakerState): Promise<void>;
}

/** The port a cleanup pass loads its sightings through; `load` rejects on any read failure (the pass then aborts). */
export interface SightingsStore {
  load(): Promise<Sightings>;
}

/** Sightings kept by one process: lost when it ends. */
export class MemorySightingsStore implements SightingsStore {
  private current: LeakedSince = new Map();
  private breaker: BreakerState = UNTRIPPED;
  private version = 0;

  async load(): Promise<Sightings> {
    const loadedVersion = this.version;
    return {
      leakedSince: this.current,
      breaker: this.breaker,
      replace: async (next, breaker) => {
        if (this.version !== loadedVersion) throw new Error('sightings were replaced by another pass since this one loaded them');
        this.current = new Map(next);
        if (breaker) this.breaker = breaker;
        this.version += 1;
      },
    };
  }
}

/**
 * An operator's "clear the breaker": the trip is lifted and the subjects of its evidence are
 * acknowledged (their evidence no longer trips; they are then judged by the leak rules like any
 * other resource). Resolves the trip that was cleared, or undefined when it was not tripped.
 */
export async function clearBreaker(store: SightingsStore): Promise<BreakerTrip | undefined> {
  const loaded = await store.load();
  const { trip, acknowledged } = loaded.breaker;
  if (!trip) return undefined;
  await loaded.replace(loaded.leakedSince, { acknowledged: new Set([...acknowledged, ...trip.evidence.map((e) => e.subject)]) });
  return trip;
}

/** A view of `store` that reads and never writes: for a dry run beside the elected cleaner, which owns the sightings. */
export function readOnlySightings(store: SightingsStore): SightingsStore {
  return {
    load: async () => ({ ...(await store.load()), replace: async () => undefined }),
  };
}
