/** Helpers for tests that run against the run's real ZooKeeper server (see test/setup). */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { ZkClient, type ZkClientConfig, type ZkHost, type ZkTlsConfig } from '../zk/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connect string of the ZooKeeper server shared by the run; each test file uses its own chroot. */
    zookeeperConnectString: string;
    /** The client's `zookeeper-tls` when the shared server serves only TLS (the `zk-tls` project), else null. */
    zookeeperTls: ZkTlsConfig | null;
  }
}

/** Makes the run's ZooKeeper server known to every test file (called by the global setup). */
export function provideZooKeeper(project: TestProject, connectString: string, tls?: ZkTlsConfig): void {
  project.provide('zookeeperConnectString', connectString);
  project.provide('zookeeperTls', tls ?? null);
}

/** The client files for the shared server when it serves TLS, else undefined. */
export function sharedServerTls(): ZkTlsConfig | undefined {
  return inject('zookeeperTls') ?? undefined;
}

/** `hosts` and, when the shared server serves TLS, `tls`: what a client of it needs. */
export function sharedServerConfig(): Pick<ZkClientConfig, 'hosts' | 'tls'> {
  const tls = sharedServerTls();
  return { hosts: sharedServerHosts(), ...(tls ? { tls } : {}) };
}

/** A chroot of its own for one test file: `/t-<random>`. */
export function testChroot(): string {
  return `/t-${randomUUID().slice(0, 8)}`;
}

/** `127.0.0.1:1,127.0.0.1:2` as `ZkHost`s. */
export function parseHosts(connectString: string): ZkHost[] {
  return connectString.split(',').map((hostPort) => {
    const [host, port] = hostPort.split(':');
    return { host: host!, port: Number(port) };
  });
}

/** The hosts of the run's shared ZooKeeper server. */
export function sharedServerHosts(): ZkHost[] {
  return parseHosts(inject('zookeeperConnectString'));
}

/** Connects to the shared server (unless `hosts` says otherwise) with a short session timeout. */
export function connectClient(chroot: string, overrides: Partial<ZkClientConfig> = {}): Promise<ZkClient> {
  return ZkClient.connect({ ...sharedServerConfig(), chroot, sessionTimeoutMs: 2000, connectTimeoutMs: 10_000, ...overrides });
}

/** Polls `check` every 20 ms until it returns a truthy value, which it resolves with. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with the arguments of the next `event` emitted, or rejects after `timeoutMs`. */
export function nextEvent<A extends unknown[] = unknown[]>(emitter: EventEmitter, event: string, timeoutMs = 10_000): Promise<A> {
  return new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as A);
    };
    emitter.once(event, listener);
  });
}

