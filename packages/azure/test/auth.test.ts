import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArmClientRegistry, armScope } from '../src/sdk/client-registry.js';
import { openConnection } from '../src/sdk/connection.js';
import { adapterConfig, SimulatedAzure, startAdapter } from '../src/testing/test-bed.js';

/** A loopback URL where nothing listens. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `https://127.0.0.1:${port}`;
}

describe('Azure credentials from the service-principal auth file', () => {
  let azure: SimulatedAzure;
  let directory: string;

  beforeAll(async () => {
    azure = await SimulatedAzure.start();
    directory = await mkdtemp(path.join(tmpdir(), 'cloudpool-azure-auth-'));
  });
  afterAll(async () => {
    await azure.stop();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    azure.sim.reset();
  });

  const authFile = async (name: string, changes: Record<string, unknown>) => {
    const file = path.join(directory, name);
    await writeFile(file, JSON.stringify({ ...azure.sim.connectionInfo().authFile, ...changes }));
    return file;
  };
  const adapterWith = (authPath: string) => startAdapter(azure, { config: { ...adapterConfig(azure), settings: { ...adapterConfig(azure).settings, authPath } } });

  it('takes the token from activeDirectoryEndpointUrl and ARM from resourceManagerEndpointUrl, with the ARM scope of that endpoint', async () => {
    const connection = await openConnection({ authPath: azure.authPath, ca: azure.sim.ca });
    expect(connection.endpoint).toBe(azure.sim.url);
    expect(connection.subscriptionId).toBe(azure.sim.subscriptionId);
    await expect(connection.credential.getToken(armScope(connection.endpoint))).resolves.toMatchObject({ token: expect.any(String) });
    expect(azure.calls('token')).toBe(1);

    const elsewhere = await closedUrl();
    const withSlash = await adapterWith(await authFile('trailing-slash.json', { resourceManagerEndpointUrl: `${azure.sim.url}/` }));
    await expect(withSlash.listNodes()).resolves.toEqual([]);
    await expect(adapterWith(await authFile('arm-elsewhere.json', { resourceManagerEndpointUrl: `${elsewhere}/` }))).rejects.toMatchObject({
      kind: 'transient',
    });
    // MSAL cannot read the authority's metadata: no usable credential.
    await expect(adapterWith(await authFile('aad-elsewhere.json', { activeDirectoryEndpointUrl: elsewhere }))).rejects.toMatchObject({
      kind: 'auth',
    });
  });

  it('shares one client set, and so one token, between providers with the same credentials', async () => {
    const registry = new ArmClientRegistry();
    const first = registry.acquire(await openConnection({ authPath: azure.authPath, ca: azure.sim.ca }));
    const second = registry.acquire(await openConnection({ authPath: await authFile('copy.json', {}), ca: azure.sim.ca }));
    expect(second.clients).toBe(first.clients);
    const rotated = registry.acquire(await openConnection({ authPath: await authFile('rotated.json', { clientSecret: 'rotated' }), ca: azure.sim.ca }));
    expect(rotated.clients).not.toBe(first.clients);
    expect(registry.size).toBe(2);
  });

  it('forgets a client set when its last lease is released (the old secret leaves no clients behind)', async () => {
    const registry = new ArmClientRegistry();
    const connection = await openConnection({ authPath: azure.authPath, ca: azure.sim.ca });
    const first = registry.acquire(connection);
    const second = registry.acquire(connection);
    first.release();
    first.release();
    expect(registry.size).toBe(1);
    second.release();
    expect(registry.size).toBe(0);
    expect(registry.acquire(connection).clients).not.toBe(first.clients);
  });

  it('maps a rejected secret to an auth CloudError that does not repeat the secret', async () => {
    const secret = 'Wrong-Secret-4f1b2c3d';
    const failure = await adapterWith(await authFile('wrong.json', { clientSecret: secret })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'auth' });
    expect(JSON.stringify(failure)).not.toContain(secret);
    expect(String((failure as Error).message)).not.toContain(secret);
  });

  it('names what is missing from the auth file, never its contents', async () => {
    const secret = azure.sim.principal.clientSecret;
    const file = await authFile('incomplete.json', { tenantId: undefined, subscriptionId: 42 });
    const failure = openConnection({ authPath: file });
    await expect(failure).rejects.toThrow(/lacks or has invalid: subscriptionId, tenantId$/);
    await expect(failure).rejects.not.toThrow(secret);
    await expect(openConnection({ env: {} })).rejects.toThrow(/AZURE_SUBSCRIPTION_ID/);
  });
});
