import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { loadConfig, type ProviderContext, systemClock } from '@cloudpool/common';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureProviderConfig, createAzureDriver } from '../src/index.js';
import { ArmClientRegistry } from '../src/sdk/client-registry.js';
import { trustedCaBundle } from '../src/sdk/trusted-ca.js';
import { RecordingQueue, SimulatedAzure } from '../src/testing/test-bed.js';

const context: ProviderContext = {
  systemId: 'system-under-test',
  queue: new RecordingQueue(),
  logger: pino({ level: 'silent' }),
  clock: systemClock,
  cleanup: { interval: 60, minAge: 0, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 1, maxDeleteCount: 10 },
  readReferences: async () => ({ nodeIds: new Set() }),
  loopIntervalMs: 0,
};

describe('the Azure provider key ca-file', () => {
  let azure: SimulatedAzure;
  let directory: string;
  let caFile: string;

  beforeAll(async () => {
    azure = await SimulatedAzure.start();
    directory = await mkdtemp(path.join(tmpdir(), 'cloudpool-azure-ca-'));
    caFile = path.join(directory, 'simulator-ca.pem');
    await writeFile(caFile, azure.sim.ca);
  });
  afterAll(async () => {
    await azure.stop();
    await rm(directory, { recursive: true, force: true });
  });

  /** A provider of nodepool.yaml on the simulator, with `extra` provider keys; the driver is given no CA. */
  const provider = (extra: string) => {
    const { location, resourceGroup } = azure.sim;
    const text = `
zookeeper-servers: [{ host: 127.0.0.1 }]
labels: [{ name: ubuntu }]
providers:
  - name: azure-sim
    driver: azure
    location: ${location}
    resource-group: ${resourceGroup}
    auth-path: ${azure.authPath}
    network: ${resourceGroup}-vnet
${extra}
    cloud-images:
      - name: ubuntu
        username: zuul
        generate-password: true
        image-reference: { sku: server, publisher: Canonical, version: latest, offer: ubuntu-24_04-lts }
    pools:
      - name: main
        labels:
          - name: ubuntu
            cloud-image: ubuntu
            hardware-profile: { vm-size: Standard_B1s }
`;
    const driver = createAzureDriver({ registry: new ArmClientRegistry(), adapter: { pollIntervalMs: 5, listTtlMs: 0 } });
    const config = loadConfig({ text }, { drivers: { azure: driver }, env: {} });
    const providerConfig = config.providers.get('azure-sim') as AzureProviderConfig;
    return { providerConfig, provider: driver.getProvider(providerConfig, context) };
  };

  it('is read into the provider settings', () => {
    expect(provider(`    ca-file: ${caFile}`).providerConfig.settings.caFile).toBe(caFile);
    expect(provider('').providerConfig.settings.caFile).toBeUndefined();
  });

  it('makes the clients and the credential trust the file, so the provider reaches the simulator over HTTPS', async () => {
    const tokensBefore = azure.calls('token');
    const { provider: withCa } = provider(`    ca-file: ${caFile}`);
    await withCa.start();
    try {
      await expect(withCa.listNodes()).resolves.toEqual([]);
      expect(azure.calls('token')).toBeGreaterThan(tokensBefore);
    } finally {
      await withCa.stop();
    }
  });

  it('is needed: without it the credential cannot fetch a token from the simulator (its certificate is not trusted)', async () => {
    await expect(provider('').provider.start()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('names a file that cannot be read, or that holds no certificate', async () => {
    const missing = path.join(directory, 'missing.pem');
    await expect(provider(`    ca-file: ${missing}`).provider.start()).rejects.toThrow(`cannot read ca-file ${missing}: ENOENT`);
    const notPem = path.join(directory, 'not-a-certificate.pem');
    await writeFile(notPem, 'hello');
    await expect(provider(`    ca-file: ${notPem}`).provider.start()).rejects.toThrow(`ca-file ${notPem} holds no PEM certificate`);
  });

  it('adds to the system CAs instead of replacing them', async () => {
    const bundle = await trustedCaBundle({ caFile });
    expect(bundle).toContain(rootCertificates[0]);
    expect(bundle).toContain(azure.sim.ca);
    await expect(trustedCaBundle({})).resolves.toBeUndefined();
  });
});
