import { EventEmitter } from 'node:events';
import ZooKeeper from 'zookeeper';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SESSION_TIMEOUT_MS,
  connectString,
  normalizeChroot,
  type ZkAuth,
  type ZkClientConfig,
  type ZkHost,
} from './client-config.js';
import { ZkError, isZkError, toZkError } from './errors.js';
import { awaitFirstSession } from './first-session.js';
import { ZkTlsError, checkTlsFiles, nativeTlsArgument, type ZkTlsFiles } from './tls.js';
import {
  childPath,
  createFlags,
  toStat,
  watchEventType,
  type ZkCreateOptions,
  type ZkStat,
  type ZkWatcher,
} from './znode.js';

type NativeZk = InstanceType<typeof ZooKeeper>;

const { constants } = ZooKeeper;

/**
 * Session events. `connected`: a new session is established (the first one, and a fresh one
 * after each `lost`): components re-register on it. `suspended`: the connection dropped, the
 * session may still be alive. `reconnected`: the same session is back, with its ephemeral
 * znodes and watches. `lost`: the session ended, so every ephemeral znode and lock of it is
 * gone; a new session is being made. `closed`: `close()` was called.
 */
export interface ZkClientEvents {
  connected: [sessionId: string];
  suspended: [sessionId: string];
  reconnected: [sessionId: string];
  lost: [sessionId: string];
  closed: [];
}

export type ZkConnectionState = 'connecting' | 'connected' | 'suspended' | 'closed';

/**
 * Operation counts of one client, kept only after `enableStats()` (for benchmarks). Every
 * operation sent counts, failed ones too: `reads` are get, exists and getChildren; `writes` are
 * create, set and delete; `watchesSet` counts reads sent with a watcher, `watchEvents` the
 * watches that fired.
 */
export interface ZkClientStats {
  reads: number;
  writes: number;
  watchesSet: number;
  watchEvents: number;
  /** Operations sent, by name (`get`, `create`, ...). */
  byOperation: Record<string, number>;
}

const READ_OPERATIONS = new Set(['get', 'exists', 'getChildren']);

/**
 * ZooKeeper's `jute.maxbuffer` default, 0xfffff bytes (1 MiB less one): the longest request
 * packet the server reads. The server closes the connection of a client that sends a longer
 * one, so such a write is never applied and costs the connection (and, if the caller retries
 * it, the connection again each time). Measured on the 3.8 server: 1023 KiB of data written,
 * 1024 KiB refused.
 */
export const JUTE_MAX_BUFFER = 0xfffff;

/**
 * Bytes of a create or set request besides its path and data (both length-prefixed): the
 * header (xid, type), the version, one ACL, the flags and a TTL, rounded up.
 */
const REQUEST_OVERHEAD_BYTES = 64;

/** The most data one create or set of `path` (as the server sees it, with the chroot) can carry. */
export function maxWriteBytes(serverPath: string): number {
  return JUTE_MAX_BUFFER - REQUEST_OVERHEAD_BYTES - Buffer.byteLength(serverPath);
}

/** What every session of one `connect` shares: the first one, and the chroot's second one. */
interface OpenOptions {
  hosts: ZkHost[];
  sessionTimeoutMs: number;
  connectTimeoutMs: number;
  tls?: ZkTlsFiles;
  auth?: ZkAuth;
}

/**
 * A ZooKeeper client over the native `zookeeper` package (the C client). It keeps one session
 * at a time: when a session is lost it makes a new one by itself, so long-running daemons
 * recover; listen to `connected` to re-create ephemeral state.
 *
 * A session is considered lost when the server says it expired, or when the connection has
 * been down for the whole negotiated session timeout (the server has expired it by then, and
 * this way a partitioned process learns it lost its locks without waiting to reach the server).
 */
export class ZkClient extends EventEmitter<ZkClientEvents> {
  private native!: NativeZk;
  /** Bumped for every native handle, so events of a replaced handle are ignored. */
  private generation = 0;
  private state: ZkConnectionState = 'connecting';
  private currentSessionId: string | undefined;
  private negotiatedTimeoutMs: number;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly connectionCheck: NodeJS.Timeout;
  private statsValue: ZkClientStats | undefined;

  private constructor(
    private readonly connectString: string,
    private readonly sessionTimeoutMs: number,
    /** The C client's `ca,cert,key` when sessions run over TLS. */
    private readonly tlsArgument: string | undefined,
    /** Prefixed to every path by the C client (counts toward a request's size). */
    private readonly chroot = '',
    private readonly auth?: ZkAuth,
  ) {
    super();
    // Every held lock listens for session loss: a launcher holds many at once.
    this.setMaxListeners(0);
    this.negotiatedTimeoutMs = sessionTimeoutMs;
    this.openSession();
    // The C client does not always report a dropped connection (not when the drop is seen while
    // sending), so the handle's state is also checked now and then; it is a local read.
    const checkEveryMs = Math.min(1000, Math.max(100, Math.floor(sessionTimeoutMs / 4)));
    this.connectionCheck = setInterval(() => this.checkConnection(), checkEveryMs).unref();
  }

