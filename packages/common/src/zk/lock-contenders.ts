import { randomUUID } from 'node:crypto';

/**
 * Contender znodes of kazoo's lock recipe, which Zuul and Nodepool use: each contender is an
 * ephemeral sequential child `<uuid4 hex>__lock__<seq>` (exclusive) or `<uuid4 hex>__rlock__<seq>`
 * (shared) of the lock path, holding its owner's identifier. Contenders are ordered by the
 * sequence after the marker (a 10-digit string, compared as kazoo compares it: as a string).
 */

export type LockKind = 'exclusive' | 'shared';

const MARKER: Record<LockKind, string> = { exclusive: '__lock__', shared: '__rlock__' };

const CONTENDER_NAME = /(__lock__|__rlock__)(-?\d{10})$/;

export interface Contender {
  /** The child's name, e.g. `0f1e…__lock__0000000003`. */
  name: string;
  kind: LockKind;
  sequence: string;
}

/** A new contender's name up to the sequence, which the server appends: `<32 hex chars><marker>`. */
export function contenderPrefix(kind: LockKind): string {
  return randomUUID().replaceAll('-', '') + MARKER[kind];
}

/** The contender a child name describes, or undefined for a child that is no contender. */
export function parseContender(name: string): Contender | undefined {
  const match = CONTENDER_NAME.exec(name);
  if (!match) return undefined;
  return { name, kind: match[1] === MARKER.shared ? 'shared' : 'exclusive', sequence: match[2]! };
}

/** The contenders among `children`, first (the holder) first; other children are dropped. */
export function sortContenders(children: readonly string[]): Contender[] {
  return children
    .map(parseContender)
    .filter((contender): contender is Contender => contender !== undefined)
    .sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
}

/**
 * The contender `own` waits for, or undefined when `own` holds the lock. An exclusive contender
 * waits for every earlier contender, a shared one only for earlier exclusive ones; of those,
 * the latest is returned, so each waiter watches one znode (no herd effect).
 */
export function blockingPredecessor(sorted: readonly Contender[], own: Contender): Contender | undefined {
  let predecessor: Contender | undefined;
  for (const contender of sorted) {
    if (contender.sequence >= own.sequence) break;
    if (own.kind === 'exclusive' || contender.kind === 'exclusive') predecessor = contender;
  }
  return predecessor;
}
