import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsZooKeeper, type TlsZooKeeper } from '@cloudpool/common/testing';
import { NodepoolZk, ZkClient } from '../../src/zk/index.js';
import { testChroot } from '../zk/helpers.js';

/** Debian's python3-kazoo is installed for Debian's own interpreter (scripts/bootstrap.sh installs it). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = fileURLToPath(new URL('./kazoo-zuul.py', import.meta.url));

/** kazoo-zuul.py in a child process: one JSON command per line, one JSON answer per line. */
class KazooZuul {
  private readonly lines: AsyncIterator<string>;

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(connect: string, files: { ca: string; cert: string; key: string }): Promise<{ zuul: KazooZuul; tlsVersion: string }> {
    const child = spawn(PYTHON, [SCRIPT, connect, files.ca, files.cert, files.key], { stdio: ['pipe', 'pipe', 'inherit'] });
    const zuul = new KazooZuul(child);
    const ready = (await zuul.next()) as { ready: boolean; ssl: string };
    return { zuul, tlsVersion: ready.ssl };
  }

  async call(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    return this.next();
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.write(`${JSON.stringify({ op: 'exit' })}\n`);
    await exited;
  }

  private async next(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('kazoo-zuul.py exited');
    return JSON.parse(value) as Record<string, unknown>;
  }
}

let zk: TlsZooKeeper;
let client: ZkClient;
let nodepool: NodepoolZk;
let zuul: KazooZuul;
let zuulTlsVersion: string;

beforeAll(async () => {
  zk = await startTlsZooKeeper();
  const chroot = testChroot();
  client = await ZkClient.connect({ hosts: zk.hosts, chroot, tls: zk.pki.client, sessionTimeoutMs: 4000 });
  nodepool = new NodepoolZk(client, { identifier: 'cloudpool-over-tls' });
  // Zuul has a certificate of its own from the same CA.
  const zuulCert = await zk.pki.ca.issue('zuul');
  ({ zuul, tlsVersion: zuulTlsVersion } = await KazooZuul.start(`127.0.0.1:${zk.server.port}${chroot}`, { ...zuulCert, ca: zk.pki.client.ca }));
});

afterAll(async () => {
  await zuul?.stop();
  await client?.close();
  await zk?.stop();
});

describe('cloudpool and kazoo (as Zuul) on one TLS-only ZooKeeper', () => {
  it('kazoo talks TLSv1.2, ZooKeeper 3.8 default', () => {
    expect(zuulTlsVersion).toBe('TLSv1.2');
  });

  it('cloudpool reads the node request kazoo submits', async () => {
    const { id } = (await zuul.call({ op: 'submit_request', node_types: ['ubuntu-small', 'ubuntu-large'] })) as { id: string };
    expect(id).toMatch(/^100-\d{10}$/);
    const request = await nodepool.getRequest(id);
    expect(request).toMatchObject({ id, state: 'requested', node_types: ['ubuntu-small', 'ubuntu-large'], requestor: 'zuul-over-tls' });
  });

  it('kazoo reads the node cloudpool writes', async () => {
    const id = await nodepool.createNode({ state: 'ready', provider: 'aws-east', type: ['ubuntu-small'], interface_ip: '192.0.2.7' });
    const { node } = (await zuul.call({ op: 'read_node', id })) as { node: Record<string, unknown> };
    expect(node).toMatchObject({ state: 'ready', provider: 'aws-east', type: ['ubuntu-small'], interface_ip: '192.0.2.7' });
  });

  it('a request lock held by kazoo keeps cloudpool out until released, and the other way round', async () => {
    const { id } = (await zuul.call({ op: 'submit_request', node_types: ['ubuntu-small'] })) as { id: string };
    expect(await zuul.call({ op: 'lock_request', id })).toEqual({ acquired: true });
    expect(await nodepool.lockRequest(id, { blocking: false })).toBeUndefined();

    const waiting = nodepool.lockRequest(id, { timeoutMs: 10_000 });
    expect(await zuul.call({ op: 'release_request', id })).toEqual({ released: true });
    const lock = await waiting;
    expect(lock).toBeDefined();

    expect(await zuul.call({ op: 'lock_request', id })).toEqual({ acquired: false });
    await lock!.release();
    expect(await zuul.call({ op: 'lock_request', id })).toEqual({ acquired: true });
    await zuul.call({ op: 'release_request', id });
  });
});
