import type { Clock } from '../time/clock.js';
import type { ZkClient } from '../zk/client.js';
import { isZkError } from '../zk/errors.js';
import { assertZnodeName } from '../zk/paths.js';
import type { BreakerEvidence } from './breaker-evidence.js';
import { UNTRIPPED, type BreakerState, type LeakedSince, type Sightings, type SightingsStore } from './sightings-store.js';

/** cloudpool's own tree for leak cleanup, beside `/cloudpool/system-id`. */
export const CLEANUP_ROOT = '/cloudpool/cleanup';

/** `/cloudpool/cleanup/<provider>`: the sightings of one provider. */
export function sightingsPath(provider: string): string {
  assertZnodeName(provider, 'provider name');
  return `${CLEANUP_ROOT}/${provider}`;
}

/** The stored JSON, format 1. */
interface StoredSightings {
  format: 1;
  provider: string;
  /** Epoch ms of the pass that stored it. */
  savedAt: number;
  /** `<type>:<id>` (see `resourceKey`) → epoch ms it was first seen leaked. */
  leakedSince: Record<string, number>;
  /** Set while the breaker is tripped (optional: readers of format 1 without it see it untripped). */
  breakerTrip?: { trippedAt: number; evidence: BreakerEvidence[] };
  /** Subjects whose evidence an operator acknowledged. */
  acknowledged?: string[];
}

interface Decoded {
  leakedSince: LeakedSince;
  breaker: BreakerState;
  savedAt: number;
}

/**
 * Sightings of one provider in ZooKeeper at `/cloudpool/cleanup/<provider>`, as UTF-8 JSON:
 * `{"format": 1, "provider": "aws-east", "savedAt": 1767225600000,
 *   "leakedSince": {"instance:i-0abc": 1767225540000, "volume:vol-0def": 1767225540000}}`.
 * Writes are versioned: a pass replaces the sightings only if nobody stored any since it
 * loaded them (a cleaner that lost its election while a pass ran cannot overwrite its
 * successor's). Unreadable data counts as no sightings, which only delays deletions. The same
 * record holds the latched breaker (`breakerTrip`, `acknowledged`): an operator's clear is a
 * versioned write too. The store remembers the last `savedAt` it wrote: sightings found gone or
 * older later are reported as `rolledBack` (ZooKeeper lost writes).
 */
export class ZkSightingsStore implements SightingsStore {
  private readonly path: string;
  /** `savedAt` of the last sightings this store wrote. */
  private lastSavedAt: number | undefined;

  constructor(
    private readonly client: ZkClient,
    private readonly provider: string,
    private readonly clock: Clock,
  ) {
    this.path = sightingsPath(provider);
  }

  async load(): Promise<Sightings> {
    const found = await this.client.getOrUndefined(this.path);
    const version = found?.stat.version;
    const decoded = found && decode(found.data);
    const loadedBreaker = typeof decoded === 'object' ? decoded.breaker : UNTRIPPED;
    const replace = (next: LeakedSince, breaker?: BreakerState) => this.write(next, breaker ?? loadedBreaker, version);
    const rolledBack = this.rollback(typeof decoded === 'object' ? decoded.savedAt : found ? Infinity : undefined);
    const extra = rolledBack ? { rolledBack } : {};
    if (!found) return { leakedSince: new Map(), breaker: UNTRIPPED, replace, ...extra };
    return typeof decoded === 'string'
      ? { leakedSince: new Map(), breaker: UNTRIPPED, discarded: `${this.path}: ${decoded}`, replace, ...extra }
      : { leakedSince: decoded!.leakedSince, breaker: decoded!.breaker, replace, ...extra };
  }

  /** Why the sightings stored look older than those this store wrote last, if they do. */
  private rollback(storedSavedAt: number | undefined): string | undefined {
    if (this.lastSavedAt === undefined) return undefined;
    if (storedSavedAt === undefined) return `${this.path} is gone, though this process stored sightings there at ${new Date(this.lastSavedAt).toISOString()}`;
    if (storedSavedAt < this.lastSavedAt) {
      return `${this.path} holds sightings of ${new Date(storedSavedAt).toISOString()}, older than those this process stored at ${new Date(this.lastSavedAt).toISOString()}`;
    }
    return undefined;
  }

  private async write(next: LeakedSince, breaker: BreakerState, loadedVersion: number | undefined): Promise<void> {
    const savedAt = Math.max(this.clock.now(), this.lastSavedAt ?? 0);
    const stored: StoredSightings = {
      format: 1,
      provider: this.provider,
      savedAt,
      leakedSince: Object.fromEntries(next),
      ...(breaker.trip ? { breakerTrip: breaker.trip } : {}),
      ...(breaker.acknowledged.size > 0 ? { acknowledged: [...breaker.acknowledged].sort() } : {}),
    };
    const data = JSON.stringify(stored);
    try {
      if (loadedVersion !== undefined) {
        await this.client.set(this.path, data, loadedVersion);
      } else {
        await this.client.mkdirp(CLEANUP_ROOT);
        await this.client.create(this.path, data);
      }
      this.lastSavedAt = savedAt;
    } catch (error) {
      if (isZkError(error, 'BadVersion', 'NodeExists', 'NoNode')) {
        throw new Error(`${this.path} was changed by another cleaner since this pass read it; not overwritten`);
      }
      throw error;
    }
  }
}

/** The stored sightings and breaker, or why the data is unusable. */
function decode(data: Buffer): Decoded | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const stored = parsed as Partial<StoredSightings> | null;
  if (stored?.format !== 1 || typeof stored.leakedSince !== 'object' || stored.leakedSince === null) return 'not sightings of format 1';
  const entries = Object.entries(stored.leakedSince);
  if (!entries.every(([, since]) => typeof since === 'number' && Number.isFinite(since))) return 'a sighting time is not a number';
  const trip = stored.breakerTrip;
  const breaker: BreakerState = {
    ...(trip && typeof trip.trippedAt === 'number' && Array.isArray(trip.evidence) ? { trip: { trippedAt: trip.trippedAt, evidence: trip.evidence } } : {}),
    acknowledged: new Set(Array.isArray(stored.acknowledged) ? stored.acknowledged.filter((s) => typeof s === 'string') : []),
  };
  return { leakedSince: new Map(entries), breaker, savedAt: typeof stored.savedAt === 'number' ? stored.savedAt : 0 };
}
