import { ApiQueue, loadConfig, type LaunchResult, type ProviderContext, type StateMachineProvider } from '@cloudpool/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import openstackDefault, { createOpenStackDriver, openstackDriver, OpenStackProviderConfig } from '../src/index.js';
import { ConnectionRegistry } from '../src/sdk/client-registry.js';
import { RecordingQueue, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as ProviderContext['logger'];

const nodepoolYaml = (cloudName: string) => `
zookeeper-servers:
  - host: localhost
labels:
  - name: small
providers:
  - name: os-provider
    cloud: ${cloudName}
    region-name: RegionOne
    cloud-images:
      - name: ubuntu
        image-name: ubuntu-jammy
        username: ubuntu
        connection-port: 2222
    pools:
      - name: main
        networks: [private]
        labels:
          - name: small
            cloud-image: ubuntu
            flavor-name: m1.small
            instance-properties:
              team: ci
`;

/**
 * Ticks the provider loop until `done()` holds, within 20 s of real time: the simulated VM's sshd
 * makes its host keys (RSA included) in real time, slow on a loaded machine.
 */
async function drive(provider: StateMachineProvider, done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 20_000; !done() && Date.now() < deadline; ) {
    provider.tick();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  expect(done()).toBe(true);
}

describe('the openstack driver', () => {
  let cloud: SimulatedOpenStack;
  beforeEach(async () => {
    // SSH mode: each VM runs an sshd, so a launch ends with the readiness scan as in production.
    cloud = await SimulatedOpenStack.start({ ssh: { port: 2222 } });
  });
  afterEach(async () => {
    await cloud.stop();
  });

  it('is the default export, named openstack', () => {
    expect(openstackDefault).toBe(openstackDriver);
    expect(openstackDriver.name).toBe('openstack');
  });

  it('loads nodepool.yaml, launches a ready node through the provider and the API queue, deletes it, and releases its connection', async () => {
    const connections = new ConnectionRegistry();
    const driver = createOpenStackDriver({ cloudsYaml: () => ({ directories: [cloud.dir], env: {} }), connections });
    const config = loadConfig({ text: nodepoolYaml(cloud.sim.connectionInfo().cloudName) }, { drivers: { openstack: driver }, env: {} });
    const providerConfig = config.providers.get('os-provider') as OpenStackProviderConfig;
    expect(providerConfig).toBeInstanceOf(OpenStackProviderConfig);
    const queue = new ApiQueue({ name: 'os-provider', ratePerSecond: 1000, concurrency: 4 });
    const context: ProviderContext = {
      systemId: SYSTEM_ID,
      queue,
      logger: silent,
      clock: cloud.clock,
      cleanup: config.cloudpool.cleanup,
      readReferences: async () => ({ nodeIds: new Set() }),
      loopIntervalMs: 0,
    };
    const provider = driver.getProvider(providerConfig, context) as StateMachineProvider;
    expect(connections.size).toBe(1);
    expect(cloud.sim.counters.snapshot()).toEqual({});
    await provider.start();

    const pool = providerConfig.pools.get('main')!;
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    const externalIds: string[] = [];
    handler.launch('0000000007', pool.labels.get('small')!, { externalId: (_node, id) => externalIds.push(id) });
    // The scan waits between attempts on the provider's clock: let it move.
    await drive(provider, () => {
      cloud.clock.advance(100);
      return handler.launchesComplete();
    });
    const [result] = handler.results() as [LaunchResult & { status: 'ready' }];
    expect(result.status).toBe('ready');
    expect(result.hostKeys.map((key) => key.split(' ')[0])).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
    expect(result.instance).toMatchObject({ nodeId: '0000000007', externalId: externalIds[0], tags: { team: 'ci' }, publicIpv4: expect.any(String) });
    expect(queue.stats().actions['nova.servers.create']).toBeDefined();

    let deleted = false;
    const deletion = provider.cleanupNode(result.instance.externalId).then(() => (deleted = true));
    await drive(provider, () => {
      cloud.settle(1_000);
      return deleted;
    });
    await deletion;
    expect((await cloud.rawResources()).filter((resource) => resource.tags.nodepool_node_id === '0000000007')).toEqual([]);

    await provider.stop();
    expect(connections.size).toBe(0);
    await queue.stop();
  });

  it('fails getProvider with the missing cloud named', () => {
    const driver = createOpenStackDriver({ cloudsYaml: () => ({ directories: [cloud.dir], env: {} }), connections: new ConnectionRegistry() });
    const config = loadConfig({ text: nodepoolYaml('no-such-cloud') }, { drivers: { openstack: driver }, env: {} });
    const context: ProviderContext = {
      systemId: SYSTEM_ID,
      queue: new RecordingQueue(),
      logger: silent,
      clock: cloud.clock,
      cleanup: config.cloudpool.cleanup,
      readReferences: async () => ({ nodeIds: new Set() }),
    };
    expect(() => driver.getProvider(config.providers.get('os-provider')!, context)).toThrow(/"no-such-cloud" not found/);
  });
});
