import type { Clock, Driver } from '@cloudpool/common';
import { systemClock } from '@cloudpool/common';
import type { LauncherTimings } from '../context.js';

/** Where a command writes text: `process.stdout`, or a test's buffer. */
export interface TextOutput {
  write(text: string): unknown;
}

/** The signals the daemon and the simulator react to. */
export type HandledSignal = 'SIGHUP' | 'SIGINT' | 'SIGTERM' | 'SIGUSR2';

/** What receives signals: `process`, or an EventEmitter a test emits them on. */
export interface SignalSource {
  on(signal: HandledSignal, listener: () => void): unknown;
  off(signal: HandledSignal, listener: () => void): unknown;
}

/**
 * Everything a command touches outside itself, injected so commands run in-process in tests:
 * streams, environment, time and signals, plus drivers and launcher timings to add or override.
 */
export interface CliIo {
  stdout: TextOutput;
  stderr: TextOutput;
  /** Answers to confirmation questions (`erase`). */
  stdin: NodeJS.ReadableStream;
  /** `%(NODEPOOL_*)s` substitution in nodepool.yaml, and `CLOUDPOOL_LOG_LEVEL`. */
  env: NodeJS.ProcessEnv;
  clock: Clock;
  signals: SignalSource;
  /** Drivers besides the built-in and installed ones, by name (a test's fake driver). */
  drivers?: ReadonlyMap<string, Driver>;
  /** Settings of the launcher daemon that tests shorten. */
  daemon?: DaemonTuning;
}

/** Launcher daemon settings that only tests change. */
export interface DaemonTuning {
  timings?: Partial<LauncherTimings>;
  /** The launcher's name in ZooKeeper; default host name and pid. */
  hostname?: string;
  /** How long the config file must be quiet before it is re-read; default 500 ms. */
  reloadDebounceMs?: number;
}

/** The real process's streams, environment, clock and signals. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, clock: systemClock, signals: process };
}
