import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './cli-error.js';

/** Nodepool's pid file of the launcher when `-p` is not given. */
export const DEFAULT_PIDFILE = '/var/run/nodepool/nodepool.pid';

/** Set in the environment of the detached process: the pid file it holds, and that it runs as the daemon. */
export const DAEMON_PIDFILE_ENV = 'CLOUDPOOL_DAEMON_PIDFILE';

/** How long the starting process waits for the daemon to write its pid file. */
const DAEMON_START_TIMEOUT_MS = 60_000;

function pidIn(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the pid file as Nodepool's daemon does: refused while it names a live process, a stale
 * one is replaced. Returns the function that removes it again (only if it still names us).
 */
export function holdPidfile(file: string): () => void {
  const holder = pidIn(file);
  if (holder !== undefined && holder !== process.pid && alive(holder)) {
    throw new CliError(`pid file ${file} names process ${holder}, which is running: is another launcher running? (-p names another file)`);
  }
  try {
    writeFileSync(file, `${process.pid}\n`);
  } catch (error) {
    throw new CliError(`cannot write the pid file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (-p names another file)`);
  }
  return () => {
    if (pidIn(file) === process.pid) rmSync(file, { force: true });
  };
}

/**
 * Nodepool's default without `-d`/`-f`: run as a daemon. The same command is started again,
 * detached from the terminal and with `-f`, holding `pidfile`; this process returns once the
 * daemon has written its pid there, and fails if the daemon ends first or never does.
 */
export async function daemonize(argv: readonly string[], pidfile: string, env: NodeJS.ProcessEnv): Promise<number> {
  const holder = pidIn(pidfile);
  if (holder !== undefined && alive(holder)) {
    throw new CliError(`pid file ${pidfile} names process ${holder}, which is running: is another launcher running? (-p names another file)`);
  }
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...argv, '-f'], {
    detached: true,
    stdio: 'ignore',
    env: { ...env, [DAEMON_PIDFILE_ENV]: pidfile },
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (pidIn(pidfile) === child.pid) return child.pid!;
    if (exited !== undefined) throw new CliError(`the daemon ended at start (exit code ${exited}); run with -f to see why`);
    await sleep(50);
  }
  throw new CliError(`the daemon did not write ${pidfile} within ${DAEMON_START_TIMEOUT_MS / 1000} s`);
}
