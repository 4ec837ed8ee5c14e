import { type ConfigIssue, formatPath, type PathSegment } from './config-issue.js';
import { isMapping } from './mapping.js';

/** A list of named entries: its path (`*` is every entry of a list) and the key holding the name. */
interface NamedList {
  readonly path: readonly string[];
  readonly key: string;
  readonly what: string;
}

/** The lists whose entries must have distinct names. */
const NAMED_LISTS: readonly NamedList[] = [
  { path: ['labels'], key: 'name', what: 'label' },
  { path: ['tenant-resource-limits'], key: 'tenant-name', what: 'tenant' },
  { path: ['providers'], key: 'name', what: 'provider' },
  { path: ['providers', '*', 'cloud-images'], key: 'name', what: 'cloud-image' },
  { path: ['providers', '*', 'pools'], key: 'name', what: 'pool' },
  { path: ['providers', '*', 'pools', '*', 'labels'], key: 'name', what: 'label' },
];

/**
 * A name used twice in the same list (two providers, two pools of a provider, two labels of a
 * pool...). Checked on the raw document, so it is reported even when other keys are invalid.
 */
export function duplicateNameIssues(data: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const list of NAMED_LISTS) {
    for (const [path, entries] of listsAt(data, list.path, [])) {
      const seen = new Map<unknown, number>();
      entries.forEach((entry, index) => {
        const name = isMapping(entry) ? entry[list.key] : undefined;
        if (typeof name !== 'string') return;
        const first = seen.get(name);
        if (first === undefined) seen.set(name, index);
        else {
          issues.push({
            path: [...path, index, list.key],
            message: `${list.what} "${name}" is already defined at ${formatPath([...path, first])}`,
          });
        }
      });
    }
  }
  return issues;
}

/** Every list found at `pattern` under `value`, with its path. */
function listsAt(value: unknown, pattern: readonly string[], path: PathSegment[]): Array<[PathSegment[], unknown[]]> {
  if (pattern.length === 0) return Array.isArray(value) ? [[path, value]] : [];
  const [step, ...rest] = pattern;
  if (step === '*') {
    return Array.isArray(value) ? value.flatMap((item, index) => listsAt(item, rest, [...path, index])) : [];
  }
  return isMapping(value) ? listsAt(value[step!], rest, [...path, step!]) : [];
}
