import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import type { TimerClock } from '../time/clock.js';

/**
 * Node readiness as Nodepool checks it, once the cloud says the instance is running: the node
 * must answer on its connection port and, for SSH-type connections, hand out its host keys.
 *
 * Semantics (Nodepool's `nodescan`):
 * - The whole scan is bounded by `timeoutMs` (the provider's `boot-timeout`), from its start.
 * - Until then, a connection that is refused, unreachable or not answered within
 *   `attemptTimeoutMs` is tried again after `retryIntervalMs`, as is an SSH handshake that
 *   fails before the server offered a key (an sshd that is still starting).
 * - `ssh` and `network_cli` gather every host key the server offers: one handshake per key
 *   type (ed25519, ecdsa, rsa), each allowing only that type's algorithms, as `ssh-keyscan`
 *   does. A type the server does not have is skipped; a handshake of a later type that fails
 *   otherwise is skipped too (its key is missing from the result, as in Nodepool). The keys
 *   are `"<type> <base64 of the wire-format key>"`, the format of `known_hosts` and of the
 *   node record's `host_keys`, in the order above, without duplicates.
 * - Any other connection type (`winrm`, ...) only needs the port to accept a connection;
 *   the result is then empty.
 * - No authentication is attempted: each handshake stops right after the server's key.
 * - Rejects with a `NodeScanError` when the time is up (`timedOut`), or when `signal` aborts.
 *
 * Nothing here blocks the event loop (sockets and ssh2's handshake are asynchronous, and its
 * key exchange uses Node's crypto), and nothing goes through a cloud's API queue: many nodes
 * are scanned at once, each at its own pace. Time is the injected clock's, and connections are
 * the injected dialer's, so tests decide both.
 */
export async function scanNode(target: ScanTarget, options: NodeScanOptions): Promise<string[]> {
  return new NodeScan(target, options).run();
}

/** What is scanned. */
export interface ScanTarget {
  /** The node's `interface_ip`. */
  host: string;
  /** The node's `connection_port`. */
  port: number;
  /** The node's `connection_type` (`ssh`, `network_cli`, `winrm`, ...). */
  connectionType: string;
}

/** Opens a TCP connection; resolves once connected, rejects when refused, unreachable or aborted. */
export type Dialer = (host: string, port: number, signal: AbortSignal) => Promise<Duplex>;

export interface NodeScanOptions {
  clock: TimerClock;
  /** The whole scan's bound, ms (the provider's `boot-timeout`). */
  timeoutMs: number;
  /** Bound of one connection attempt or one handshake, ms. Default 10 s, as Nodepool's connect. */
  attemptTimeoutMs?: number;
  /** Wait after a failed attempt before the next, ms. Default 1 s, as Nodepool's scan loop. */
  retryIntervalMs?: number;
  /** Default: a TCP connection with `node:net`. */
  dial?: Dialer;
  signal?: AbortSignal;
}

/** Settings a launcher passes to every scan (tests shorten them). */
export type NodeScanSettings = Pick<NodeScanOptions, 'attemptTimeoutMs' | 'retryIntervalMs' | 'dial'>;

export class NodeScanError extends Error {
  constructor(
    message: string,
    /** True when the scan ran out of time (the node never answered within `timeoutMs`). */
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NodeScanError';
  }
}

/** Whether a connection type gathers host keys (Nodepool: `ssh` and `network_cli`). */
export function gathersHostKeys(connectionType: string): boolean {
  return connectionType === 'ssh' || connectionType === 'network_cli';
}

/** One handshake per key type, each offering only that type's signature algorithms. */
export const HOST_KEY_TYPES: ReadonlyArray<{ name: string; algorithms: string[] }> = [
  { name: 'ed25519', algorithms: ['ssh-ed25519'] },
  { name: 'ecdsa', algorithms: ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'] },
  { name: 'rsa', algorithms: ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] },
];

const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_INTERVAL_MS = 1_000;

/** The outcome of one handshake. */
type Handshake = { kind: 'key'; key: string } | { kind: 'no-such-type' };

export const dialTcp: Dialer = (host, port, signal) =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
  });

class NodeScan {
  private readonly deadline: number;
  private readonly attemptTimeoutMs: number;
  private readonly retryIntervalMs: number;
  private readonly dial: Dialer;
  private readonly signal: AbortSignal;
  private lastFailure: unknown;

  constructor(
    private readonly target: ScanTarget,
    private readonly options: NodeScanOptions,
  ) {
    this.deadline = options.clock.now() + options.timeoutMs;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    this.retryIntervalMs = options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
    this.dial = options.dial ?? dialTcp;
    this.signal = options.signal ?? new AbortController().signal;
  }

  async run(): Promise<string[]> {
    for (;;) {
      const socket = await this.connectOnce();
      if (socket) {
        if (!gathersHostKeys(this.target.connectionType)) {
          socket.destroy();
          return [];
        }
        const first = await this.handshakeOnce(socket, HOST_KEY_TYPES[0]!.algorithms);
        if (first) return this.gatherRest(first);
      }
      await this.pause();
    }
  }

