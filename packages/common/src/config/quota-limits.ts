import { QuotaSet } from '../quota/quota-set.js';

/** Nodepool's limit keys and the quota resource each one limits. */
const LIMIT_KEYS: Readonly<Record<string, string>> = {
  'max-servers': 'instances',
  'max-cores': 'cores',
  'max-ram': 'ram',
  'max-volumes': 'volumes',
  'max-volume-gb': 'volume-gb',
};

/** The limits set by Nodepool's limit keys (`max-servers`...) in `entry`; other keys are ignored. */
export function limitValues(entry: Readonly<Record<string, unknown>>): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [key, resource] of Object.entries(LIMIT_KEYS)) {
    const value = entry[key];
    if (typeof value === 'number') values[resource] = value;
  }
  return values;
}

/**
 * A `tenant-resource-limits` entry's limits: the usual keys, `max-<resource>` for any other
 * resource, and any other key as the resource itself (an AWS quota code: `L-43DA4232: 224`).
 */
export function tenantLimits(entry: Readonly<Record<string, unknown>>): QuotaSet {
  const values = limitValues(entry);
  for (const [key, value] of Object.entries(entry)) {
    if (key in LIMIT_KEYS || typeof value !== 'number') continue;
    values[key.startsWith('max-') ? key.slice('max-'.length) : key] = value;
  }
  return QuotaSet.of(values);
}
