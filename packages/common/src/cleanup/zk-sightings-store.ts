import type { Clock } from '../time/clock.js';
import type { ZkClient } from '../zk/client.js';
import { isZkError } from '../zk/errors.js';
import { assertZnodeName } from '../zk/paths.js';
import type { LeakedSince, Sightings, SightingsStore } from './sightings-store.js';

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
}

/**
 * Sightings of one provider in ZooKeeper at `/cloudpool/cleanup/<provider>`, as UTF-8 JSON:
 * `{"format": 1, "provider": "aws-east", "savedAt": 1767225600000,
 *   "leakedSince": {"instance:i-0abc": 1767225540000, "volume:vol-0def": 1767225540000}}`.
 * Writes are versioned: a pass replaces the sightings only if nobody stored any since it
 * loaded them (a cleaner that lost its election while a pass ran cannot overwrite its
 * successor's). Unreadable data counts as no sightings, which only delays deletions.
 */
export class ZkSightingsStore implements SightingsStore {
  private readonly path: string;

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
    const replace = (next: LeakedSince) => this.write(next, version);
    if (!found) return { leakedSince: new Map(), replace };
    const decoded = decode(found.data);
    return typeof decoded === 'string' ? { leakedSince: new Map(), discarded: `${this.path}: ${decoded}`, replace } : { leakedSince: decoded, replace };
  }

  private async write(next: LeakedSince, loadedVersion: number | undefined): Promise<void> {
    const stored: StoredSightings = { format: 1, provider: this.provider, savedAt: this.clock.now(), leakedSince: Object.fromEntries(next) };
    const data = JSON.stringify(stored);
    try {
      if (loadedVersion !== undefined) {
        await this.client.set(this.path, data, loadedVersion);
        return;
      }
      await this.client.mkdirp(CLEANUP_ROOT);
      await this.client.create(this.path, data);
    } catch (error) {
      if (isZkError(error, 'BadVersion', 'NodeExists', 'NoNode')) {
        throw new Error(`${this.path} was changed by another cleaner since this pass read it; not overwritten`);
      }
      throw error;
    }
  }
}

/** The map, or why the data is unusable. */
function decode(data: Buffer): LeakedSince | string {
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
  return new Map(entries);
}
