import { type CloudCallQueue, CloudError, newNodeNonce, nodeTags, TAG } from '@cloudpool/common';
import { sampleNodeRequestInfo } from '@cloudpool/common/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AzureAdapter } from '../src/adapter.js';
import { vmNameOf } from '../src/names.js';
import { adapterConfig, label, labelSettings, pool, PROVIDER, RecordingLogger, RecordingQueue, startAdapter, SYSTEM_ID, useSimulatedAzure } from '../src/testing/test-bed.js';

/**
 * Runs queued calls one at a time and counts the simulator's calls made while each ran: if every
 * ARM request the simulator saw happened inside a queued call, `callsInside` equals their number.
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
const request = (nodeId = String(1_000_000 + ++sequence).padStart(10, '0'), nonce = newNodeNonce(), systemId = SYSTEM_ID) => {
  const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId, nodeNonce: nonce }, { team: 'ci' });
  return { nodeId, nonce, attempt: 1, hostname: `np${nodeId}`, label, pool, tags };
};
/** The VM name of a request's node (installation, id, nonce). */
const vmName = (req: ReturnType<typeof request>) =>
  vmNameOf({ systemId: req.tags[TAG.systemId]!, providerName: PROVIDER, nodeId: req.nodeId, nonce: req.nonce });
const hooks = (onExternalId: (id: string) => void = () => undefined) => ({ onExternalId, signal: new AbortController().signal });

