import { createHash } from 'node:crypto';

/**
 * A fingerprint of a raw config entry: the SHA-256 of its JSON with mapping keys sorted at every
 * level. Reordering keys keeps it; changing, adding or removing any value (or reordering a list)
 * changes it. Hashed, so that it never holds a secret in clear.
 */
export function fingerprintOf(entry: unknown): string {
  return createHash('sha256').update(JSON.stringify(entry, sortKeys)).digest('hex');
}

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
