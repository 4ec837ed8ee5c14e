/** One step of a path into the YAML document: a mapping key or a list index. */
export type PathSegment = string | number;

/** A problem found in `nodepool.yaml`. */
export interface ConfigIssue {
  /** Where: `['providers', 1, 'pools', 0, 'max-servers']`; empty for the file as a whole. */
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** 1-based line of the key (or of its nearest enclosing key when the key is missing). */
  readonly line?: number;
}

/** `providers[1].pools[0].max-servers`, the way the issue names a place in the file. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** `providers[1].pools[0].max-servers: expected a number, got "ten" (line 23)`. */
export function describeIssue(issue: ConfigIssue): string {
  const where = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
  const line = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return `${where}${issue.message}${line}`;
}

/** The same issues, placed under `prefix` (e.g. a provider's issues under `providers[2]`). */
export function issuesUnder(prefix: readonly PathSegment[], issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }));
}

/** Thrown when a configuration is invalid; carries every issue found, not just the first. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  /** `source` names the file in the message, e.g. `/etc/nodepool/nodepool.yaml`. */
  constructor(issues: readonly ConfigIssue[], source = 'configuration') {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`${source} is invalid (${count}):\n${issues.map((issue) => `  ${describeIssue(issue)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
