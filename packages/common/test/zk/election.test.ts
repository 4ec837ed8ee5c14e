import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkElection, electionPath, type ZkClient } from '../../src/zk/index.js';
import { connectClient, testChroot, waitFor } from './helpers.js';

const chroot = testChroot();
let observer: ZkClient;

beforeAll(async () => {
  observer = await connectClient(chroot);
});

afterAll(async () => {
  await observer.deleteRecursive('/');
  await observer.close();
});

/** A leader body that records who leads and stays leader until its signal aborts. */
function leadership() {
  const leaders: string[] = [];
  let leading = 0;
  let mostAtOnce = 0;
  const lead = (name: string) => async (signal: AbortSignal) => {
    leaders.push(name);
    mostAtOnce = Math.max(mostAtOnce, ++leading);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    leading--;
  };
  return { leaders, lead, mostAtOnce: () => mostAtOnce };
}

describe('ZkElection', () => {
  it('lets one contender lead; the next takes over when the leader closes its client', async () => {
    const [first, second] = await Promise.all([connectClient(chroot), connectClient(chroot)]);
    const { leaders, lead, mostAtOnce } = leadership();
    const one = new ZkElection(first, 'cleanup', 'one');
    const two = new ZkElection(second, 'cleanup', 'two');

    const runOne = one.run(lead('one'));
    await waitFor(() => leaders.length === 1);
    const runTwo = two.run(lead('two'));
    await waitFor(async () => (await two.contenders()).length === 2);
    expect(await two.contenders()).toEqual(['one', 'two']);
    for (const child of await observer.getChildren(electionPath('cleanup'))) {
      expect(child).toMatch(/^[0-9a-f]{32}__lock__\d{10}$/);
    }
    expect(leaders).toEqual(['one']);

    await first.close();
    expect(await runOne).toBe(true);
    await waitFor(() => leaders.length === 2);
    expect(leaders).toEqual(['one', 'two']);
    expect(mostAtOnce()).toBe(1);

    two.cancel();
    expect(await runTwo).toBe(true);
    expect(await observer.getChildren(electionPath('cleanup'))).toEqual([]);
    await second.close();
  });

  it('resolves false when cancelled before being elected, leaving no contender', async () => {
    const client = await connectClient(chroot);
    const { leaders, lead } = leadership();
    const holder = new ZkElection(client, 'stats', 'holder');
    const waiter = new ZkElection(observer, 'stats', 'waiter');
    const holding = holder.run(lead('holder'));
    await waitFor(() => leaders.length === 1);
    const waiting = waiter.run(lead('waiter'));
    await waitFor(async () => (await waiter.contenders()).length === 2);
    waiter.cancel();
    expect(await waiting).toBe(false);
    expect(await waiter.contenders()).toEqual(['holder']);
    holder.cancel();
    expect(await holding).toBe(true);
    expect(leaders).toEqual(['holder']);
    await client.close();
  });
});