  /**
   * Connects and resolves once the first session is established. Creates the chroot (through a
   * short second session without it) when it is missing. With `tls`, every session runs over
   * TLS. Throws `ZkError('ConnectionLoss')` when no session could be made within
   * `connectTimeoutMs`, and a `ZkTlsError` naming the file or the server when the TLS files are
   * unusable or every server fails the handshake (see `awaitFirstSession`).
   */
  static async connect(config: ZkClientConfig): Promise<ZkClient> {
    const chroot = normalizeChroot(config.chroot);
    const options: OpenOptions = {
      hosts: config.hosts,
      sessionTimeoutMs: config.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      connectTimeoutMs: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      ...(config.tls ? { tls: await checkTlsFiles(config.tls) } : {}),
      ...(config.auth ? { auth: config.auth } : {}),
    };
    if (options.tls && !constants.HAVE_OPENSSL) {
      throw new ZkTlsError(
        'zookeeper-tls is configured, but the native "zookeeper" addon was built without OpenSSL: ' +
          'install OpenSSL\'s headers (Debian: libssl-dev) and rebuild it (pnpm rebuild zookeeper)',
      );
    }
    const client = await ZkClient.open(chroot, options);
    try {
      // Inside a chroot, `/` is the chroot itself.
      if (chroot !== undefined && (await client.exists('/')) === undefined) {
        const root = await ZkClient.open(undefined, options);
        try {
          await root.mkdirp(chroot);
        } finally {
          await root.close();
        }
      }
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  private static async open(chroot: string | undefined, options: OpenOptions): Promise<ZkClient> {
    const { hosts, sessionTimeoutMs, connectTimeoutMs, tls, auth } = options;
    const target = connectString(hosts, chroot);
    const client = new ZkClient(target, sessionTimeoutMs, tls && nativeTlsArgument(tls), chroot, auth);
    try {
      await awaitFirstSession((signal) => client.waitForConnection(signal), { hosts, target, connectTimeoutMs, ...(tls ? { tls } : {}) });
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** The current session's id (hex), or undefined while no session is established. */
  get sessionId(): string | undefined {
    return this.currentSessionId;
  }

  get connectionState(): ZkConnectionState {
    return this.state;
  }

  /** Starts counting operations (idempotent); returns the live counters. */
  enableStats(): ZkClientStats {
    this.statsValue ??= { reads: 0, writes: 0, watchesSet: 0, watchEvents: 0, byOperation: {} };
    return this.statsValue;
  }

  /** The live counters, or undefined unless `enableStats()` was called. */
  get stats(): ZkClientStats | undefined {
    return this.statsValue;
  }

  /** The session timeout the server granted (the requested one until the first connect). */
  get negotiatedSessionTimeoutMs(): number {
    return this.negotiatedTimeoutMs;
  }

  /**
   * Resolves when the client is connected (at once if it is). Rejects with `ZkError('Closed')`
   * if the client is or gets closed, and with the signal's reason when `signal` aborts.
   */
  async waitForConnection(signal?: AbortSignal): Promise<void> {
    if (this.state === 'connected') return;
    if (this.state === 'closed') throw new ZkError('Closed', 'the ZooKeeper client is closed');
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        this.off('connected', onConnected);
        this.off('reconnected', onConnected);
        this.off('closed', onClosed);
        signal?.removeEventListener('abort', onAbort);
      };
      const onConnected = () => {
        cleanup();
        resolve();
      };
      const onClosed = () => {
        cleanup();
        reject(new ZkError('Closed', 'the ZooKeeper client is closed'));
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
      };
      this.on('connected', onConnected);
      this.on('reconnected', onConnected);
      this.on('closed', onClosed);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Runs `operation`, and when it fails with `ConnectionLoss` waits until connected (the same
   * session or a new one) and runs it again; other errors are thrown. Only for operations that
   * are safe to repeat. Rejects with the signal's reason when `signal` aborts while waiting.
   */
  async retryOnConnectionLoss<T>(operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      try {
        return await operation();
      } catch (error) {
        if (!isZkError(error, 'ConnectionLoss')) throw error;
        await this.waitForConnection(signal);
      }
    }
  }

  /**
   * Creates a znode and returns its actual path (with the sequence number for sequential ones).
   * Throws NodeExists, or NoNode when the parent is missing (see `mkdirp`), and TooLarge (sending
   * nothing) when the request would exceed `jute.maxbuffer`. Not idempotent.
   */
  async create(path: string, data: Buffer | string, options: ZkCreateOptions = {}): Promise<string> {
    const flags = createFlags(options);
    this.refuseOversized('create', path, data);
    return this.call('create', path, (zk) => zk.create(path, data, flags, options.ttlMs));
  }

  /**
   * Reads a znode. Throws NoNode when it does not exist (and then sets no watch). With a
   * `watcher`, it fires once on the next change or deletion of the znode.
   */
  async get(path: string, watcher?: ZkWatcher): Promise<{ data: Buffer; stat: ZkStat }> {
    const [stat, data] = (await this.call('get', path, (zk) =>
      watcher ? zk.w_get(path, this.oneShot(path, watcher)) : zk.get(path, false),
    )) as [Record<string, unknown>, Buffer | null];
    return { data: data ?? Buffer.alloc(0), stat: toStat(stat) };
  }

  /** Like `get`, but resolves undefined when the znode does not exist. */
  async getOrUndefined(path: string, watcher?: ZkWatcher): Promise<{ data: Buffer; stat: ZkStat } | undefined> {
    try {
      return await this.get(path, watcher);
    } catch (error) {
      if (isZkError(error, 'NoNode')) return undefined;
      throw error;
    }
  }

  /**
   * Writes a znode's data; with `version`, only if that is still its version (else BadVersion).
   * Throws NoNode when it does not exist, and TooLarge (sending nothing) when the request would
   * exceed `jute.maxbuffer`. Returns the new stat.
   */
  async set(path: string, data: Buffer | string, version = -1): Promise<ZkStat> {
    this.refuseOversized('set', path, data);
    const stat = await this.call('set', path, (zk) => zk.set(path, data, version));
    return toStat(stat as unknown as Record<string, unknown>);
  }

  /**
   * Replaces a znode's ACL: entries of `perms` (ZooKeeper's bits, 31 for all), `scheme` and its
   * `id` (e.g. scheme `auth`, id '': every identity this session authenticated as; see `auth`).
   * Throws NoNode, BadVersion, NoAuth.
   */
  async setAcl(path: string, acl: Array<{ perms: number; scheme: string; id: string }>, version = -1): Promise<void> {
    await this.call('setAcl', path, (zk) => zk.set_acl(path, version, acl.map(({ perms, scheme, id }) => ({ perms, scheme, auth: id }))));
  }

  /**
   * Deletes a znode; with `version`, only if that is still its version (else BadVersion).
   * Throws NoNode when it does not exist and NotEmpty when it has children.
   */
  async delete(path: string, version = -1): Promise<void> {
    await this.call('delete', path, (zk) => zk.delete_(path, version));
  }

  /**
   * Deletes a znode and everything below it, children first. A znode that is already gone
   * counts as deleted, so this is idempotent. Children added while it runs are deleted too;
   * gives up with NotEmpty if they keep coming.
   */
  async deleteRecursive(path: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let children: string[];
      try {
        children = await this.getChildren(path);
      } catch (error) {
        if (isZkError(error, 'NoNode')) return;
        throw error;
      }
      for (const child of children) await this.deleteRecursive(childPath(path, child));
      try {
        await this.delete(path);
        return;
      } catch (error) {
        if (isZkError(error, 'NoNode')) return;
        if (!isZkError(error, 'NotEmpty') || attempt >= 5) throw error;
      }
    }
  }

  /**
   * The znode's stat, or undefined when it does not exist. A `watcher` is set either way: it
   * fires once on the znode's creation, change or deletion.
   */
  async exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | undefined> {
    try {
      const stat = await this.call('exists', path, (zk) =>
        watcher ? zk.w_exists(path, this.oneShot(path, watcher)) : zk.exists(path, false),
      );
      return toStat(stat as unknown as Record<string, unknown>);
    } catch (error) {
      if (isZkError(error, 'NoNode')) return undefined;
      throw error;
    }
  }

  /**
   * The names (not paths) of a znode's children, in no particular order. Throws NoNode when it
   * does not exist (and then sets no watch). A `watcher` fires once when a child is added or
   * removed, or the znode is deleted.
   */
  async getChildren(path: string, watcher?: ZkWatcher): Promise<string[]> {
    return this.call('getChildren', path, (zk) =>
      watcher ? zk.w_get_children(path, this.oneShot(path, watcher)) : zk.get_children(path, false),
    );
  }

  /** Like `getChildren` (no watch), but resolves [] when the znode does not exist. */
  async getChildrenOrEmpty(path: string): Promise<string[]> {
    try {
      return await this.getChildren(path);
    } catch (error) {
      if (isZkError(error, 'NoNode')) return [];
      throw error;
    }
  }

  /** Creates a persistent znode and its missing ancestors, with empty data. Idempotent. */
  async mkdirp(path: string): Promise<void> {
    const parts = path.split('/').filter((part) => part !== '');
    for (let i = 1; i <= parts.length; i++) {
      try {
        await this.create(`/${parts.slice(0, i).join('/')}`, '');
      } catch (error) {
        if (!isZkError(error, 'NodeExists')) throw error;
      }
    }
  }

  /**
   * Closes the session: the server deletes its ephemeral znodes right away. Emits `closed`.
   * Calls made afterwards throw `ZkError('Closed')`. Idempotent. While connected, the C client
   * waits for the server to confirm, blocking the event loop for that round trip (at most
   * about 1.5 s if the server does not answer).
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.connectionCheck);
    this.clearExpiryTimer();
    this.generation++;
    this.currentSessionId = undefined;
    this.native.close();
    this.emit('closed');
  }

  private async call<T>(operation: string, path: string, run: (zk: NativeZk) => Promise<T>): Promise<T> {
    if (this.state === 'closed') throw new ZkError('Closed', 'the ZooKeeper client is closed', { operation, path });
    const stats = this.statsValue;
    if (stats) {
      if (READ_OPERATIONS.has(operation)) stats.reads++;
      else stats.writes++;
      stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
    }
    try {
      return await run(this.native);
    } catch (error) {
      const zkError = toZkError(error, operation, path);
      if (zkError.code === 'ConnectionLoss') this.checkConnection();
      throw zkError;
    }
  }

  /** Throws TooLarge for a write the server would answer by closing the connection (see `JUTE_MAX_BUFFER`). */
  private refuseOversized(operation: string, path: string, data: Buffer | string): void {
    const bytes = Buffer.byteLength(data);
    const limit = maxWriteBytes(`${this.chroot}${path}`);
    if (bytes <= limit) return;
    throw new ZkError(
      'TooLarge',
      `ZooKeeper ${operation} ${path} refused: ${bytes} bytes of data, more than the ${limit} one request can carry ` +
        `(the server's jute.maxbuffer, ${JUTE_MAX_BUFFER} bytes, less the path and header); nothing was sent`,
      { operation, path },
    );
  }

  /** Wraps a watcher so it fires once, only for znode events, and never for a replaced session. */
  private oneShot(path: string, watcher: ZkWatcher): (type: number) => void {
    const generation = this.generation;
    let fired = false;
    if (this.statsValue) this.statsValue.watchesSet++;
    return (type: number) => {
      const eventType = watchEventType(type);
      if (eventType === undefined || fired || generation !== this.generation) return;
      fired = true;
      if (this.statsValue) this.statsValue.watchEvents++;
      watcher({ type: eventType, path });
    };
  }

  private openSession(): void {
    const generation = ++this.generation;
    const native = new ZooKeeper({
      connect: this.connectString,
      timeout: this.sessionTimeoutMs,
      debug_level: 0,
      ...(this.tlsArgument ? { tls: this.tlsArgument } : {}),
    });
    const current = () => generation === this.generation;
    native.on('connect', () => {
      if (current()) this.onConnected();
    });
    native.on('connecting', () => {
      if (current()) this.onSuspended();
    });
    // Code 0 is our own close(); any other code (expired session, failed auth) ends the session.
    native.on('close', (_zk: unknown, code: number) => {
      if (current() && code !== 0) this.onSessionLost();
    });
    this.native = native;
    this.state = 'connecting';
    native.init({});
    // Queued before the first connect; the C client sends it right after each handshake, ahead of any call.
    if (this.auth) native.add_auth(this.auth.scheme, this.auth.credential, () => undefined);
  }

  private onConnected(): void {
    const sessionId = String(this.native.client_id);
    this.negotiatedTimeoutMs = this.native.timeout;
    this.clearExpiryTimer();
    if (this.state === 'connecting') {
      this.state = 'connected';
      this.currentSessionId = sessionId;
      this.emit('connected', sessionId);
      return;
    }
    // Connected again while we thought we still were: a drop the C client did not report.
    if (this.state === 'connected') this.emit('suspended', sessionId);
    this.state = 'connected';
    this.emit('reconnected', sessionId);
  }

  private onSuspended(): void {
    if (this.state !== 'connected' || this.currentSessionId === undefined) return;
    this.state = 'suspended';
    this.expiryTimer = setTimeout(() => this.onSessionLost(), this.negotiatedTimeoutMs);
    this.emit('suspended', this.currentSessionId);
  }

  private checkConnection(): void {
    if (this.state === 'connected' && this.native.state !== constants.ZOO_CONNECTED_STATE) this.onSuspended();
  }

  private onSessionLost(): void {
    const lostSessionId = this.currentSessionId;
    if (this.state === 'closed' || lostSessionId === undefined) return;
    this.clearExpiryTimer();
    const old = this.native;
    this.currentSessionId = undefined;
    this.openSession();
    old.close();
    this.emit('lost', lostSessionId);
  }

  private clearExpiryTimer(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }
}
