import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createNodeCache,
  createRequestCache,
  NodepoolZk,
  ZkClient,
  type NodeRecord,
  type NodeRequestRecord,
  type ZkRecordCache,
} from '@cloudpool/common';
import { startZooKeeperServer, type ZooKeeperServer } from '@cloudpool/common/testing';
import type { KnobsPatch } from '@cloudpool/simulator';
import { cloudKnobs, PROFILES, providerYaml, type CloudName, type CloudProfile } from './clouds.js';
import { ChildHost } from './ipc.js';
import type { LauncherSpec, LauncherStats } from './launcher-host.js';
import type { CaptureResult, ConnectionInfo, PlantedInstance } from './sim-host.js';

/** Counters of a simulator: calls by action, then by outcome (`total`, `ok`, `throttled`, ...). */
export type Counters = Record<string, Record<string, number>>;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `everyMs` until it returns true; false when `timeoutMs` passed first. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** `after - before` per action and outcome. */
export function counterDelta(after: Counters, before: Counters): Counters {
  const delta: Counters = {};
  for (const [action, outcomes] of Object.entries(after)) {
    const entry: Record<string, number> = {};
    for (const [outcome, n] of Object.entries(outcomes)) {
      const d = n - (before[action]?.[outcome] ?? 0);
      if (d !== 0) entry[outcome] = d;
    }
    if (Object.keys(entry).length > 0) delta[action] = entry;
  }
  return delta;
}

export function totalCalls(counters: Counters, outcome = 'total'): number {
  return Object.values(counters).reduce((sum, c) => sum + (c[outcome] ?? 0), 0);
}

/** One simulated cloud in its own process. */
export class Cloud {
  constructor(
    readonly profile: CloudProfile,
    readonly host: ChildHost,
    readonly info: ConnectionInfo,
    readonly files: { azureAuth?: string; azureCa?: string; cloudsDir?: string },
  ) {}

  counters(): Promise<Counters> {
    return this.host.call('counters');
  }
  /** The simulator's process CPU time, ms. */
  async cpuMs(): Promise<number> {
    const { user, system } = await this.host.call<NodeJS.CpuUsage>('cpu');
    return (user + system) / 1000;
  }
  plant(instances: PlantedInstance[]): Promise<number> {
    return this.host.call('plant', instances);
  }
  startCapture(): Promise<void> {
    return this.host.call('startCapture');
  }
  stopCapture(): Promise<CaptureResult> {
    return this.host.call('stopCapture');
  }
}

export interface LaunchEvent {
  provider: string;
  node: string;
  result: 'ready' | 'failed' | 'aborted';
  durationMs: number;
  reason?: string;
  at: number;
}

/** One launcher in its own process. */
export class LauncherProcess {
  readonly launches: LaunchEvent[] = [];

  constructor(readonly name: string, readonly host: ChildHost) {
    host.on('launch', (event: LaunchEvent) => this.launches.push(event));
  }

  stats(): Promise<LauncherStats> {
    return this.host.call('stats');
  }
}

export interface LauncherSetup {
  chroot: string;
  clouds: Cloud[];
  count: number;
  maxServers?: number;
  /** Keys of the `cloudpool.cleanup` section (defaults: interval 60, max-delete-count 1000). */
  cleanup?: Record<string, number | boolean>;
  /** Node options for the launcher processes (e.g. `--expose-gc`). */
  execArgv?: string[];
  /** Serve the web API (`/ready`) on this loopback port; off without it. */
  webappPort?: number;
}

/** A requester that talks to ZooKeeper as Zuul does, with caches of the requests and nodes. */
export class Requester {
  private constructor(
    readonly client: ZkClient,
    readonly zk: NodepoolZk,
    readonly requests: ZkRecordCache<NodeRequestRecord>,
    readonly nodes: ZkRecordCache<NodeRecord>,
  ) {}

