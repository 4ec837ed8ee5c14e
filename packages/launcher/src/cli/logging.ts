import { pino, type Logger } from 'pino';
import type { CliIo, TextOutput } from './io.js';

/** Log level from `CLOUDPOOL_LOG_LEVEL` (pino's names: trace, debug, info, warn, error, silent), else `fallback`. */
function level(io: CliIo, fallback: string): string {
  return io.env.CLOUDPOOL_LOG_LEVEL ?? fallback;
}

function jsonLines(output: TextOutput, logLevel: string): Logger {
  return pino({ name: 'cloudpool', level: logLevel }, { write: (line: string) => void output.write(line) });
}

/** The daemon's log: structured JSON lines on stdout, `info` and up by default. */
export function daemonLogger(io: CliIo): Logger {
  return jsonLines(io.stdout, level(io, 'info'));
}

/** A one-shot command's log: silent unless `CLOUDPOOL_LOG_LEVEL` asks, then JSON lines on stderr. */
export function commandLogger(io: CliIo): Logger {
  return jsonLines(io.stderr, level(io, 'silent'));
}
