import type { LauncherOptions } from '@cloudpool/launcher';

type Logger = NonNullable<LauncherOptions['logger']>;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/**
 * The launcher's logger in these tests: silent, unless `CLOUDPOOL_TEST_LOG` names a level
 * (`debug`, `info`...), from which on each entry is written to stderr as one JSON line. Only
 * what the launcher and the drivers call of a pino logger: `child` and the level methods.
 */
export function testLogger(name: string, bindings: Record<string, unknown> = {}): Logger {
  const threshold = LEVELS.indexOf(process.env.CLOUDPOOL_TEST_LOG as (typeof LEVELS)[number]);
  const logger: Record<string, unknown> = { child: (more: Record<string, unknown>) => testLogger(name, { ...bindings, ...more }) };
  LEVELS.forEach((level, index) => {
    logger[level] = (first: unknown, message?: string) => {
      if (threshold < 0 || index < threshold) return;
      const fields = typeof first === 'object' && first !== null ? first : { msg: first };
      process.stderr.write(`${JSON.stringify({ level, name, ...bindings, ...fields, ...(message === undefined ? {} : { msg: message }) }, errorFields)}\n`);
    };
  });
  return logger as unknown as Logger;
}

/** Errors as their message, which JSON.stringify would write as `{}`. */
function errorFields(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}
