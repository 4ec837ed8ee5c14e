import { nodeTags, QuotaSet, TAG } from '@cloudpool/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionalLimits } from '../src/quota.js';
import { label, pool, PROVIDER, RecordingQueue, SimulatedAzure, startAdapter, SYSTEM_ID } from '../src/testing/test-bed.js';

const usage = (value: string, currentValue: number, limit: number) => ({ unit: 'Count' as const, currentValue, limit, name: { value } });

describe('Azure quota', () => {
  it('reports limits minus what others use: usage of this provider is added back for the framework to subtract', () => {
    const limits = regionalLimits(
      [usage('cores', 30, 100), usage('virtualMachines', 9, 25), usage('standardBSFamily', 10, 40), usage('availabilitySets', 1, 2500)],
      QuotaSet.of({ cores: 6, instances: 3, 'cores:standardBSFamily': 6 }),
    );
    expect(limits.toJSON()).toEqual({ cores: 76, instances: 19, 'cores:standardBSFamily': 36 });
    // Usage lagging behind our own VMs never raises a limit above Azure's.
    expect(regionalLimits([usage('cores', 2, 100)], QuotaSet.of({ cores: 6 })).toJSON()).toEqual({ cores: 100 });
  });

  describe('against the simulator', () => {
    let azure: SimulatedAzure;

    beforeAll(async () => {
      azure = await SimulatedAzure.start({ knobs: { quotas: { cores: 20, instances: 10 } } });
    });
    afterAll(async () => {
      await azure.stop();
    });

    it('reads regional usages and VM sizes, caches the limits, and forgets them when told', async () => {
      azure.sim.seedVirtualMachines(2, { [TAG.providerName]: 'someone-else' }, { vmSize: 'Standard_B2s' });
      const queue = new RecordingQueue();
      const adapter = await startAdapter(azure, { queue });
      const nodeId = '0000000901';
      const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {});
      await adapter.createResource({ nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags }, { onExternalId: () => undefined, signal: new AbortController().signal });

      expect((await adapter.getQuotaForLabel(label)).toJSON()).toEqual({
        instances: 1, cores: 2, ram: 4096, 'cores:standardBSFamily': 2, 'network-interfaces': 1, 'public-ips': 1, 'static-public-ips': 1,
      });
      const limits = await adapter.getQuotaLimits();
      // 20 cores and 10 VMs, minus the two foreign B2s (our own VM is left to the framework).
      expect(limits.get('cores')).toBe(16);
      expect(limits.get('instances')).toBe(8);
      expect(limits.get('cores:standardBSFamily')).toBe(16);
      expect(limits.get('cores:standardDSv3Family')).toBe(20);

      await adapter.getQuotaLimits();
      await adapter.getQuotaForLabel(label);
      expect(queue.count('usage.list')).toBe(1);
      expect(queue.count('resourceSkus.list')).toBe(1);
      adapter.invalidateQuotaCache();
      await adapter.getQuotaLimits();
      expect(queue.count('usage.list')).toBe(2);
    });

    it("counts Network's usages (public IPs, NICs), and takes a public IP refused for quota as a quota error that leaves nothing", async () => {
      azure.sim.reset();
      azure.sim.setKnobs({ azure: { networkQuotas: { publicIPAddresses: 3, staticPublicIPAddresses: 10, networkInterfaces: 50 } } });
      azure.sim.seed({ publicIPAddresses: [{ name: 'someone-elses-ip' }] });
      const queue = new RecordingQueue();
      const adapter = await startAdapter(azure, { queue });
      const create = (nodeId: string) => {
        const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {});
        return adapter.createResource({ nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags }, { onExternalId: () => undefined, signal: new AbortController().signal });
      };
      await create('0000000911');

      const limits = await adapter.getQuotaLimits();
      expect(queue.count('networkUsages.list')).toBe(1);
      // Three public IPs minus the foreign one; our node's own is left to the framework.
      expect(limits.get('public-ips')).toBe(2);
      expect(limits.get('static-public-ips')).toBe(9);
      expect(limits.get('network-interfaces')).toBe(50);

      await create('0000000912');
      await expect(create('0000000913')).rejects.toMatchObject({ kind: 'quota', code: 'PublicIPCountLimitReached' });
      const left = (await azure.rawResources()).filter((resource) => resource.tags[TAG.nodeId] === '0000000913');
      expect(left).toEqual([]);
    });
  });
});
