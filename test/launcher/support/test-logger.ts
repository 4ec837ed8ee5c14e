import type { LauncherOptions } from '@cloudpool/launcher';

type Logger = NonNullable<LauncherOptions['logger']>;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/**
 * The launcher's logger in these tests: silent, unless `CLOUDPOOL_TEST_LOG` names a level
 * (`debug`, `info`...), from which on each entry is written to stderr as one JSON line. Only
 * what the launcher and the drivers call of a pino logger: `child` and the level methods.
 * `sink`, when given, gets every entry's line at every level (for checks of what was logged).
 */
export function testLogger(name: string, bindings: Record<string, unknown> = {}, sink?: (line: string) => void): Logger {
  const threshold = LEVELS.indexOf(process.env.CLOUDPOOL_TEST_LOG as (typeof LEVELS)[number]);
  const logger: Record<string, unknown> = { child: (more: Record<string, unknown>) => testLogger(name, { ...bindings, ...more }, sink) };
  LEVELS.forEach((level, index) => {
    logger[level] = (first: unknown, message?: string) => {
      const shown = threshold >= 0 && index >= threshold;
      if (!shown && !sink) return;
      const fields = typeof first === 'object' && first !== null ? first : { msg: first };
      const line = JSON.stringify({ level, name, ...bindings, ...fields, ...(message === undefined ? {} : { msg: message }) }, errorFields);
      sink?.(line);
      if (shown) process.stderr.write(`${line}\n`);
    };
  });
  return logger as unknown as Logger;
}

/** Errors as their message and their causes' messages, which JSON.stringify would write as `{}`. */
function errorFields(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return value.cause instanceof Error ? `${value.message} (cause: ${String(errorFields('', value.cause))})` : value.message;
}
