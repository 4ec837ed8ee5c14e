import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export {
  connectClient,
  nextEvent,
  parseHosts,
  sharedServerConfig,
  sharedServerHosts,
  sharedServerTls,
  testChroot,
  waitFor,
} from '@cloudpool/common/testing';

/** A TypeScript script running in a child process, talked to line by line. */
export interface ScriptProcess {
  child: ChildProcessByStdio<Writable, Readable, null>;
  /** The next line the script prints (undefined once its stdout ended). */
  nextLine(): Promise<string | undefined>;
  /** Writes `line` to the script's stdin. */
  send(line: string): void;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs a script of this folder with tsx in a child process (stderr passes through). */
export function startScript(script: string, args: string[]): ScriptProcess {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    nextLine: async () => (await lines.next()).value as string | undefined,
    send: (line) => child.stdin.write(`${line}\n`),
  };
}