  static async connect(zookeeper: ZooKeeperServer, chroot: string): Promise<Requester> {
    const client = await ZkClient.connect({ hosts: [{ host: '127.0.0.1', port: zookeeper.port }], chroot, sessionTimeoutMs: 10_000 });
    // Zuul holds many node locks at once; each lock listens to the client's session events.
    client.setMaxListeners(0);
    const requests = createRequestCache(client);
    const nodes = createNodeCache(client);
    await Promise.all([requests.start(), nodes.start()]);
    await Promise.all([requests.waitForSync(), nodes.waitForSync()]);
    return new Requester(client, new NodepoolZk(client, { identifier: 'zuul-bench' }), requests, nodes);
  }

  submit(label: string): Promise<string> {
    return this.zk.submitRequest({ node_types: [label], requestor: 'zuul-bench' }, '100');
  }

  /** What Zuul does with a fulfilled request's nodes once its job ends: lock, in-use, used, unlock; then it deletes the request. */
  async useAndRelease(request: NodeRequestRecord): Promise<void> {
    for (const id of request.nodes) {
      const locked = await this.zk.lockNode(id, { timeoutMs: 30_000 });
      if (!locked) throw new Error(`could not lock node ${id}`);
      locked.node.state = 'in-use';
      locked.node = await this.zk.updateNode(locked.node);
      locked.node.state = 'used';
      await this.zk.updateNode(locked.node);
      await locked.lock.release();
    }
    await this.zk.deleteRequest(request.id);
  }

  async close(): Promise<void> {
    this.requests.stop();
    this.nodes.stop();
    await this.client.close();
  }
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Everything a benchmark starts: one ZooKeeper server for the whole run (each scenario in a
 * chroot of its own), simulators and launchers in child processes, requesters. `close()` stops
 * whatever is still running, newest first.
 */
export class Harness {
  /** How to stop what was started, newest last; each gets the grace (ms) a launcher has to end its work. */
  private readonly stops: Array<(graceMs: number) => Promise<void>> = [];

  private constructor(
    readonly dir: string,
    /** What every scope of a run shares. */
    private readonly shared: { zookeeper?: Promise<ZooKeeperServer>; memo: Map<string, Promise<unknown>>; chroots: number },
  ) {}

  static async create(): Promise<Harness> {
    return new Harness(await mkdtemp(path.join(os.tmpdir(), 'cloudpool-bench-')), { memo: new Map(), chroots: 0 });
  }

  /** A harness of its own for a scenario that runs alongside others: same ZooKeeper server, its own things to stop (`release(0)`). */
  scope(): Harness {
    return new Harness(this.dir, this.shared);
  }

  /** The run's ZooKeeper server, started on first use. */
  zookeeper(): Promise<ZooKeeperServer> {
    this.shared.zookeeper ??= startZooKeeperServer();
    return this.shared.zookeeper;
  }

  /** A fresh chroot for one scenario. */
  chroot(name: string): string {
    return `/bench-${name}-${++this.shared.chroots}`;
  }

