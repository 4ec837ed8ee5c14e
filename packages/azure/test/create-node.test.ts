import { type CloudCallQueue, CloudError, nodeTags, TAG } from '@cloudpool/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AzureAdapter } from '../src/adapter.js';
import { label, pool, PROVIDER, RecordingQueue, SimulatedAzure, startAdapter, SYSTEM_ID } from './support/simulated-azure.js';

/**
 * Runs queued calls one at a time and counts the simulator's calls made while each ran: if every
 * call the simulator saw happened inside a queued call, `callsInside` equals its total.
 */
class AuditingQueue implements CloudCallQueue {
  readonly actions: string[] = [];
  callsInside = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly simulatorCalls: () => number) {}

  run<T>(call: { action: string }, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      this.actions.push(call.action);
      const before = this.simulatorCalls();
      try {
        return await fn(new AbortController().signal);
      } finally {
        this.callsInside += this.simulatorCalls() - before;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

let sequence = 0;
const request = () => {
  const nodeId = String(1_000_000 + ++sequence).padStart(10, '0');
  const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, { team: 'ci' });
  return { nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags };
};
const hooks = (onExternalId: (id: string) => void = () => undefined) => ({ onExternalId, signal: new AbortController().signal });

describe('Azure createResource', () => {
  let azure: SimulatedAzure;

  beforeAll(async () => {
    azure = await SimulatedAzure.start();
  });
  afterAll(async () => {
    await azure.stop();
  });
  beforeEach(() => {
    azure.sim.reset();
  });

  const leftOf = async (nodeId: string) => (await azure.rawResources()).filter((r) => r.tags[TAG.nodeId] === nodeId);

  it('puts the tags on every resource in its create request and sends every cloud call through the queue', async () => {
    const queue = new AuditingQueue(() => azure.totalCalls());
    const adapter = await startAdapter(azure, { queue });
    const req = request();
    const vmId = await adapter.createResource(req, hooks());
    expect(queue.callsInside).toBe(azure.totalCalls());
    expect(queue.actions.filter((action) => action.endsWith('.createOrUpdate'))).toEqual([
      'publicIPAddresses.createOrUpdate',
      'networkInterfaces.createOrUpdate',
      'virtualMachines.createOrUpdate',
    ]);

    const rg = azure.resourceGroup;
    const { compute, network } = azure.clients;
    const vm = await compute.virtualMachines.get(rg, `np${req.nodeId}`);
    const nic = await network.networkInterfaces.get(rg, `np${req.nodeId}-nic`);
    const publicIp = await network.publicIPAddresses.get(rg, `np${req.nodeId}-pip-IPv4`);
    const disk = await compute.disks.get(rg, `np${req.nodeId}-os`);
    for (const resource of [vm, nic, publicIp, disk]) expect(resource.tags, resource.id).toEqual(req.tags);
    // Tags came with the PUTs: no resource was ever updated (PATCH) afterwards.
    const counters = azure.sim.counters.snapshot();
    expect(Object.keys(counters).filter((action) => action.endsWith('.update'))).toEqual([]);

    expect(vm.id).toBe(vmId);
    expect(vm.storageProfile?.osDisk?.deleteOption).toBe('Delete');
    expect(vm.storageProfile?.osDisk?.diskSizeGB).toBe(40);
    expect(vm.networkProfile?.networkInterfaces?.[0]).toMatchObject({ id: nic.id, deleteOption: 'Delete' });
    expect(nic.ipConfigurations?.[0]?.publicIPAddress?.id).toBe(publicIp.id);
    expect(vm.osProfile?.linuxConfiguration?.ssh?.publicKeys?.[0]?.path).toBe('/home/zuul/.ssh/authorized_keys');
  });

  it('reports the instance ready with its addresses, public first', async () => {
    const adapter = await startAdapter(azure);
    const req = request();
    const vmId = await adapter.createResource(req, hooks());
    const instance = (await adapter.listNodes()).find((i) => i.externalId === vmId);
    expect(instance).toMatchObject({ nodeId: req.nodeId, state: 'ready', region: azure.sim.location });
    expect(instance?.privateIpv4).toMatch(/^10\.0\./);
    expect(instance?.publicIpv4).toMatch(/^20\./);
    expect(instance?.interfaceIp).toBe(instance?.publicIpv4);
    expect(instance?.quota?.toJSON()).toEqual({ instances: 1, cores: 2, ram: 4096, 'cores:standardBSFamily': 2 });
  });

  describe('after a failure partway, deletes what it made in reverse order, then rejects with the mapped error', () => {
    const writes = (queue: RecordingQueue) => queue.calls.filter((call) => call.kind === 'write').map((call) => call.action);
    let queue: RecordingQueue;
    let adapter: AzureAdapter;

    beforeEach(async () => {
      queue = new RecordingQueue();
      adapter = await startAdapter(azure, { queue });
    });

    it('when the VM is refused for capacity', async () => {
      azure.sim.setKnobs({ azure: { unavailableSizes: ['Standard_B2s'] } });
      const req = request();
      const failure = adapter.createResource(req, hooks());
      await expect(failure).rejects.toBeInstanceOf(CloudError);
      await expect(failure).rejects.toMatchObject({ kind: 'capacity', code: 'SkuNotAvailable' });
      expect(writes(queue)).toEqual([
        'publicIPAddresses.createOrUpdate',
        'networkInterfaces.createOrUpdate',
        'virtualMachines.createOrUpdate',
        'virtualMachines.delete',
        'networkInterfaces.delete',
        'publicIPAddresses.delete',
      ]);
      expect(await leftOf(req.nodeId)).toEqual([]);
    });

    it('when the VM fails after ARM accepted it (asynchronous allocation failure)', async () => {
      azure.sim.setKnobs({ bootTimeMs: 20, azure: { asyncAllocationFailureRatio: 1 } });
      const req = request();
      const reported: string[] = [];
      const failure = adapter.createResource(req, hooks((id) => reported.push(id)));
      await expect(failure).rejects.toMatchObject({ kind: 'capacity', code: 'AllocationFailed' });
      expect(reported).toEqual([expect.stringMatching(new RegExp(`/virtualMachines/np${req.nodeId}$`))]);
      expect(queue.count('virtualMachines.get')).toBeGreaterThanOrEqual(1);
      expect(await leftOf(req.nodeId)).toEqual([]);
    });

    it('when a quota refuses the VM', async () => {
      azure.sim.setKnobs({ quotas: { cores: 1 } });
      const req = request();
      await expect(adapter.createResource(req, hooks())).rejects.toMatchObject({ kind: 'quota', code: 'OperationNotAllowed' });
      expect(await leftOf(req.nodeId)).toEqual([]);
    });
  });

  it('stops calling the cloud once aborted, leaving cleanup to the framework', async () => {
    const queue = new RecordingQueue();
    const adapter = await startAdapter(azure, { queue });
    const controller = new AbortController();
    controller.abort(new CloudError('transient', 'launch timeout'));
    await expect(adapter.createResource(request(), { onExternalId: () => undefined, signal: controller.signal })).rejects.toMatchObject({
      message: 'launch timeout',
    });
    expect(queue.calls.filter((call) => call.kind === 'write')).toEqual([]);
  });
});
