import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { NodepoolZk, nodeLockPath, type ZkClient } from '@cloudpool/common';
import { connectClient, testChroot } from '@cloudpool/common/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NodeTask, withNodeTask, type NodeTaskContext } from '../../src/tasks/node-task.js';

/** Debian's python3-kazoo is installed for Debian's own interpreter (scripts/bootstrap.sh installs it). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = fileURLToPath(new URL('./kazoo-locks.py', import.meta.url));

/** kazoo-locks.py in a child process: one JSON command per line, one JSON answer per line. */
class KazooLocks {
  private readonly lines: AsyncIterator<string>;

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(connect: string): Promise<KazooLocks> {
    const kazoo = new KazooLocks(spawn(PYTHON, [SCRIPT, connect], { stdio: ['pipe', 'pipe', 'inherit'] }));
    await kazoo.next();
    return kazoo;
  }

  /** Non-blocking unless `timeout` (seconds) is given. */
  async acquire(name: string, kind: 'lock' | 'read' | 'write', path: string, timeout?: number): Promise<boolean> {
    const answer = await this.call({ op: 'acquire', name, kind, path, blocking: timeout !== undefined, timeout: timeout ?? null });
    return answer.acquired as boolean;
  }

  async release(name: string): Promise<void> {
    await this.call({ op: 'release', name });
  }

  async children(path: string): Promise<string[]> {
    return (await this.call({ op: 'children', path })).children as string[];
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.write(`${JSON.stringify({ op: 'exit' })}\n`);
    await exited;
  }

  private async call(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    return this.next();
  }

  private async next(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('kazoo-locks.py exited');
    return JSON.parse(value) as Record<string, unknown>;
  }
}

const chroot = testChroot();
let client: ZkClient;
let other: ZkClient;
let ours: NodeTaskContext;
let ours2: NodeTaskContext;
let kazoo: KazooLocks;

beforeAll(async () => {
  client = await connectClient(chroot);
  other = await connectClient(chroot);
  const logger = pino({ level: 'silent' });
  ours = { zk: new NodepoolZk(client, { identifier: 'cloudpool-a' }), logger };
  ours2 = { zk: new NodepoolZk(other, { identifier: 'cloudpool-b' }), logger };
  kazoo = await KazooLocks.start(`${inject('zookeeperConnectString').split(',')[0]}${chroot}`);
});

afterAll(async () => {
  await kazoo?.stop();
  await other?.close();
  await client?.deleteRecursive('/').catch(() => undefined);
  await client?.close();
});

const newNode = () => ours.zk.createNode({ state: 'ready', provider: 'fake-a', type: ['small'] });
const shared = (purpose = 'inspect') => ({ shared: true, purpose, blocking: false });
const exclusive = (purpose = 'delete') => ({ purpose, blocking: false });