  /** Runs `make` once per key within this run (benchmarks that share a scenario share its result). */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.shared.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.shared.memo.set(key, value);
    }
    return value;
  }

  async startCloud(name: CloudName, overrides: KnobsPatch = {}): Promise<Cloud> {
    const profile = PROFILES[name];
    const host = await ChildHost.start('./sim-host.ts', `simulator ${name}`, [name, JSON.stringify(cloudKnobs(profile, overrides))]);
    this.stops.push(() => host.stop(5_000));
    const info = await host.call<ConnectionInfo>('info');
    const files: Cloud['files'] = {};
    if (info.cloud === 'azure') {
      const dir = await mkdtemp(path.join(this.dir, 'azure-'));
      files.azureAuth = path.join(dir, 'credentials.json');
      files.azureCa = path.join(dir, 'ca.pem');
      await writeFile(files.azureAuth, JSON.stringify(info.authFile), { mode: 0o600 });
      await writeFile(files.azureCa, info.ca);
    } else if (info.cloud === 'openstack') {
      files.cloudsDir = await mkdtemp(path.join(this.dir, 'openstack-'));
      await writeFile(path.join(files.cloudsDir, 'clouds.yaml'), info.cloudsYaml);
    }
    return new Cloud(profile, host, info, files);
  }

  async configText(setup: LauncherSetup): Promise<string> {
    const zookeeper = await this.zookeeper();
    const cleanup = Object.entries({ interval: 60, 'max-delete-count': 1000, ...setup.cleanup }).map(([key, value]) => `    ${key}: ${value}\n`);
    return (
      `zookeeper-servers:\n  - host: 127.0.0.1\n    port: ${zookeeper.port}\n    chroot: ${setup.chroot}\nzookeeper-timeout: 10\n` +
      (setup.webappPort ? `webapp:\n  port: ${setup.webappPort}\n  listen_address: 127.0.0.1\n` : '') +
      `labels:\n${setup.clouds.map((c) => `  - name: ${c.profile.label}\n`).join('')}` +
      `providers:\n${setup.clouds.map((c) => providerYaml(c.profile, c.info, c.files, setup.maxServers ?? 5000)).join('')}` +
      `cloudpool:\n  system-id: cloudpool-bench\n  cleanup:\n${cleanup.join('')}`
    );
  }

  /** Starts `count` launchers on the same providers; resolves once all serve. */
  async startLaunchers(setup: LauncherSetup): Promise<LauncherProcess[]> {
    const configText = await this.configText(setup);
    const azure = setup.clouds.find((c) => c.info.cloud === 'azure')?.info;
    const aws = setup.clouds.find((c) => c.info.cloud === 'aws')?.info;
    const cloudsDir = setup.clouds.find((c) => c.files.cloudsDir)?.files.cloudsDir;
    const specs = Array.from({ length: setup.count }, (_, i): LauncherSpec => ({
      hostname: `bench-launcher-${i + 1}`,
      configText,
      ...(azure?.cloud === 'azure' ? { azureCa: azure.ca } : {}),
      ...(aws?.cloud === 'aws' ? { aws: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey } } : {}),
      ...(cloudsDir ? { cloudsDir } : {}),
    }));
    const hosts = await Promise.all(
      specs.map(async (spec) => {
        // The launcher as in production: the compiled packages (only the small host script goes through tsx).
        const host = await ChildHost.start('./launcher-host.ts', spec.hostname, [JSON.stringify(spec)], setup.execArgv ?? [], true);
        this.stops.push((graceMs) => host.stop(graceMs));
        return host;
      }),
    );
    return hosts.map((host, i) => new LauncherProcess(specs[i]!.hostname, host));
  }

  async requester(chroot: string): Promise<Requester> {
    const requester = await Requester.connect(await this.zookeeper(), chroot);
    this.stops.push(() => requester.close());
    return requester;
  }

  /** A plain ZooKeeper client in `chroot`, closed with the harness. */
  async client(chroot: string): Promise<ZkClient> {
    const zookeeper = await this.zookeeper();
    const client = await ZkClient.connect({ hosts: [{ host: '127.0.0.1', port: zookeeper.port }], chroot, sessionTimeoutMs: 10_000 });
    this.stops.push(() => client.close());
    return client;
  }

  /**
   * Stops what was started after `mark` (see `mark()`), newest first. Launchers get `graceMs` to
   * finish their launches and deletes; then they are killed.
   */
  async release(mark: number, graceMs = 60_000): Promise<void> {
    while (this.stops.length > mark) await this.stops.pop()!(graceMs).catch(() => undefined);
  }

  /** The number of things started so far, for `release`. */
  mark(): number {
    return this.stops.length;
  }

  async close(): Promise<void> {
    await this.release(0);
    if (this.shared.zookeeper) await (await this.shared.zookeeper).stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
