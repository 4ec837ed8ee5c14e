import { ManualClock, TAG } from '@cloudpool/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER, RecordingLogger, SimulatedAzure, startAdapter } from '../src/testing/test-bed.js';

const RESERVATION_MS = 180_000;

describe('Azure cleanupNode of a node whose parts are not deleted with its VM (made by Nodepool)', () => {
  const simulatorClock = new ManualClock();
  let azure: SimulatedAzure;

  beforeAll(async () => {
    azure = await SimulatedAzure.start({ clock: simulatorClock, knobs: { azure: { nicReservationMs: RESERVATION_MS } } });
  });
  afterAll(async () => {
    await azure.stop();
  });

  it('deletes VM and OS disk, leaves the NIC Azure still reserves without failing, and deletes it once the reservation passed', async () => {
    const tags = { [TAG.providerName]: PROVIDER, [TAG.nodeId]: '0000000077', [TAG.poolName]: 'main' };
    // Nodepool's names: the VM is the node's hostname, its NIC `<vm>-nic`; the OS disk is named by Azure.
    const [vmId] = azure.sim.seedVirtualMachines(1, tags, { name: 'np0000000077', deleteOption: 'Detach' });
    const logger = new RecordingLogger();
    const adapter = await startAdapter(azure, { logger });
    const { compute, network } = azure.clients;
    const rg = azure.resourceGroup;
    const osDisk = (await compute.virtualMachines.get(rg, 'np0000000077')).storageProfile?.osDisk?.name;
    expect(osDisk).toMatch(/^np0000000077_OsDisk_1_/);

    await expect(adapter.cleanupNode('np0000000077')).resolves.toBeUndefined();
    await expect(compute.virtualMachines.get(rg, 'np0000000077')).rejects.toMatchObject({ statusCode: 404 });
    await expect(compute.disks.get(rg, osDisk!)).rejects.toMatchObject({ statusCode: 404 });
    expect((await network.networkInterfaces.get(rg, 'np0000000077-nic')).tags).toEqual(tags);
    expect(logger.entries).toContainEqual({
      level: 'info',
      args: [expect.objectContaining({ name: 'np0000000077-nic', code: 'NicReservedForAnotherVm' }), expect.any(String)],
    });
    expect((await adapter.listNodes()).find((node) => node.externalId === vmId)).toBeUndefined();

    // Leak cleanup sees the NIC; while reserved its delete fails retryably, afterwards it succeeds.
    const nic = (await adapter.listResources()).find((resource) => resource.type === 'nic');
    expect(nic).toMatchObject({ tags, deletionOrder: 1 });
    await expect(adapter.deleteResource(nic!)).rejects.toMatchObject({ kind: 'transient', code: 'NicReservedForAnotherVm' });
    simulatorClock.advance(RESERVATION_MS);
    await adapter.deleteResource(nic!);
    await expect(network.networkInterfaces.get(rg, 'np0000000077-nic')).rejects.toMatchObject({ statusCode: 404 });
  });
});
