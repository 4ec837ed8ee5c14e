import type { LauncherOptions } from '@cloudpool/launcher';

type Logger = NonNullable<LauncherOptions['logger']>;

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/**
 * The soak's logger for launchers and its cloud view: JSON lines on stderr from `SOAK_LOG`'s
 * level (pino's names; default: nothing), shaped as pino's calls are (`log(object?, message?)`).
 */
export function soakLogger(bindings: Record<string, unknown> = {}): Logger {
  const threshold = LEVELS[(process.env.SOAK_LOG ?? '') as keyof typeof LEVELS] ?? Infinity;
  const at = (level: number) => (first?: unknown, message?: string) => {
    if (level < threshold) return;
    const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : { msg: first };
    const err = fields.err instanceof Error ? { err: { message: fields.err.message } } : {};
    process.stderr.write(`${JSON.stringify({ level, time: Date.now(), ...bindings, ...fields, ...err, ...(message === undefined ? {} : { msg: message }) })}\n`);
  };
  const logger = Object.fromEntries(Object.entries(LEVELS).map(([name, level]) => [name, at(level)]));
  return { ...logger, child: (more: Record<string, unknown>) => soakLogger({ ...bindings, ...more }) } as unknown as Logger;
}
