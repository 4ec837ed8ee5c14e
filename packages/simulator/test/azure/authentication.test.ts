import { ComputeManagementClient } from '@azure/arm-compute';
import { ResourceManagementClient } from '@azure/arm-resources';
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { AzureSimulator } from '../../src/azure/index.js';
import { clientOptions, clientsFor, credentialFor, startSimulator } from './clients.js';
import { rejectionOf } from './fixtures.js';

const ARM_SCOPE = 'https://management.azure.com/.default';

/** A credential that hands out a fixed token. */
function fixedToken(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

describe('Azure simulator: AAD tokens and ARM authentication', () => {
  const clock = new ManualClock();
  let sim: AzureSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ clock, knobs: { azure: { tokenLifetimeSeconds: 600 } } });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('serves the client-credentials flow of ClientSecretCredential from the connection info', async () => {
    const { authFile, ca, resourceGroup } = sim.connectionInfo();
    const credential = new ClientSecretCredential(authFile.tenantId, authFile.clientId, authFile.clientSecret, {
      authorityHost: authFile.activeDirectoryEndpointUrl,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    });
    const token = await credential.getToken(ARM_SCOPE);
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: 'https://management.azure.com', appid: authFile.clientId, tid: authFile.tenantId });
    expect(claims.exp).toBe(Math.floor(clock.now() / 1000) + 600);

    const client = new ResourceManagementClient(credential, authFile.subscriptionId, {
      endpoint: authFile.resourceManagerEndpointUrl, tlsOptions: { ca }, retryOptions: { maxRetries: 0 },
    });
    expect((await client.resourceGroups.get(resourceGroup)).name).toBe(resourceGroup);
    expect(sim.counters.count('token')).toBeGreaterThanOrEqual(1);
  });

  it('rejects a wrong client secret with AAD\'s invalid_client error AADSTS7000215', async () => {
    const credential = credentialFor(sim, 'not-the-secret');
    const error = await rejectionOf(credential.getToken(ARM_SCOPE));
    expect(error.message).toContain('invalid_client');
    expect(error.message).toContain('AADSTS7000215: Invalid client secret provided');
    const compute = new ComputeManagementClient(credential, sim.subscriptionId, clientOptions(sim));
    expect((await rejectionOf(compute.virtualMachines.get(sim.resourceGroup, 'any'))).message).toContain('AADSTS7000215');
  });

  it('answers ARM calls with a bad, foreign or expired token with 401 and ARM\'s codes', async () => {
    const compute = (credential: TokenCredential) => new ComputeManagementClient(credential, sim.subscriptionId, clientOptions(sim));
    expect(await rejectionOf(compute(fixedToken('not.a.token')).virtualMachines.get(sim.resourceGroup, 'any')))
      .toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });

    const vaultToken = await credentialFor(sim).getToken('https://vault.azure.net/.default');
    expect(await rejectionOf(compute(fixedToken(vaultToken.token)).virtualMachines.get(sim.resourceGroup, 'any')))
      .toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationTokenAudience' });

    const { compute: client } = clientsFor(sim);
    await expect(client.virtualMachines.get(sim.resourceGroup, 'any')).rejects.toMatchObject({ statusCode: 404 });
    clock.advance(601_000);
    expect(await rejectionOf(client.virtualMachines.get(sim.resourceGroup, 'any'))).toMatchObject({ statusCode: 401, code: 'ExpiredAuthenticationToken' });
  });
});
