import { TAG } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { providerServerTag } from '../src/tags.js';
import { PROVIDER, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

const ourMetadata = (nodeId: string) => ({ [TAG.nodeId]: nodeId, [TAG.providerName]: PROVIDER, [TAG.systemId]: SYSTEM_ID });

describe('cloud quota', () => {
  let cloud: SimulatedOpenStack | undefined;
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
  });

  it('reports Nova and Cinder limits minus what everything but this provider uses', async () => {
    cloud = await SimulatedOpenStack.start({ knobs: { quotas: { instances: 10, cores: 20, ramMb: 40_960, volumes: 5, volumeGb: 100 } } });
    const [ours] = cloud.sim.seed({
      servers: [
        { name: 'np0000000001', flavor: 'm1.large', metadata: ourMetadata('0000000001'), tags: [providerServerTag(PROVIDER)], networks: [] },
        { name: 'foreign-1', flavor: 'm1.medium', metadata: { [TAG.providerName]: 'someone-else' }, networks: [] },
        { name: 'foreign-2', flavor: 'm1.medium', networks: [] },
      ],
    }).servers;
    cloud.sim.seed({
      volumes: [
        { sizeGb: 30, attachedTo: ours },
        { sizeGb: 5, metadata: ourMetadata('0000000002') },
        { sizeGb: 10 },
      ],
    });
    const { adapter } = cloud.adapter();
    const limits = await adapter.getQuotaLimits();
    // Foreign: two m1.medium servers (2 vCPUs, 4096 MiB each) and one 10 GB volume.
    expect(limits.toJSON()).toEqual({ instances: 8, cores: 16, ram: 32_768, volumes: 4, 'volume-gb': 90 });
  });

  it('leaves unlimited (-1) resources out, caches for five minutes, and forgets on invalidation', async () => {
    cloud = await SimulatedOpenStack.start({ knobs: { quotas: { cores: 8 } } });
    cloud.sim.seed({ servers: [{ name: 'foreign', flavor: 'm1.large', networks: [] }] });
    const { adapter } = cloud.adapter();
    expect((await adapter.getQuotaLimits()).toJSON()).toEqual({ cores: 4 });
    expect(cloud.sim.counters.count('cinder.volumes.detail')).toBe(0);

    cloud.sim.setKnobs({ quotas: { cores: 16, instances: 3 } });
    cloud.settle(60_000);
    expect((await adapter.getQuotaLimits()).toJSON()).toEqual({ cores: 4 });
    adapter.invalidateQuotaCache();
    expect((await adapter.getQuotaLimits()).toJSON()).toEqual({ cores: 12, instances: 2 });
    cloud.sim.setKnobs({ quotas: { cores: 24 } });
    cloud.settle(5 * 60_000);
    expect((await adapter.getQuotaLimits()).get('cores')).toBe(20);
    expect(cloud.sim.counters.count('nova.limits.get')).toBe(3);
  });
});
