import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** A TypeScript script running in a child process, talked to line by line. */
export interface ScriptProcess {
  child: ChildProcessByStdio<Writable, Readable, null>;
  /** The next line the script prints (undefined once its stdout ended). */
  nextLine(): Promise<string | undefined>;
  /** Writes `line` to the script's stdin. */
  send(line: string): void;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs a TypeScript script (a file URL, e.g. `new URL('./x.ts', import.meta.url)`) with tsx in a child process; stderr passes through. */
export function startScript(script: URL, args: string[]): ScriptProcess {
  const child = spawn(process.execPath, ['--conditions=@cloudpool/source', '--import', 'tsx', fileURLToPath(script), ...args], {
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
