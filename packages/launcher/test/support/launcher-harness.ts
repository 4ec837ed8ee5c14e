import { loadConfig, NodepoolZk, type NodeRecord, type NodeRequestRecord, type ZkClient, type ZkHost } from '@cloudpool/common';
import { connectClient, FakeDriver, parseHosts, testChroot, waitFor } from '@cloudpool/common/testing';
import { pino } from 'pino';
import { afterEach, beforeEach, inject } from 'vitest';
import { Launcher } from '../../src/launcher.js';

/** Loop intervals short enough for tests on a real ZooKeeper. */
export const FAST_TIMINGS = { poolIntervalMs: 40, deleteIntervalMs: 40, maintenanceIntervalMs: 60, providerLoopMs: 10, zooKeeperShutdownGraceMs: 1000 };

/** A `nodepool.yaml` for the run's ZooKeeper server (or `hosts`) under `chroot`, with `body` appended. */
export function configText(chroot: string, body: string, hosts: ZkHost[] = parseHosts(inject('zookeeperConnectString'))): string {
  const servers = hosts
    .map((h) => `  - host: ${h.host}\n    port: ${h.port}\n    chroot: ${chroot}`)
    .join('\n');
  return `zookeeper-servers:\n${servers}\nzookeeper-timeout: 4\n${body}`;
}

/**
 * Launchers on the shared ZooKeeper under a chroot of their own, with the fake driver, and a
 * requester client that talks to ZooKeeper the way Zuul does.
 */
export class LauncherHarness {
  readonly chroot = testChroot();
  readonly driver = new FakeDriver({ listTtlMs: 0 });
  readonly launchers: Launcher[] = [];
  requester!: NodepoolZk;
  private requesterClient!: ZkClient;

  async connect(): Promise<void> {
    this.requesterClient = await connectClient(this.chroot);
    this.requester = new NodepoolZk(this.requesterClient, { identifier: 'zuul' });
  }

  config(body: string, hosts?: ZkHost[]) {
    return loadConfig({ text: configText(this.chroot, body, hosts), path: 'nodepool.yaml' }, { drivers: { fake: this.driver } });
  }

  /**
   * A node id ZooKeeper handed out whose node is gone again: what a real leak names (an id it
   * never handed out is evidence of lost data, on which leak cleanup's breaker trips).
   */
  async goneNodeId(): Promise<string> {
    const id = await this.requester.createNode({ state: 'used' });
    await this.requester.deleteNode(id);
    return id;
  }

  /**
   * Starts a launcher on the run's ZooKeeper server, or on `hosts` (e.g. a TCP proxy in front of
   * it); with `logLine`, its JSON log lines (level info and up) go there.
   */
  async startLauncher(body: string, name = `launcher-${this.launchers.length + 1}`, hosts?: ZkHost[], logLine?: (line: string) => void): Promise<Launcher> {
    const logger = logLine
      ? pino({ level: 'info' }, { write: (line: string) => logLine(line) })
      : pino({ level: process.env.CLOUDPOOL_TEST_LOG ?? 'silent' });
    const launcher = await Launcher.start({
      config: this.config(body, hosts),
      drivers: new Map([['fake', this.driver]]),
      logger,
      timings: FAST_TIMINGS,
      hostname: name,
    });
    this.launchers.push(launcher);
    return launcher;
  }

  /** Submits a request as Zuul does (ephemeral, sequential, priority prefix). */
  request(labels: string[], fields: Partial<NodeRequestRecord> = {}, priority = '100'): Promise<string> {
    return this.requester.submitRequest({ node_types: labels, requestor: 'zuul-test', ...fields }, priority);
  }

  async waitForRequest(id: string, states: string[] = ['fulfilled', 'failed'], timeoutMs = 15_000): Promise<NodeRequestRecord> {
    return waitFor(async () => {
      const request = await this.requester.getRequest(id);
      return request && states.includes(request.state) ? request : undefined;
    }, timeoutMs);
  }

  async nodes(): Promise<NodeRecord[]> {
    const ids = await this.requester.listNodeIds();
    const nodes = await Promise.all(ids.map((id) => this.requester.getNode(id)));
    return nodes.filter((n): n is NodeRecord => n !== undefined);
  }

  /** What Zuul does when a job ends: lock the node, mark it used, unlock. */
  async markUsed(id: string): Promise<void> {
    const locked = await this.requester.lockNode(id, { timeoutMs: 5000 });
    if (!locked) throw new Error(`could not lock node ${id}`);
    locked.node.state = 'used';
    await this.requester.updateNode(locked.node);
    await locked.lock.release();
  }

  async stop(): Promise<void> {
    await Promise.all(this.launchers.map((l) => l.stop()));
    await this.requesterClient?.deleteRecursive('/nodepool').catch(() => undefined);
    await this.requesterClient?.close();
  }
}

/** A provider of the fake driver, in YAML, with one cloud image `fake-image` (user `zuul`). */
export function fakeProvider(name: string, pools: string, extra = ''): string {
  return `  - name: ${name}\n    driver: fake\n    cloud-images:\n      - name: fake-image\n        username: zuul\n${extra}    pools:\n${pools}`;
}

/** A pool label entry of the fake driver, in YAML, booting `fake-image`. */
export function label(name: string, cores = 1, ram = 1024): string {
  return `          - name: ${name}\n            cloud-image: fake-image\n            cores: ${cores}\n            ram: ${ram}\n`;
}

/** A fresh harness for each test of the calling file, stopped after it. */
export function useLauncherHarness(): () => LauncherHarness {
  let harness: LauncherHarness | undefined;
  beforeEach(async () => {
    harness = new LauncherHarness();
    await harness.connect();
  });
  afterEach(async () => {
    await harness?.stop();
  });
  return () => harness!;
}
