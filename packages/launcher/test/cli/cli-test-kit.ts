import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { systemClock, type Driver } from '@cloudpool/common';
import { afterEach, beforeEach } from 'vitest';
import type { CliIo, DaemonTuning, HandledSignal } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { configText, FAST_TIMINGS } from '../support/launcher-harness.js';

/** Text written to a captured stream, as one string. */
export class Captured {
  text = '';
  readonly write = (chunk: string): boolean => {
    this.text += chunk;
    return true;
  };

  /** The lines written so far, without the empty last one. */
  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }
}

/** The signals a test sends, in place of the process's. */
export class TestSignals extends EventEmitter {
  send(signal: HandledSignal): void {
    this.emit(signal);
  }
}

/** An io for in-process runs: captured streams, an empty environment, test signals and the given drivers. */
export function testIo(options: { drivers?: ReadonlyMap<string, Driver>; stdin?: string; daemon?: DaemonTuning } = {}) {
  const stdout = new Captured();
  const stderr = new Captured();
  const signals = new TestSignals();
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: {},
    clock: systemClock,
    signals,
    ...(options.drivers ? { drivers: options.drivers } : {}),
    daemon: { timings: FAST_TIMINGS, reloadDebounceMs: 100, ...options.daemon },
  };
  return { io, stdout, stderr, signals };
}

/** Runs `cloudpool <args>` in-process; resolves with the exit code and what it printed. */
export async function cloudpool(args: string[], options: Parameters<typeof testIo>[0] = {}) {
  const { io, stdout, stderr } = testIo(options);
  const code = await runCli(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temporary directory for each test of the calling file, removed after it. */
export function useTempDir(): () => string {
  let directory: string | undefined;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'cloudpool-cli-'));
  });
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });
  return () => directory!;
}

/** Writes `nodepool.yaml` for the run's ZooKeeper under `chroot` (see `configText`) into `directory`; returns its path. */
export async function writeConfig(directory: string, chroot: string, body: string): Promise<string> {
  const file = path.join(directory, 'nodepool.yaml');
  await writeFile(file, configText(chroot, body));
  return file;
}
