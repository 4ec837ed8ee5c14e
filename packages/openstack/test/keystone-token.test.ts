import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CloudError, ProviderHealthMonitor, REFUSED_CREDENTIALS_BACKOFF } from '@cloudpool/common';
import { pino } from 'pino';
import { passthroughQueue } from '@cloudpool/common/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../src/clouds/clouds-yaml.js';
import { ConnectionRegistry } from '../src/sdk/client-registry.js';
import { OpenStackClient } from '../src/sdk/http-client.js';
import { SimulatedOpenStack } from '../src/testing/test-bed.js';

const MINUTE = 60_000;

describe('Keystone tokens', () => {
  let cloud: SimulatedOpenStack | undefined;
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
  });

  const tokensIssued = () => cloud!.sim.counters.count('keystone.tokens.create');
  const rejected = () => cloud!.sim.counters.count('nova.servers.detail', 'client-error');

  it('renews the token before it expires (5 minutes ahead, on the injected clock), through the queue', async () => {
    cloud = await SimulatedOpenStack.start({ tokenLifetimeMs: 10 * MINUTE });
    const { adapter, queue } = cloud.adapter();
    await adapter.listNodes();
    expect(tokensIssued()).toBe(1);
    cloud.settle(4 * MINUTE);
    await adapter.listNodes();
    expect(tokensIssued()).toBe(1);
    cloud.settle(2 * MINUTE);
    await adapter.listNodes();
    expect(tokensIssued()).toBe(2);
    expect(rejected()).toBe(0);
    expect(queue.actions.filter((action) => action === 'keystone.tokens.create')).toHaveLength(2);
  });

  it('renews once and repeats the call when the cloud answers 401', async () => {
    cloud = await SimulatedOpenStack.start();
    const { adapter } = cloud.adapter();
    await adapter.listNodes();
    cloud.sim.reset(); // Keystone forgets every token it issued.
    cloud.settle();
    await expect(adapter.listNodes()).resolves.toEqual([]);
    expect(tokensIssued()).toBe(1);
    expect(rejected()).toBe(1);
    expect(cloud.sim.counters.count('nova.servers.detail', 'ok')).toBe(1);
  });

  it('gives up with an auth CloudError after one renewal, showing no token', async () => {
    cloud = await SimulatedOpenStack.start({ tokenLifetimeMs: 0 });
    const { adapter, queue } = cloud.adapter({ tokenRenewBeforeMs: 0 });
    const failure = await adapter.listNodes().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CloudError);
    expect(failure).toMatchObject({ kind: 'auth', action: 'nova.servers.detail', code: '401' });
    expect(rejected()).toBe(2);
    expect(queue.actions.filter((action) => action === 'nova.servers.detail')).toHaveLength(2);
    expect(JSON.stringify(failure) + String(failure)).not.toMatch(/gAAAAA/);
  });

  it('signs in with an application credential', async () => {
    cloud = await SimulatedOpenStack.start();
    const { adapter } = cloud.adapter({ cloudName: cloud.sim.connectionInfo().applicationCredentialCloudName });
    await expect(adapter.listNodes()).resolves.toEqual([]);
    expect(tokensIssued()).toBe(1);
  });

  it("reads the token's project, with a password or an application credential, without another token request", async () => {
    cloud = await SimulatedOpenStack.start();
    for (const cloudName of [undefined, cloud.sim.connectionInfo().applicationCredentialCloudName]) {
      const { lease, queue } = cloud.adapter(cloudName === undefined ? {} : { cloudName });
      const client = new OpenStackClient(lease.connection, queue, cloud.clock);
      expect(await client.projectId()).toBe(cloud.sim.identity.project.id);
      expect(await client.projectId()).toBe(cloud.sim.identity.project.id);
    }
    expect(tokensIssued()).toBe(2);
  });

  it('reports rejected credentials (from secure.yaml) as auth, without the password', async () => {
    cloud = await SimulatedOpenStack.start();
    const wrong = 'wrong-password-never-shown';
    await writeFile(path.join(cloud.dir, 'secure.yaml'), `clouds:\n  ${cloud.sim.connectionInfo().cloudName}:\n    auth:\n      password: ${wrong}\n`);
    const { adapter } = cloud.adapter();
    const failure = await adapter.listNodes().catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'auth', action: 'keystone.tokens.create' });
    expect(String((failure as Error).message)).not.toContain(wrong);
    expect(JSON.stringify(failure)).not.toContain(wrong);
  });

  it('backs off after Keystone refuses the credentials: one login per window, doubling, each refusal marked as such', async () => {
    cloud = await SimulatedOpenStack.start();
    const info = cloud.sim.connectionInfo();
    await writeFile(path.join(cloud.dir, 'secure.yaml'), `clouds:\n  ${info.cloudName}:\n    auth:\n      password: wrong\n`);
    const config = loadCloudConfig(info.cloudName, { directories: [cloud.dir], env: {} });
    const lease = new ConnectionRegistry().acquire(config, info.regionName, { clock: cloud.clock });
    const client = new OpenStackClient(lease.connection, passthroughQueue, cloud.clock);
    const attempt = () => expect(client.projectId()).rejects.toMatchObject({ kind: 'auth', credentialsRefused: true, message: expect.stringContaining('no new login for') });
    for (let i = 0; i < 5; i++) await attempt();
    expect(tokensIssued()).toBe(1);
    cloud.settle(REFUSED_CREDENTIALS_BACKOFF.firstMs);
    await attempt();
    await attempt();
    expect(tokensIssued()).toBe(2);
    cloud.settle(REFUSED_CREDENTIALS_BACKOFF.firstMs); // the window doubled: still closed
    await attempt();
    expect(tokensIssued()).toBe(2);
    cloud.settle(REFUSED_CREDENTIALS_BACKOFF.firstMs);
    await attempt();
    expect(tokensIssued()).toBe(3);
    expect(lease.connection.session.loginFailing).toBe(true);
    lease.release();
  });

  it('turns every provider on a shared connection auth-failing, also the ones whose calls the session held back without a login', async () => {
    cloud = await SimulatedOpenStack.start();
    const info = cloud.sim.connectionInfo();
    await writeFile(path.join(cloud.dir, 'secure.yaml'), `clouds:\n  ${info.cloudName}:\n    auth:\n      password: wrong\n`);
    const config = loadCloudConfig(info.cloudName, { directories: [cloud.dir], env: {} });
    const registry = new ConnectionRegistry();
    const providers = ['a', 'b'].map((name) => {
      const lease = registry.acquire(config, info.regionName, { clock: cloud!.clock });
      const health = new ProviderHealthMonitor({ provider: name, clock: cloud!.clock, logger: pino({ level: 'silent' }) });
      return { lease, health, client: new OpenStackClient(lease.connection, health.watch(passthroughQueue), cloud!.clock) };
    });
    expect(registry.size).toBe(1);
    const [a, b] = providers as [(typeof providers)[0], (typeof providers)[0]];
    await expect(a.client.projectId()).rejects.toMatchObject({ credentialsRefused: true });
    await expect(b.client.projectId()).rejects.toMatchObject({ credentialsRefused: true });
    expect(tokensIssued()).toBe(1);
    expect(a.health.health().state).toBe('auth-failing');
    expect(b.health.health().state).toBe('auth-failing');
    for (const { lease } of providers) lease.release();
  });
});