  /** After the first handshake answered: the other key types, one connection each. */
  private async gatherRest(first: Handshake): Promise<string[]> {
    const keys = new Set<string>();
    if (first.kind === 'key') keys.add(first.key);
    for (const type of HOST_KEY_TYPES.slice(1)) {
      const socket = await this.connectOnce();
      const outcome = socket ? await this.handshakeOnce(socket, type.algorithms) : undefined;
      if (outcome?.kind === 'key') keys.add(outcome.key);
    }
    if (keys.size === 0) {
      throw new NodeScanError(`${this.where()} offers no host key of a known type (${HOST_KEY_TYPES.map((t) => t.name).join(', ')})`, false);
    }
    return [...keys];
  }

  /** One TCP connection attempt; undefined when it failed (the reason kept for the timeout message). */
  private async connectOnce(): Promise<Duplex | undefined> {
    this.checkTime();
    const attempt = new AbortController();
    const stop = () => attempt.abort(this.signal.reason);
    this.signal.addEventListener('abort', stop, { once: true });
    try {
      return await this.bounded(this.dial(this.target.host, this.target.port, attempt.signal), () => attempt.abort(new Error('connect timed out')));
    } catch (error) {
      this.checkAborted();
      this.lastFailure = error;
      return undefined;
    } finally {
      this.signal.removeEventListener('abort', stop);
    }
  }

  /**
   * One SSH handshake on `socket`, stopped at the server's host key. Undefined when it failed
   * otherwise than for want of a matching key type (an sshd not ready yet, a reset, a timeout).
   */
  private async handshakeOnce(socket: Duplex, algorithms: string[]): Promise<Handshake | undefined> {
    this.checkTime();
    const client = new Client();
    let offered: string | undefined;
    const done = new Promise<Handshake>((resolve, reject) => {
      client.on('error', (error: Error & { level?: string }) => {
        if (offered !== undefined) resolve({ kind: 'key', key: offered });
        else if (/no matching host key/i.test(error.message)) resolve({ kind: 'no-such-type' });
        else reject(error);
      });
      client.on('close', () => (offered !== undefined ? resolve({ kind: 'key', key: offered }) : reject(new Error('connection closed during the SSH handshake'))));
      client.on('ready', () => reject(new Error('server accepted an unauthenticated client')));
    });
    const stop = () => socket.destroy();
    this.signal.addEventListener('abort', stop, { once: true });
    try {
      client.connect({
        sock: socket,
        username: 'nodescan',
        readyTimeout: 0,
        algorithms: { serverHostKey: algorithms as never },
        hostVerifier: (key: Buffer) => {
          offered = formatHostKey(key);
          return false;
        },
      });
      return await this.bounded(done, stop);
    } catch (error) {
      this.checkAborted();
      this.lastFailure = error;
      return undefined;
    } finally {
      this.signal.removeEventListener('abort', stop);
      client.end();
      socket.destroy();
    }
  }

  /** Waits `retryIntervalMs` (not past the deadline) on the injected clock. */
  private async pause(): Promise<void> {
    this.checkTime();
    const ms = Math.min(this.retryIntervalMs, Math.max(0, this.deadline - this.options.clock.now()));
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        this.options.clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.options.clock.setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
    this.checkAborted();
  }

  /** `work`, failed by `onTimeout` (which must make `work` settle) after the attempt bound or at the deadline. */
  private async bounded<T>(work: Promise<T>, onTimeout: () => void): Promise<T> {
    const ms = Math.max(0, Math.min(this.attemptTimeoutMs, this.deadline - this.options.clock.now()));
    const timer = this.options.clock.setTimeout(onTimeout, ms);
    try {
      return await work;
    } finally {
      this.options.clock.clearTimeout(timer);
    }
  }

  private checkAborted(): void {
    if (this.signal.aborted) throw new NodeScanError(`scan of ${this.where()} stopped: ${reasonText(this.signal.reason)}`, false, { cause: this.signal.reason });
  }

  private checkTime(): void {
    this.checkAborted();
    if (this.options.clock.now() < this.deadline) return;
    const last = this.lastFailure === undefined ? '' : ` (last: ${reasonText(this.lastFailure)})`;
    throw new NodeScanError(`${this.where()} did not answer within ${this.options.timeoutMs / 1000}s${last}`, true, { cause: this.lastFailure });
  }

  private where(): string {
    return `${this.target.connectionType} on ${this.target.host} port ${this.target.port}`;
  }
}

/** `"<type> <base64>"` of a wire-format public key (its first field names its type). */
export function formatHostKey(key: Buffer): string {
  const length = key.readUInt32BE(0);
  return `${key.subarray(4, 4 + length).toString('ascii')} ${key.toString('base64')}`;
}

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
