import type { NodeRequestRecord } from './records.js';

/** The parts of a request id `<priority>-<sequence>`, e.g. `100-0000000001`. */
export interface RequestIdParts {
  /** Three digits; lower is served first (Zuul uses 100/200/300, min-ready 900). */
  priority: string;
  sequence: number;
}

/** Splits a request id; throws on ids that are not `<priority>-<sequence>`. */
export function parseRequestId(id: string): RequestIdParts {
  const match = /^(\d+)-(-?\d+)$/.exec(id);
  if (!match) throw new TypeError(`not a node request id: ${JSON.stringify(id)}`);
  return { priority: match[1]!, sequence: Number(match[2]) };
}

function comparePriority(a: RequestIdParts, b: RequestIdParts): number {
  return a.priority < b.priority ? -1 : a.priority > b.priority ? 1 : 0;
}

/** Orders request ids by priority prefix, then sequence. */
export function compareRequestIds(a: string, b: string): number {
  const left = parseRequestId(a);
  const right = parseRequestId(b);
  return comparePriority(left, right) || left.sequence - right.sequence;
}

/**
 * Requests in the order Nodepool serves them: priority prefix, then `relative_priority`
 * (lower first), then sequence. Returns a new array.
 */
export function sortRequestsForService<T extends Pick<NodeRequestRecord, 'id' | 'relative_priority'>>(
  requests: readonly T[],
): T[] {
  return [...requests].sort((a, b) => {
    const left = parseRequestId(a.id);
    const right = parseRequestId(b.id);
    return (
      comparePriority(left, right) ||
      (a.relative_priority ?? 0) - (b.relative_priority ?? 0) ||
      left.sequence - right.sequence
    );
  });
}
