import { loadConfig, type ProviderContext, type StateMachineProvider, systemClock, TAG } from '@cloudpool/common';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultDriver, { AzureAdapter, type AzureProviderConfig, azureDriver, createAzureDriver } from '../src/index.js';
import { ArmClientRegistry } from '../src/sdk/client-registry.js';
import { RecordingQueue, SimulatedAzure } from '../src/testing/test-bed.js';

describe('the azure driver', () => {
  let azure: SimulatedAzure;

  beforeAll(async () => {
    // SSH mode: each VM runs an sshd, so a launch ends with the readiness scan as in production.
    azure = await SimulatedAzure.start({ ssh: { port: 2222 } });
  });
  afterAll(async () => {
    await azure.stop();
  });

  it('is the default export, named azure', () => {
    expect(defaultDriver).toBe(azureDriver);
    expect(azureDriver.name).toBe('azure');
  });

  it('runs a provider from nodepool.yaml: launches a ready node through the state machines, then deletes it', async () => {
    const rg = azure.resourceGroup;
    const text = `
zookeeper-servers: [{ host: zk.example.com }]
labels: [{ name: ubuntu }]
providers:
  - name: azure-sim
    driver: azure
    location: ${azure.sim.location}
    resource-group: ${rg}
    auth-path: ${azure.authPath}
    network: ${rg}-vnet
    cloud-images:
      - name: ubuntu
        username: zuul
        connection-port: 2222
        key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtM3m4O1Pq3yXHkz7qFJfG0nQ zuul@example.com
        image-reference: { sku: server, publisher: Canonical, version: latest, offer: ubuntu-24_04-lts }
    pools:
      - name: main
        labels:
          - name: ubuntu
            cloud-image: ubuntu
            hardware-profile: { vm-size: Standard_B1s }
            tags: { team: ci }
`;
    const registry = new ArmClientRegistry();
    const driver = createAzureDriver({ ca: azure.sim.ca, registry, adapter: { pollIntervalMs: 5, listTtlMs: 0 } });
    const config = loadConfig({ text }, { drivers: { azure: driver }, env: {} });
    const providerConfig = config.providers.get('azure-sim') as AzureProviderConfig;
    const context: ProviderContext = {
      systemId: 'system-under-test',
      queue: new RecordingQueue(),
      logger: pino({ level: 'silent' }),
      clock: systemClock,
      cleanup: { interval: 60, minAge: 0, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 1, maxDeleteCount: 10 },
      readReferences: async () => ({ nodeIds: new Set() }),
      loopIntervalMs: 5,
    };
    const provider = driver.getProvider(providerConfig, context) as StateMachineProvider;
    expect(provider.adapter).toBeInstanceOf(AzureAdapter);
    await provider.start();
    expect(registry.size).toBe(1);
    try {
      const pool = providerConfig.pools.get('main')!;
      const handler = provider.getRequestHandler(pool, '100-0000000001');
      const externalIds: string[] = [];
      handler.launch('0000000042', pool.labels.get('ubuntu')!, { externalId: (_nodeId, id) => externalIds.push(id) });
      const [result] = await handler.whenComplete();
      expect(result).toMatchObject({ status: 'ready', nodeId: '0000000042', hostKeys: [expect.stringMatching(/^ssh-ed25519 /), expect.stringMatching(/^ecdsa-sha2-nistp256 /), expect.stringMatching(/^ssh-rsa /)] });
      const instance = result!.status === 'ready' ? result!.instance : undefined;
      expect(instance?.tags).toMatchObject({ team: 'ci', [TAG.nodeId]: '0000000042', [TAG.providerName]: 'azure-sim', [TAG.systemId]: 'system-under-test' });
      expect(instance?.interfaceIp).toBe(instance?.publicIpv4);
      expect(externalIds).toEqual([instance?.externalId]);

      await provider.cleanupNode(instance!.externalId);
      expect(await provider.listNodes()).toEqual([]);
      expect((await azure.rawResources()).filter((r) => r.tags[TAG.nodeId] === '0000000042')).toEqual([]);
    } finally {
      await provider.stop();
    }
    // Stopping the provider gives its SDK clients back.
    expect(registry.size).toBe(0);
  });
});
