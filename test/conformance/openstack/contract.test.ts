import { loadConfig, providerOwnership, systemClock, type PoolConfig } from '@cloudpool/common';
import { defineDriverContract, passthroughQueue } from '@cloudpool/common/testing';
import { ConnectionRegistry, HttpOpenStackApi, loadCloudConfig, OpenStackAdapter, OpenStackClient, type OpenStackProviderConfig } from '@cloudpool/openstack';
import { afterAll, beforeAll } from 'vitest';
import { LabCloud } from './lab-cloud.js';

/** The shared driver contract, against a real Nova and Neutron instead of the simulator. */
const SYSTEM_ID = 'conformance-contract';
const lab = new LabCloud();

beforeAll(() => lab.start());
afterAll(() => lab.stop());

defineDriverContract(`openstack on a real Nova (L3 ${process.env.CONFORMANCE_L3 ?? 'on'})`, {
  async setup(options) {
    const text = `zookeeper-servers:\n  - host: 127.0.0.1\nlabels:\n  - name: small\n  - name: large\nproviders:\n${lab.providerYaml()}`;
    const config = loadConfig({ text, path: 'nodepool.yaml' }, { drivers: { openstack: lab.driver } }).providers.get(lab.providerName) as OpenStackProviderConfig;
    const pool = config.pools.get('main') as PoolConfig;
    const cloud = loadCloudConfig(lab.cloudName, { directories: [lab.cloudsYamlDirectory], env: {} });
    const lease = new ConnectionRegistry().acquire(cloud, cloud.regionName, { clock: systemClock });
    const api = new HttpOpenStackApi(new OpenStackClient(lease.connection, passthroughQueue, systemClock), lease);
    const adapter = new OpenStackAdapter({
      config,
      api,
      owner: providerOwnership(lab.providerName, { systemId: SYSTEM_ID, cleanup: { adoptNodepoolResources: options?.adoptNodepoolResources ?? false } }),
      clock: systemClock,
      logger: { warn: () => undefined },
      listTtlMs: 0,
      listRefreshGapMs: 0,
    });
    return {
      adapter,
      providerName: lab.providerName,
      systemId: SYSTEM_ID,
      pool,
      label: pool.labels.get('small')!,
      clock: systemClock,
      settle: () => lab.settle(),
      rawResources: () => lab.resources(),
      failNextCreateWithQuota: () => lab.setInstanceQuota(0),
      async failListing(failing: boolean) {
        lab.failLists(failing);
      },
      async plantForeignInstance(tags: Record<string, string>) {
        await lab.plantServer('foreign', tags);
      },
    };
  },
  async teardown(context) {
    lab.failLists(false);
    await context.adapter.stop?.();
    await lab.setInstanceQuota(-1);
    await lab.purge();
  },
});
