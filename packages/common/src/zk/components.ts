import type { ZkClient } from './client.js';
import { isZkError, warnBackgroundError, type BackgroundErrorHandler } from './errors.js';
import { componentRoot, type ComponentKind } from './paths.js';
import { InvalidRecordError, parseJsonObject } from './records.js';
import { childPath } from './znode.js';

/** Fields every Nodepool component carries (Zuul's and Nodepool's `BaseComponent`). */
export interface BaseComponentContent {
  hostname: string;
  /** `initializing`, `running`, `paused` or `stopped`. */
  state: string;
  kind: ComponentKind;
  version: string | null;
  [field: string]: unknown;
}

export type LauncherComponentContent = BaseComponentContent & { kind: 'launcher' };

/** One (provider, pool) worker, as requesters and other launchers read it. */
export interface PoolComponentContent extends BaseComponentContent {
  kind: 'pool';
  id: string | null;
  name: string | null;
  provider_name: string | null;
  supported_labels: string[];
  priority: number;
  paused: boolean;
}

export interface ComponentRegistrationOptions {
  /** Receives failures of re-registration after a session loss. Default: a process warning. */
  onError?: BackgroundErrorHandler;
}

/**
 * A component registration: an ephemeral sequential JSON znode
 * `/nodepool/components/<kind>/<name><seq>`, re-created with the current content on every new
 * session after a session loss, until `unregister()`. Calls are applied in order.
 */
export class ComponentRegistration<C extends BaseComponentContent = BaseComponentContent> {
  private znode: string | undefined;
  /** The session `znode` was created in. */
  private znodeSession: string | undefined;
  private registered = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly onError: BackgroundErrorHandler;

  /** `name` is the znode name's prefix, usually the hostname; the server appends a sequence number. */
  constructor(
    private readonly client: ZkClient,
    readonly kind: ComponentKind,
    private readonly name: string,
    private content: C,
    options: ComponentRegistrationOptions = {},
  ) {
    this.onError = options.onError ?? warnBackgroundError(`re-registering ${kind} component ${name}`);
  }

  /** The current znode's path, or undefined while not registered. Changes after a session loss. */
  get path(): string | undefined {
    return this.znode;
  }

  /** The content last given. */
  get current(): C {
    return this.content;
  }

  /**
   * Creates the znode (and its parents) and returns its path; from then on it is re-created on
   * every new session. Idempotent: returns the existing path while registered.
   */
  async register(): Promise<string> {
    return this.enqueue(async () => {
      if (!this.registered) {
        this.registered = true;
        this.client.on('connected', this.onNewSession);
      }
      await this.create();
      return this.znode!;
    });
  }

  /**
   * Replaces the content and rewrites the znode, waiting through connection loss. When the
   * session was lost meanwhile, the re-registration on the new session writes it instead.
   */
  async update(content: C): Promise<void> {
    this.content = content;
    await this.enqueue(async () => {
      const path = this.znode;
      if (path === undefined) return;
      try {
        await this.client.retryOnConnectionLoss(() => this.client.set(path, this.data()));
      } catch (error) {
        if (!isZkError(error, 'NoNode', 'SessionExpired')) throw error;
      }
    });
  }

  /** Stops re-registering and deletes the znode. Idempotent; a znode already gone is fine. */
  async unregister(): Promise<void> {
    await this.enqueue(async () => {
      this.registered = false;
      this.client.off('connected', this.onNewSession);
      const path = this.znode;
      this.znode = undefined;
      if (path === undefined) return;
      try {
        await this.client.retryOnConnectionLoss(() => this.client.delete(path));
      } catch (error) {
        if (!isZkError(error, 'NoNode', 'SessionExpired', 'Closed')) throw error;
      }
    });
  }

  private readonly onNewSession = () => {
    this.enqueue(() => this.create()).catch((error: unknown) => {
      if (!isZkError(error, 'SessionExpired', 'Closed')) this.onError(error);
    });
  };

  /** Creates the znode unless it exists in the current session (a create retried across a session loss). */
  private async create(): Promise<void> {
    if (!this.registered || (this.znode !== undefined && this.znodeSession === this.client.sessionId)) return;
    const root = componentRoot(this.kind);
    const create = () => this.client.create(childPath(root, this.name), this.data(), { ephemeral: true, sequential: true });
    this.znode = await this.client.retryOnConnectionLoss(async () => {
      try {
        return await create();
      } catch (error) {
        if (!isZkError(error, 'NoNode')) throw error;
        await this.client.mkdirp(root);
        return create();
      }
    });
    this.znodeSession = this.client.sessionId;
  }

  private data(): string {
    return JSON.stringify(this.content);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

export interface RegisteredComponent {
  /** The znode name, e.g. `launcher-host0000000003`. */
  name: string;
  content: Record<string, unknown>;
}

/**
 * The components of one kind registered now (by any process), ordered by znode name. A
 * component znode that does not hold a JSON object is passed to `onInvalid` as an
 * `InvalidRecordError` naming it and left out; without `onInvalid` it is thrown.
 */
export async function listComponents(
  client: ZkClient,
  kind: ComponentKind,
  onInvalid?: (error: InvalidRecordError) => void,
): Promise<RegisteredComponent[]> {
  const root = componentRoot(kind);
  let names: string[];
  try {
    names = (await client.getChildren(root)).sort();
  } catch (error) {
    if (isZkError(error, 'NoNode')) return [];
    throw error;
  }
  const found = await Promise.all(names.map((name) => client.getOrUndefined(childPath(root, name))));
  return names.flatMap((name, i) => {
    const record = found[i];
    if (record === undefined) return [];
    try {
      return [{ name, content: parseJsonObject(childPath(root, name), record.data) }];
    } catch (error) {
      if (!onInvalid || !(error instanceof InvalidRecordError)) throw error;
      onInvalid(error);
      return [];
    }
  });
}
