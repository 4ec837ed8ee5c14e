import { z } from 'zod';
import { isMapping } from './mapping.js';

/** A rule over several keys of one mapping (zod refinement), e.g. "exactly one of image-id, image-filters". */
export type KeyRule = (value: Record<string, unknown>, ctx: z.core.$RefinementCtx) => void;

/** A non-empty string naming something (a provider, pool, label, image...). */
export const name = () => z.string().min(1);

/**
 * A whole number. (Not zod's `.int()`: its failure stops the checks of the enclosing mapping,
 * so the key rules there would go unreported.)
 */
export const wholeNumber = () => z.number().multipleOf(1);

/** A count or size: a whole number, 0 or more. */
export const count = () => wholeNumber().min(0);

/** A duration in seconds, greater than 0. */
export const seconds = () => z.number().positive();

/** A duration in seconds where 0 means "never" or "off". */
export const secondsOrOff = () => z.number().min(0);

/** A TCP port. */
export const port = () => wholeNumber().min(1).max(65535);

/** A mapping of strings; YAML scalars such as `team: 42` or `public: yes` are kept as strings ("42", "true"). */
export const stringMap = () => z.record(z.string(), z.preprocess(scalarToString, z.string()));

/** A mapping whose values are free (Nodepool's `node-attributes`). */
export const freeMap = () => z.record(z.string(), z.unknown());

/**
 * A key Nodepool accepts that cloudpool does not use (image building and uploading belong to
 * nodepool-builder): accepted so that an existing `nodepool.yaml` loads, then ignored.
 */
export const ignored = () => z.unknown().optional();

/** At least one of `keys` must be set. */
export function atLeastOneOf(...keys: string[]): KeyRule {
  return (value, ctx) => {
    if (keys.some((key) => value[key] !== undefined)) return;
    ctx.addIssue({ code: 'custom', message: `one of ${keys.join(', ')} is required`, path: [] });
  };
}

/** At most one of `keys` may be set: each further one is an error on that key. */
export function atMostOneOf(...keys: string[]): KeyRule {
  return (value, ctx) => {
    const [first, ...others] = keys.filter((key) => value[key] !== undefined);
    for (const other of others) ctx.addIssue({ code: 'custom', message: `cannot be used with ${first}`, path: [other] });
  };
}

/** Exactly one of `keys` must be set. */
export function exactlyOneOf(...keys: string[]): KeyRule[] {
  return [atLeastOneOf(...keys), atMostOneOf(...keys)];
}

/**
 * Applies key rules to a mapping schema. They run even when other keys of the mapping are
 * invalid, so that every problem is reported at once; a rule must therefore not trust the types
 * of the values it looks at.
 */
export function withRules<T extends z.ZodType<Record<string, unknown>>>(schema: T, rules: readonly KeyRule[] = []): T {
  if (rules.length === 0) return schema;
  return schema.superRefine((value, ctx) => rules.forEach((rule) => rule(value, ctx)), {
    when: (payload) => isMapping(payload.value),
  });
}

function scalarToString(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
