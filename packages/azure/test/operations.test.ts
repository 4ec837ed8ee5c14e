import { ManualClock, nodeTags } from '@cloudpool/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AzureAdapter } from '../src/adapter.js';
import { label, pool, PROVIDER, RecordingQueue, SimulatedAzure, startAdapter, SYSTEM_ID } from './support/simulated-azure.js';

const POLL_INTERVAL_MS = 10_000;
const BOOT_MS = 30_000;
const DELETE_MS = 20_000;

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
    adapter = await startAdapter(azure, { queue, clock, timers: clock, pollIntervalMs: POLL_INTERVAL_MS });
  });
  afterAll(async () => {
    await azure.stop();
  });

  /** Waits until the adapter sleeps before its next poll, then lets the poll interval pass. */
  const nextPoll = async () => {
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    clock.advance(POLL_INTERVAL_MS);
  };

  it('follows a VM create with one queued GET per poll interval until it is provisioned', async () => {
    const nodeId = '0000000501';
    const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {});
    let externalId: string | undefined;
    let done = false;
    const created = adapter
      .createResource({ nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags }, { onExternalId: (id) => (externalId = id), signal: new AbortController().signal })
      .finally(() => (done = true));

    await vi.waitFor(() => expect(externalId).toBeDefined());
    expect(azure.calls('virtualMachines.get')).toBe(0);
    for (let poll = 1; poll <= BOOT_MS / POLL_INTERVAL_MS; poll += 1) {
      expect(done).toBe(false);
      await nextPoll();
      await vi.waitFor(() => expect(azure.calls('virtualMachines.get')).toBe(poll));
    }
    await expect(created).resolves.toBe(externalId);
    expect(queue.count('virtualMachines.get')).toBe(3);
    // ARM answered the public IP's and the NIC's PUTs with `Succeeded`: the adapter did not follow them.
    expect(queue.count('publicIPAddresses.get') + queue.count('networkInterfaces.get')).toBe(0);

    const deleted = adapter.cleanupNode(externalId!);
    await vi.waitFor(() => expect(azure.calls('virtualMachines.delete')).toBe(1));
    const before = azure.calls('virtualMachines.get');
    await nextPoll();
    await vi.waitFor(() => expect(azure.calls('virtualMachines.get')).toBe(before + 1));
    await nextPoll();
    await vi.waitFor(() => expect(azure.calls('virtualMachines.get')).toBe(before + 2));
    // The VM is gone (404); the NIC, public IPs and OS disk are deleted by name, already gone with it.
    await deleted;
    expect(azure.sim.resources()).not.toHaveProperty('virtualMachines');
    expect(azure.sim.resources()).not.toHaveProperty('networkInterfaces');
  });
});