describe('Azure createResource', () => {
  const azure = useSimulatedAzure();

  it("boots a diskimage label from the builder's image resource (the upload's external_id), as the provider's diskimages entry's user", async () => {
    const [imageId] = azure().sim.seed({ images: [{ name: 'fedora-1700000000', tags: { nodepool_provider_name: PROVIDER, nodepool_build_id: '0000000001', nodepool_upload_id: '0000000001' } }] }).images;
    const config = adapterConfig(azure());
    const adapter = await startAdapter(azure(), {
      config: { ...config, diskimages: new Map([['fedora', { name: 'fedora', username: 'builder-user', settings: { generatePassword: false, sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtM3m4O1Pq3yXHkz7qFJfG0nQ zuul@example.com' } }]]) },
    });
    const base = request();
    const req = { ...base, label: { ...label, cloudImage: undefined, diskimage: 'fedora' }, upload: { externalId: imageId!, imageId: `/nodepool/images/fedora/builds/0000000001/providers/${PROVIDER}/images/0000000001` } };
    await adapter.createResource(req, hooks());
    const vm = await azure().clients.compute.virtualMachines.get(azure().resourceGroup, vmName(base));
    expect(vm.storageProfile?.imageReference?.id?.toLowerCase()).toBe(imageId!.toLowerCase());
    expect(vm.osProfile?.adminUsername).toBe('builder-user');
    expect(vm.osProfile?.linuxConfiguration?.ssh?.publicKeys?.[0]?.path).toBe('/home/builder-user/.ssh/authorized_keys');

    // An upload whose image resource is gone is refused by ARM, named in the error.
    const gone = { ...request(), label: req.label, upload: { externalId: `${imageId!}-gone`, imageId: req.upload.imageId } };
    await expect(adapter.createResource(gone, hooks())).rejects.toThrow(/cannot be found/);
  });

  const leftOf = async (nodeId: string) => (await azure().rawResources()).filter((r) => r.tags[TAG.nodeId] === nodeId);

  it('puts the tags on every resource in its create request and sends every cloud call through the queue', async () => {
    const queue = new AuditingQueue(() => azure().totalCalls());
    const adapter = await startAdapter(azure(), { queue });
    const req = request();
    const vmId = await adapter.createResource(req, hooks());
    // Every ARM request ran inside a queued call of its own (the pipeline's pacing policy); only the
    // credential's token requests to Entra ID, which are not ARM's, are not paced.
    expect(queue.callsInside).toBe(azure().totalCalls() - azure().calls('token'));
    expect(azure().totalCalls() - azure().calls('token')).toBe(queue.actions.length);
    expect(queue.actions.filter((action) => action.endsWith('.createOrUpdate'))).toEqual([
      'publicIPAddresses.createOrUpdate',
      'networkInterfaces.createOrUpdate',
      'virtualMachines.createOrUpdate',
    ]);

    const rg = azure().resourceGroup;
    const { compute, network } = azure().clients;
    const vm = await compute.virtualMachines.get(rg, vmName(req));
    const nic = await network.networkInterfaces.get(rg, `${vmName(req)}-nic`);
    const publicIp = await network.publicIPAddresses.get(rg, `${vmName(req)}-pip-IPv4`);
    const disk = await compute.disks.get(rg, `${vmName(req)}-os`);
    for (const resource of [vm, nic, publicIp, disk]) expect(resource.tags, resource.id).toEqual(req.tags);
    // Tags came with the PUTs: no resource was ever updated (PATCH) afterwards.
    const counters = azure().sim.counters.snapshot();
    expect(Object.keys(counters).filter((action) => action.endsWith('.update'))).toEqual([]);

    expect(vm.id?.toLowerCase()).toBe(vmId.toLowerCase());
    expect(vm.storageProfile?.osDisk?.deleteOption).toBe('Delete');
    expect(vm.storageProfile?.osDisk?.diskSizeGB).toBe(40);
    expect(vm.networkProfile?.networkInterfaces?.[0]).toMatchObject({ id: nic.id, deleteOption: 'Delete' });
    expect(nic.ipConfigurations?.[0]?.publicIPAddress?.id).toBe(publicIp.id);
    expect(vm.osProfile?.linuxConfiguration?.ssh?.publicKeys?.[0]?.path).toBe('/home/zuul/.ssh/authorized_keys');
  });

  it("writes the label's tags, then its dynamic tags formatted with the node request, on the public IP, the NIC and the VM", async () => {
    const logger = new RecordingLogger();
    const adapter = await startAdapter(azure(), { logger });
    const dynamicTags = {
      'zuul-request': '{request.id}',
      'zuul-job': '{request.requestor_data[job_name]}',
      team: '{request.tenant_name}-{request.labels[0]}',
      broken: '{request.requestor_data.job_name}',
      nodepool_pool_name: 'never',
    };
    const dynamicLabel = { ...label, settings: { ...labelSettings, dynamicTags } };
    const info = sampleNodeRequestInfo(['ubuntu']);
    const req = { ...request(), label: dynamicLabel, request: info };
    await adapter.createResource(req, hooks());

    const expected = { ...req.tags, 'zuul-request': '100-0000000042', 'zuul-job': 'tox-py311', team: 'openstack-ubuntu' };
    expect(expected).toMatchObject({ [TAG.poolName]: pool.name, [TAG.nodeId]: req.nodeId });
    const rg = azure().resourceGroup;
    const { compute, network } = azure().clients;
    const vm = await compute.virtualMachines.get(rg, vmName(req));
    const nic = await network.networkInterfaces.get(rg, `${vmName(req)}-nic`);
    const publicIp = await network.publicIPAddresses.get(rg, `${vmName(req)}-pip-IPv4`);
    for (const resource of [vm, nic, publicIp]) expect(resource.tags, resource.id).toEqual(expected);
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.args[0]).toEqual({
      label: 'ubuntu',
      tag: 'broken',
      request: '100-0000000042',
      error: "AttributeError: 'dict' object has no attribute 'job_name'",
    });
  });

  it('reports the instance ready with its addresses, public first', async () => {
    const adapter = await startAdapter(azure());
    const req = request();
    const vmId = await adapter.createResource(req, hooks());
    const instance = (await adapter.listNodes()).find((i) => i.externalId === vmId);
    expect(instance).toMatchObject({ nodeId: req.nodeId, state: 'ready', region: azure().sim.location });
    expect(instance?.privateIpv4).toMatch(/^10\.0\./);
    expect(instance?.publicIpv4).toMatch(/^20\./);
    expect(instance?.interfaceIp).toBe(instance?.publicIpv4);
    expect(instance?.quota?.toJSON()).toEqual({
      instances: 1, cores: 2, ram: 4096, 'cores:standardBSFamily': 2, 'network-interfaces': 1, 'public-ips': 1, 'static-public-ips': 1,
    });
  });

  describe('after a failure partway, deletes what it made in reverse order, then rejects with the mapped error', () => {
    const writes = (queue: RecordingQueue) => queue.calls.filter((call) => call.kind === 'write').map((call) => call.action);
    let queue: RecordingQueue;
    let adapter: AzureAdapter;

    beforeEach(async () => {
      queue = new RecordingQueue();
      adapter = await startAdapter(azure(), { queue });
    });

    it('when the VM is refused for capacity', async () => {
      // No NIC reservation after the refusal here: refused-vm.test.ts outwaits one on a manual clock.
      azure().sim.setKnobs({ azure: { unavailableSizes: ['Standard_B2s'], nicReservationMs: 0 } });
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

    it('when the VM fails after ARM accepted it (asynchronous allocation failure), the listing says so and cleanupNode removes every part', async () => {
      azure().sim.setKnobs({ bootTimeMs: 20, azure: { asyncAllocationFailureRatio: 1 } });
      const req = request();
      const reported: string[] = [];
      const vmId = await adapter.createResource(req, hooks((id) => reported.push(id)));
      expect(reported).toEqual([vmId]);
      expect(vmId).toMatch(new RegExp(`/virtualMachines/${vmName(req)}$`));
      // The VM is followed in the shared listing, never by a GET of its own.
      expect(queue.count('virtualMachines.get')).toBe(0);
      let instance;
      for (let tries = 0; instance?.state !== 'error' && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        instance = (await adapter.listNodes()).find((i) => i.externalId === vmId);
      }
      expect(instance).toMatchObject({ state: 'error', nodeId: req.nodeId, error: { message: expect.stringContaining('Failed') } });
      await adapter.cleanupNode(vmId);
      expect(await leftOf(req.nodeId)).toEqual([]);
    });

    it('when a quota refuses the VM', async () => {
      azure().sim.setKnobs({ quotas: { cores: 1 }, azure: { nicReservationMs: 0 } });
      const req = request();
      await expect(adapter.createResource(req, hooks())).rejects.toMatchObject({ kind: 'quota', code: 'OperationNotAllowed' });
      expect(await leftOf(req.nodeId)).toEqual([]);
    });
  });

  describe('identities that cannot collide', () => {
    it('names a node after installation, id and nonce: a reused node id or another installation gets its own VM', async () => {
      const adapter = await startAdapter(azure());
      const nodeId = '0000000001';
      const first = await adapter.createResource(request(nodeId), hooks());
      const reissued = await adapter.createResource(request(nodeId), hooks());
      const otherInstallation = await adapter.createResource(request(nodeId, newNodeNonce(), 'another-installation'), hooks());
      expect(new Set([first, reissued, otherInstallation]).size).toBe(3);
      const vms = await azure().rawResources();
      const owners = vms.filter((r) => r.id === first || r.id === otherInstallation).map((r) => r.tags[TAG.systemId]);
      expect(owners.sort()).toEqual(['another-installation', SYSTEM_ID].sort());
    });

    it('refuses a name that exists and is not this node record: a collision is an error, never a takeover, and nothing of it is deleted', async () => {
      const queue = new RecordingQueue();
      const adapter = await startAdapter(azure(), { queue });
      const req = request();
      const foreignTags = { owner: 'someone-else' };
      const rg = azure().resourceGroup;
      const { location } = azure().sim;
      await azure().clients.network.publicIPAddresses.beginCreateOrUpdateAndWait(rg, `${vmName(req)}-pip-IPv4`, {
        location,
        tags: foreignTags,
        sku: { name: 'Standard' },
        publicIPAllocationMethod: 'Static',
      });
      const failure = adapter.createResource(req, hooks());
      await expect(failure).rejects.toMatchObject({ kind: 'permanent', code: 'PreconditionFailed', message: expect.stringMatching(/name collision, not taken over/) });
      const ip = await azure().clients.network.publicIPAddresses.get(rg, `${vmName(req)}-pip-IPv4`);
      expect(ip.tags).toEqual(foreignTags);
      expect(queue.calls.map((call) => call.action)).not.toContain('publicIPAddresses.delete');
    });

    it('uses what an earlier send of the same node record made (its answer was lost) instead of failing', async () => {
      const adapter = await startAdapter(azure());
      const req = request();
      const made = await adapter.createResource(req, hooks());
      const parts = (await leftOf(req.nodeId)).map((r) => r.id).sort();
      const again = await adapter.createResource({ ...req, resend: true }, hooks());
      expect(again).toBe(made);
      expect((await leftOf(req.nodeId)).map((r) => r.id).sort()).toEqual(parts);
      expect(parts.length).toBeGreaterThanOrEqual(3);
    });
  });

  it('stops calling the cloud once aborted, leaving cleanup to the framework', async () => {
    const queue = new RecordingQueue();
    const adapter = await startAdapter(azure(), { queue });
    const controller = new AbortController();
    controller.abort(new CloudError('transient', 'launch timeout'));
    await expect(adapter.createResource(request(), { onExternalId: () => undefined, signal: controller.signal })).rejects.toMatchObject({
      message: 'launch timeout',
    });
    expect(queue.calls.filter((call) => call.kind === 'write')).toEqual([]);
  });
});
