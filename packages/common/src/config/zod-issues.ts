import type { z } from 'zod';
import type { ConfigIssue, PathSegment } from './config-issue.js';

type ZodIssue = z.core.$ZodIssue;

/** Key names whose values are secrets: such values are never echoed in an error. */
const SECRET_KEY = /password|passwd|passphrase|secret|token|credential|private[-_]?key|api[-_]?key/i;

/** How a type zod expected reads in a message. */
const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** Longest string value quoted in a message. */
const MAX_QUOTED = 60;

export interface ZodIssueContext {
  /** Where the validated value sits in the file: issue paths are relative to it. */
  readonly at: readonly PathSegment[];
  /** Whether the value at this (absolute) path came from the environment. */
  readonly fromEnvironment: (path: readonly PathSegment[]) => boolean;
}

/** Whether a key's values are secrets (passwords, client secrets, tokens...). */
function isSecretKey(key: PathSegment | undefined): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key);
}

/**
 * Turns zod's issues (from a parse with `reportInput: true`) into `ConfigIssue`s that name the
 * key and what was found there: `expected a number, got "ten"`. Values under a secret-looking
 * key and values taken from the environment are described by their type only.
 */
export function issuesFromZod(issues: readonly ZodIssue[], context: ZodIssueContext): ConfigIssue[] {
  return issues.flatMap((issue) => translate(issue, [...context.at, ...issue.path.map(toSegment)], context));
}

function translate(issue: ZodIssue, path: PathSegment[], context: ZodIssueContext): ConfigIssue[] {
  const got = () => describeValue(issue.input, path.some(isSecretKey) || context.fromEnvironment(path));
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return [{ path, message: 'missing required key' }];
      return [{ path, message: `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${got()}` }];
    case 'too_small':
    case 'too_big':
      if (issue.origin === 'number') return [{ path, message: `${describeBound(issue)}, got ${got()}` }];
      return [{ path, message: describeBound(issue) }];
    case 'not_multiple_of':
      if (Number(issue.divisor) === 1) return [{ path, message: `expected a whole number, got ${got()}` }];
      return [{ path, message: `must be a multiple of ${String(issue.divisor)}, got ${got()}` }];
    case 'invalid_value':
      return [{ path, message: `expected ${describeChoices(issue.values)}, got ${got()}` }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown key' }));
    case 'invalid_union':
      return translateUnion(issue, path, context, got);
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * A value matching no alternative. When its type matches one alternative (say a mapping where a
 * string or a mapping is allowed), the problems inside that alternative are the useful ones.
 */
function translateUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: PathSegment[],
  context: ZodIssueContext,
  got: () => string,
): ConfigIssue[] {
  const isTypeMismatch = (branch: readonly ZodIssue[]) =>
    branch.every((inner) => inner.path.length === 0 && inner.code === 'invalid_type');
  const matchingType = issue.errors.filter((branch) => !isTypeMismatch(branch));
  if (matchingType.length === 1) {
    return matchingType[0]!.flatMap((inner) => translate(inner, [...path, ...inner.path.map(toSegment)], context));
  }
  const expected = issue.errors.flatMap((branch) =>
    branch.flatMap((inner) => (inner.code === 'invalid_type' ? [EXPECTED[inner.expected] ?? inner.expected] : [])),
  );
  if (expected.length === 0) return [{ path, message: issue.message }];
  return [{ path, message: `expected ${[...new Set(expected)].join(' or ')}, got ${got()}` }];
}

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  if (issue.origin === 'number') {
    if (issue.inclusive === false) return `must be ${small ? 'greater' : 'less'} than ${limit}`;
    return `must be ${small ? 'at least' : 'at most'} ${limit}`;
  }
  if (small && limit === 1) return 'must not be empty';
  const unit = issue.origin === 'string' ? 'characters' : 'entries';
  return `must have ${small ? 'at least' : 'at most'} ${limit} ${unit}`;
}

function describeChoices(values: readonly unknown[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  return quoted.length === 1 ? quoted[0]! : `one of ${quoted.join(', ')}`;
}

/** What was found, as it reads after "got": `"ten"`, `12`, `a list`; only the type when hidden. */
function describeValue(value: unknown, hidden: boolean): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (hidden) return `a ${typeof value} (value not shown)`;
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === 'symbol' ? String(key) : key;
}
