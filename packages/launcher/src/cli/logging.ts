import { pino, type Logger } from 'pino';
import type { CliIo, TextOutput } from './io.js';
import { daemonDefault, foregroundDefault, type LoggingPlan, pinoLevelFor, planFromDict, PythonLogDestination, readLoggingConfig } from './python-logging.js';

/** Log level from `CLOUDPOOL_LOG_LEVEL` (pino's names: trace, debug, info, warn, error, silent), else `fallback`. */
function level(io: CliIo, fallback: string): string {
  return io.env.CLOUDPOOL_LOG_LEVEL ?? fallback;
}

function jsonLines(output: TextOutput, logLevel: string): Logger {
  return pino({ name: 'cloudpool', level: logLevel }, { write: (line: string) => void output.write(line) });
}

/** A one-shot command's log: silent unless `CLOUDPOOL_LOG_LEVEL` asks, then JSON lines on stderr. */
export function commandLogger(io: CliIo): Logger {
  return jsonLines(io.stderr, level(io, 'silent'));
}

/** How the launcher logs, from Nodepool's options. */
export interface LauncherLogging {
  /** `-l`: a Python logging configuration. */
  logConfig?: string;
  /** `-d`: debug level. */
  debug: boolean;
  /** Without `-l`: JSON lines, or Nodepool's text lines. */
  format: 'json' | 'text';
  /** Running detached (Nodepool's daemon mode): without `-l`, Nodepool's log file. */
  asDaemon: boolean;
}

/**
 * The launcher's logger. With `-l`, the Python logging configuration decides levels, handlers
 * and formats; otherwise JSON lines on stdout, or Nodepool's defaults in text (stdout in the
 * foreground, /var/log/nodepool/nodepool.log as a daemon); `-d` lowers the level to debug.
 * `close` releases the log files.
 */
export function launcherLogger(io: CliIo, options: LauncherLogging): { logger: Logger; close(): void } {
  let plan: LoggingPlan | undefined;
  if (options.logConfig) plan = readLoggingConfig(options.logConfig);
  else if (options.asDaemon) plan = planFromDict(daemonDefault(), 'the default logging');
  else if (options.format === 'text') plan = planFromDict(foregroundDefault(options.debug), 'the default logging');
  if (!plan) {
    // JSON lines on stdout, `info` and up unless `-d` or `CLOUDPOOL_LOG_LEVEL` says otherwise.
    const logger = jsonLines(io.stdout, level(io, options.debug ? 'debug' : 'info'));
    return { logger, close: () => undefined };
  }
  const destination = new PythonLogDestination(plan, io);
  const logger = pino({ name: 'cloudpool', level: pinoLevelFor(plan) }, { write: (line: string) => destination.write(line) });
  return { logger, close: () => destination.close() };
}
