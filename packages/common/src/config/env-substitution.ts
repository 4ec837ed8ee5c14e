import type { ConfigIssue } from './config-issue.js';

/** Only variables with this prefix are visible to the configuration, as in Nodepool. */
const ENV_PREFIX = 'NODEPOOL_';

/**
 * `%(NAME)`, Nodepool's reference to an environment variable. A directly following `s` is taken
 * as part of it (`%(NAME)s`, the Python %-format spelling cloudpool accepted first).
 */
const REFERENCE = /%\(([A-Za-z_][A-Za-z0-9_]*)\)s?/g;

export interface EnvSubstitution {
  /** The text with every reference to a set `NODEPOOL_*` variable replaced by its value. */
  readonly text: string;
  /** One per reference to a variable that is unset or not a `NODEPOOL_*` one, with its line. */
  readonly issues: readonly ConfigIssue[];
  /** Lines (1-based, of the substituted text) holding a value from the environment: never echoed in errors. */
  readonly substitutedLines: ReadonlySet<number>;
}

/**
 * Nodepool's substitution: every `%(NODEPOOL_VAR)` in the raw text of the file is replaced by
 * the variable's value before the YAML is parsed, so a value may stand unquoted and be read as
 * a number (`max-servers: %(NODEPOOL_MAX)`). There is no escape: `%%` stays `%%`, as in Nodepool.
 * A reference to an unset variable is reported (Nodepool would leave it in as text).
 */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv): EnvSubstitution {
  const issues: ConfigIssue[] = [];
  const substitutedLines = new Set<number>();
  let shift = 0; // lines added by values holding line breaks
  const lines = text.split('\n').map((line, index) => {
    const lineNumber = index + 1 + shift;
    let added = 0;
    const result = line.replace(REFERENCE, (reference, name: string) => {
      const value = name.startsWith(ENV_PREFIX) ? env[name] : undefined;
      if (value === undefined) {
        const message = name.startsWith(ENV_PREFIX)
          ? `environment variable ${name} is not set`
          : `cannot use environment variable ${name}: only ${ENV_PREFIX}* variables are substituted`;
        issues.push({ path: [], message, line: lineNumber + added });
        return reference;
      }
      const breaks = value.split('\n').length - 1;
      for (let extra = 0; extra <= breaks; extra++) substitutedLines.add(lineNumber + added + extra);
      added += breaks;
      return value;
    });
    shift += added;
    return result;
  });
  return { text: lines.join('\n'), issues, substitutedLines };
}
