import type { ConfigIssue, PathSegment } from './config-issue.js';
import { isMapping } from './mapping.js';

/** Only variables with this prefix are visible to the configuration, as in Nodepool. */
const ENV_PREFIX = 'NODEPOOL_';

/** `%(NAME)s`, or `%%` (a literal `%`, as in the Python %-formatting Nodepool uses). */
const REFERENCE = /%(?:%|\(([^)]*)\)s)/g;

export interface EnvSubstitution {
  /** The data with every reference replaced (a reference that failed is left as written). */
  readonly data: unknown;
  /** One per string value holding a reference to a variable that is unset or not a `NODEPOOL_*` one. */
  readonly issues: readonly ConfigIssue[];
  /** Paths whose value came (partly) from the environment: such values are never echoed in errors. */
  readonly substitutedPaths: readonly (readonly PathSegment[])[];
}

/** Replaces `%(NODEPOOL_VAR)s` in every string value (never in keys) with the variable from `env`. */
export function substituteEnv(data: unknown, env: NodeJS.ProcessEnv): EnvSubstitution {
  const issues: ConfigIssue[] = [];
  const substitutedPaths: PathSegment[][] = [];

  const substituteString = (text: string, path: PathSegment[]): string => {
    let substituted = false;
    const result = text.replace(REFERENCE, (reference, name: string | undefined) => {
      if (name === undefined) return '%';
      const value = name.startsWith(ENV_PREFIX) ? env[name] : undefined;
      if (value === undefined) {
        const message = name.startsWith(ENV_PREFIX)
          ? `environment variable ${name} is not set`
          : `cannot use environment variable ${name}: only ${ENV_PREFIX}* variables are substituted`;
        issues.push({ path, message });
        return reference;
      }
      substituted = true;
      return value;
    });
    if (substituted) substitutedPaths.push(path);
    return result;
  };

  const visit = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string') return substituteString(value, path);
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (isMapping(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]));
    }
    return value;
  };

  return { data: visit(data, []), issues, substitutedPaths };
}
