import { ManualClock, nodeTags, TAG } from '@cloudpool/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AzureAdapter } from '../src/adapter.js';
import { label, pool, PROVIDER, RecordingQueue, SimulatedAzure, startAdapter, SYSTEM_ID } from '../src/testing/test-bed.js';

const POLL_INTERVAL_MS = 10_000;
const BOOT_MS = 30_000;
const DELETE_MS = 20_000;

/** `vi.waitFor` with room for a busy machine (its default gives up after 1 s). */
const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 15_000, interval: 5 });

/**
 * Long-running operations against a simulator whose time is a ManualClock shared with the
 * adapter's timers: each step of the clock lets exactly one poll happen, so polls can be counted.
 */
describe('Azure long-running operations', () => {
  const clock = new ManualClock();
  let azure: SimulatedAzure;
  let adapter: AzureAdapter;
  const queue = new RecordingQueue();

  beforeAll(async () => {
    azure = await SimulatedAzure.start({ clock, knobs: { bootTimeMs: BOOT_MS, deleteTimeMs: DELETE_MS } });
    adapter = await startAdapter(azure, { queue, clock, timers: clock, pollIntervalMs: POLL_INTERVAL_MS, listRefreshGapMs: 0 });
  });
  afterAll(async () => {
    await azure.stop();
  });

  /** Waits until the adapter sleeps before its next poll, then lets the poll interval pass. */
  const nextPoll = async () => {
    await waitFor(() => expect(clock.pendingTimers).toBe(1));
    clock.advance(POLL_INTERVAL_MS);
  };

  it('returns a VM create once ARM accepted it: the VM is followed in the shared listing, never by GETs of its own', async () => {
    const nodeId = '0000000501';
    const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {});
    const externalId = await adapter.createResource(
      { nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags },
      { onExternalId: () => undefined, signal: new AbortController().signal },
    );
    const stateOf = async () => (await adapter.listNodes()).find((instance) => instance.externalId === externalId)?.state;
    expect(await stateOf()).toBe('building');
    clock.advance(BOOT_MS);
    await waitFor(async () => expect(await stateOf()).toBe('ready'));
    expect(queue.count('virtualMachines.get')).toBe(0);
    // ARM answered the public IP's and the NIC's PUTs with `Succeeded`: the adapter did not follow them.
    expect(queue.count('publicIPAddresses.get') + queue.count('networkInterfaces.get')).toBe(0);

    // Its NIC and disk go with the VM (delete options): one GET, one DELETE, no polls of its own;
    // once the shared listing no longer shows it, one DELETE of its public IP, which ARM may keep.
    const before = queue.calls.length;
    let done = false;
    const cleaned = adapter.cleanupNode(externalId).finally(() => (done = true));
    await waitFor(() => expect(queue.count('virtualMachines.delete')).toBe(1));
    await waitFor(async () => expect(await stateOf()).toBe('deleting'));
    clock.advance(DELETE_MS);
    while (!done) {
      await waitFor(() => expect(done || clock.pendingTimers > 0).toBe(true));
      if (!done) clock.advance(POLL_INTERVAL_MS);
    }
    await cleaned;
    const actions = queue.calls.slice(before).map((call) => call.action).filter((action) => !action.endsWith('.list'));
    // The IP's delete is followed to its end (a retry of the node would PUT an IP of that name).
    expect(actions.slice(0, 3)).toEqual(['virtualMachines.get', 'virtualMachines.delete', 'publicIPAddresses.delete']);
    expect(new Set(actions.slice(3))).toEqual(new Set(['publicIPAddresses.get']));
    expect(await stateOf()).toBeUndefined();
    expect(azure.sim.resources()).not.toHaveProperty('networkInterfaces');
    expect(azure.sim.resources()).not.toHaveProperty('publicIPAddresses');
  });

  it('follows the delete of a VM whose parts stay behind with one queued GET per poll interval, then deletes the parts', async () => {
    const tags = { [TAG.providerName]: PROVIDER, [TAG.nodeId]: '0000000502', [TAG.poolName]: 'main' };
    azure.sim.seedVirtualMachines(1, tags, { name: 'np0000000502', deleteOption: 'Detach' });
    let done = false;
    const deleted = adapter.cleanupNode('np0000000502').finally(() => (done = true));
    await waitFor(() => expect(azure.calls('virtualMachines.delete')).toBe(2));
    const before = azure.calls('virtualMachines.get');
    for (let poll = 1; poll <= DELETE_MS / POLL_INTERVAL_MS; poll += 1) {
      expect(done).toBe(false);
      await nextPoll();
      await waitFor(() => expect(azure.calls('virtualMachines.get')).toBe(before + poll));
    }
    // Then the OS disk's delete is followed the same way.
    while (!done) {
      await waitFor(() => expect(done || clock.pendingTimers === 1).toBe(true));
      if (!done) clock.advance(POLL_INTERVAL_MS);
    }
    await deleted;
    expect(azure.calls('networkInterfaces.delete')).toBeGreaterThanOrEqual(1);
    expect(azure.calls('disks.delete')).toBe(1);
    expect(azure.sim.resources()).not.toHaveProperty('virtualMachines');
  });
});
