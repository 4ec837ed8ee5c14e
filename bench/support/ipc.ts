import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * A small request/answer protocol over a forked child's IPC channel: the parent calls named
 * methods of the child, the child answers each call and may push events of its own.
 */
type Message =
  | { kind: 'call'; id: number; method: string; params: unknown }
  | { kind: 'answer'; id: number; ok: true; value: unknown }
  | { kind: 'answer'; id: number; ok: false; error: string }
  | { kind: 'event'; name: string; data: unknown };

export type Handlers = Record<string, (params: never) => unknown>;

const started: ChildHost[] = [];

/** Warnings the child processes printed (first line), with the number of processes that printed each. */
export function childWarnings(): Map<string, number> {
  const processes = new Map<string, number>();
  for (const host of started) for (const warning of host.warnings.keys()) processes.set(warning, (processes.get(warning) ?? 0) + 1);
  return processes;
}

/** The parent's end: `call` a method of the child, listen to its events with `on`. */
export class ChildHost extends EventEmitter {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited = false;
  /** What the child wrote to stderr, as distinct warnings (first line of each) with counts. */
  readonly warnings = new Map<string, number>();
  private stderrTail = '';

  private constructor(readonly child: ChildProcess, readonly name: string) {
    super();
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) {
        const warning = /^\(node:\d+\) (\S+: .*)$/.exec(line)?.[1];
        if (warning) this.warnings.set(warning.slice(0, 200), (this.warnings.get(warning.slice(0, 200)) ?? 0) + 1);
      }
    });
    child.on('message', (raw) => {
      const message = raw as Message;
      if (message.kind === 'event') this.emit(message.name, message.data);
      else if (message.kind === 'answer') {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(new Error(`${this.name}: ${message.error}`));
      }
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      if (code !== 0 && signal !== 'SIGKILL') process.stderr.write(`${name} exited (${code ?? signal}); its last output:\n${this.stderrTail}\n`);
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${this.name} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  /**
   * Forks a TypeScript entry of this folder (through tsx) and waits for its `ready` event. With
   * `built`, the workspace packages it imports are their build (dist/, as in production; `pnpm
   * bench` builds first), otherwise their sources.
   */
  static async start(script: string, name: string, args: string[] = [], execArgv: string[] = [], built = false): Promise<ChildHost> {
    const child = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
      execArgv: [...(built ? [] : ['--conditions=@cloudpool/source']), '--import', 'tsx', ...execArgv],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const host = new ChildHost(child, name);
    started.push(host);
    await new Promise<void>((resolve, reject) => {
      host.once('ready', () => resolve());
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    });
    return host;
  }

  call<T>(method: string, params: unknown = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as T), reject });
      this.child.send({ kind: 'call', id, method, params } satisfies Message);
    });
  }

  /** Asks the child to stop (its `stop` method), then makes sure it is gone. */
  async stop(timeoutMs = 60_000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.call('stop').catch(() => undefined);
    await gone;
    clearTimeout(timer);
  }
}

/** The child's end: serves `handlers`, then announces `ready`. A `stop` handler should end with `exit()`. */
export function serve(handlers: Handlers): void {
  process.on('message', (raw) => {
    const message = raw as Message;
    if (message.kind !== 'call') return;
    const handler = handlers[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no method ${message.method}`);
        return handler(message.params as never);
      })
      .then(
        (value) => process.send?.({ kind: 'answer', id: message.id, ok: true, value: value ?? null } satisfies Message),
        (error: unknown) =>
          process.send?.({ kind: 'answer', id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Message),
      );
  });
  // The parent going away ends the child too: nothing is left running after a benchmark.
  process.on('disconnect', () => process.exit(0));
  pushEvent('ready', null);
}

export function pushEvent(name: string, data: unknown): void {
  process.send?.({ kind: 'event', name, data } satisfies Message);
}

/** Answers the pending `stop` call, then exits. */
export function exitSoon(): void {
  setTimeout(() => process.exit(0), 50);
}
