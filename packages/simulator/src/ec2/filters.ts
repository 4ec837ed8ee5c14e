import { ec2Errors } from './errors.js';
import type { QueryParams } from './query-protocol.js';
import type { TagIndex } from './tag-index.js';

/** One `Filter.N` of a Describe call: a resource passes when any of its values matches any of `values`. */
export interface Filter {
  name: string;
  values: string[];
}

/** How a resource answers one filter name: its value(s) for it, or nothing. */
export type FilterField<T> = (resource: T) => string | readonly string[] | undefined;

/** The filter names a Describe call accepts (besides the tag filters), e.g. `instance-state-name`. */
export type FilterCatalog<T> = Readonly<Record<string, FilterField<T>>>;

/**
 * A Describe call's filters, ready to run: tag filters become candidate sets from the tag
 * index; the others a test applied to each candidate. Filters AND together; values OR.
 */
export interface CompiledFilters<T> {
  /** For each tag filter, the sets whose union holds the ids passing it. */
  tagCandidates(index: TagIndex): ReadonlySet<string>[][];
  test(resource: T): boolean;
}

export function parseFilters(params: QueryParams): Filter[] {
  return params.structures('Filter').map((filter) => ({ name: filter.requiredString('Name'), values: filter.list('Value') }));
}

/**
 * Compiles `filters` against `catalog`; an unknown filter name (or a tag filter, for things
 * that are not `taggable`) is EC2's `InvalidParameterValue`.
 */
export function compileFilters<T>(filters: readonly Filter[], catalog: FilterCatalog<T>, taggable = true): CompiledFilters<T> {
  const tagLookups: Array<(index: TagIndex) => ReadonlySet<string>[]> = [];
  const tests: Array<(resource: T) => boolean> = [];
  for (const { name, values } of filters) {
    const matches = valueMatcher(values);
    if (!taggable && (name.startsWith('tag:') || name === 'tag-key' || name === 'tag-value')) {
      throw ec2Errors.invalidFilter(name);
    } else if (name.startsWith('tag:')) {
      const key = name.slice('tag:'.length);
      tagLookups.push((index) => index.withTag(key, matches));
    } else if (name === 'tag-key') {
      tagLookups.push((index) => index.withKey(matches));
    } else if (name === 'tag-value') {
      tagLookups.push((index) => index.withValue(matches));
    } else {
      const field = catalog[name];
      if (!field) throw ec2Errors.invalidFilter(name);
      tests.push((resource) => {
        const actual = field(resource);
        if (actual === undefined) return false;
        return typeof actual === 'string' ? matches(actual) : actual.some(matches);
      });
    }
  }
  return {
    tagCandidates: (index) => tagLookups.map((lookup) => lookup(index)),
    test: (resource) => tests.every((test) => test(resource)),
  };
}

/**
 * Whether a value matches any of the filter values. EC2 filter values may use `*` (any run of
 * characters) and `?` (one character); a backslash makes the next character literal.
 */
export function valueMatcher(patterns: readonly string[]): (value: string) => boolean {
  const exact = new Set<string>();
  const wildcards: RegExp[] = [];
  for (const pattern of patterns) {
    if (/[*?\\]/.test(pattern)) wildcards.push(wildcardRegExp(pattern));
    else exact.add(pattern);
  }
  if (wildcards.length === 0) return (value) => exact.has(value);
  return (value) => exact.has(value) || wildcards.some((regExp) => regExp.test(value));
}

function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const character = pattern[i] as string;
    if (character === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] as string);
    else if (character === '*') source += '[\\s\\S]*';
    else if (character === '?') source += '[\\s\\S]';
    else source += escapeRegExp(character);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