describe('node tasks and kazoo lock recipes on one node lock', () => {
  it('uses kazoo’s contender names: __rlock__ for a shared task, __lock__ for an exclusive one', async () => {
    const id = await newNode();
    const reader = (await NodeTask.acquire(ours, id, shared()))!;
    const writer = NodeTask.acquire(ours2, id, { purpose: 'delete', timeoutMs: 10_000 });
    const names = await (async () => {
      for (;;) {
        const children = await kazoo.children(nodeLockPath(id));
        if (children.length === 2) return children;
      }
    })();
    expect(names.map((name) => name.replace(/^[0-9a-f]{32}/, '<uuid>')).sort()).toEqual(['<uuid>__lock__0000000001', '<uuid>__rlock__0000000000']);
    await reader.release();
    await (await writer)!.release();
  });

  it('a shared holder does not block another shared holder, ours or kazoo’s ReadLock', async () => {
    const id = await newNode();
    const first = (await NodeTask.acquire(ours, id, shared()))!;
    expect(first.shared).toBe(true);
    expect(await kazoo.acquire('r1', 'read', nodeLockPath(id))).toBe(true);
    const second = await NodeTask.acquire(ours2, id, shared());
    expect(second?.holdsLock).toBe(true);
    await first.release();
    await second!.release();
    await kazoo.release('r1');
  });

  it('an exclusive task blocks shared and exclusive contenders of every kind, and they block it', async () => {
    const id = await newNode();
    const task = (await NodeTask.acquire(ours, id, exclusive()))!;
    expect(await kazoo.acquire('r2', 'read', nodeLockPath(id))).toBe(false);
    expect(await kazoo.acquire('w2', 'write', nodeLockPath(id))).toBe(false);
    expect(await kazoo.acquire('l2', 'lock', nodeLockPath(id))).toBe(false);
    expect(await NodeTask.acquire(ours2, id, shared())).toBeUndefined();
    expect(await NodeTask.acquire(ours2, id, exclusive())).toBeUndefined();
    await task.release();

    expect(await kazoo.acquire('w2', 'write', nodeLockPath(id))).toBe(true);
    expect(await NodeTask.acquire(ours, id, shared())).toBeUndefined();
    expect(await NodeTask.acquire(ours, id, exclusive())).toBeUndefined();
    await kazoo.release('w2');

    expect(await kazoo.acquire('r2', 'read', nodeLockPath(id))).toBe(true);
    expect(await NodeTask.acquire(ours, id, exclusive())).toBeUndefined();
    await kazoo.release('r2');
  });

  it('a Zuul-style plain kazoo Lock excludes an exclusive task, which gets the node once Zuul lets go', async () => {
    const id = await newNode();
    expect(await kazoo.acquire('zuul', 'lock', nodeLockPath(id))).toBe(true);
    expect(await NodeTask.acquire(ours, id, exclusive())).toBeUndefined();
    const waiting = NodeTask.acquire(ours, id, { purpose: 'delete', timeoutMs: 10_000 });
    await kazoo.release('zuul');
    const task = (await waiting)!;
    expect(task.holdsLock).toBe(true);
    // And the other way round: Zuul waits for the task.
    const zuulWaits = kazoo.acquire('zuul', 'lock', nodeLockPath(id), 10);
    await task.run(async () => task.update((node) => void (node.state = 'used')));
    expect(await zuulWaits).toBe(true);
    expect((await ours.zk.getNode(id))!.state).toBe('used');
    await kazoo.release('zuul');
  });

  it('upgrades a shared task once no earlier holder keeps it, reading the node again', async () => {
    const id = await newNode();
    const task = (await NodeTask.acquire(ours, id, shared('check')))!;
    await expect(task.update(() => undefined)).rejects.toThrow(/shared task \(check\) may not change the node/);
    expect(await kazoo.acquire('r3', 'read', nodeLockPath(id))).toBe(true);
    // Non-blocking, the upgrade fails behind kazoo's reader, and the task is over.
    expect(await task.upgrade({ blocking: false })).toBe(false);
    expect(task.holdsLock).toBe(false);

    const again = (await NodeTask.acquire(ours, id, shared('check')))!;
    await ours2.zk.updateNode({ ...(await ours2.zk.getNode(id))!, comment: 'changed meanwhile' });
    const upgraded = again.upgrade({ timeoutMs: 10_000 });
    await kazoo.release('r3');
    expect(await upgraded).toBe(true);
    expect(again.shared).toBe(false);
    expect(again.node.comment).toBe('changed meanwhile');
    expect(await kazoo.acquire('r4', 'read', nodeLockPath(id))).toBe(false);
    await again.run(() => again.update((node) => void (node.state = 'hold')));
    expect(await kazoo.acquire('r4', 'read', nodeLockPath(id))).toBe(true);
    await kazoo.release('r4');
  });

  it('hands the lock to spawned work, runs the error hook while still holding it, then releases', async () => {
    const id = await newNode();
    const hookSaw: Array<boolean | string> = [];
    let fail!: (error: Error) => void;
    const outcome = await withNodeTask(
      ours,
      id,
      {
        purpose: 'delete',
        blocking: false,
        onError: async (task, error) => {
          hookSaw.push((error as Error).message, task.holdsLock, await kazoo.acquire('z5', 'lock', nodeLockPath(id)));
        },
      },
      async (task) => {
        task.spawn(() => new Promise<void>((_resolve, reject) => (fail = reject)));
        return 'spawned';
      },
    );
    expect(outcome?.result).toBe('spawned');
    // The task's call returned; the spawned work still holds the node.
    expect(outcome!.task.holdsLock).toBe(true);
    expect(await kazoo.acquire('z5', 'lock', nodeLockPath(id))).toBe(false);
    fail(new Error('cloud said no'));
    await outcome!.task.done();
    expect(hookSaw).toEqual(['cloud said no', true, false]);
    expect(outcome!.task.holdsLock).toBe(false);
    expect(await kazoo.acquire('z5', 'lock', nodeLockPath(id))).toBe(true);
    await kazoo.release('z5');
  });

  it('runs the error hook when the work itself fails, and throws the error', async () => {
    const id = await newNode();
    const hooked: string[] = [];
    const task = (await NodeTask.acquire(ours, id, { purpose: 'hold', blocking: false, onError: (t) => void hooked.push(`${t.purpose}:${t.holdsLock}`) }))!;
    await expect(task.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(hooked).toEqual(['hold:true']);
    expect(task.holdsLock).toBe(false);
  });
});
