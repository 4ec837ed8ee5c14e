import https from 'node:https';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { ClientSecretCredential } from '@azure/identity';
import { AzureSimulator, type AzureSimulatorOptions } from '../../src/azure/index.js';

/** SDK clients configured against a simulator exactly as cloudpool configures them against Azure. */
export interface AzureClients {
  credential: ClientSecretCredential;
  compute: ComputeManagementClient;
  network: NetworkManagementClient;
  resources: ResourceManagementClient;
}

/**
 * The client options that make the SDKs talk to the simulator: its URL as endpoint, its CA
 * trusted explicitly through core-rest-pipeline's `tlsOptions`, and no SDK retries (they would
 * wait out any Retry-After).
 */
export function clientOptions(sim: AzureSimulator) {
  return { endpoint: sim.url, tlsOptions: { ca: sim.ca }, retryOptions: { maxRetries: 0 } };
}

export function credentialFor(sim: AzureSimulator, clientSecret = sim.principal.clientSecret): ClientSecretCredential {
  return new ClientSecretCredential(sim.principal.tenantId, sim.principal.clientId, clientSecret, {
    authorityHost: sim.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: sim.ca },
    retryOptions: { maxRetries: 0 },
  });
}

export function clientsFor(sim: AzureSimulator): AzureClients {
  const credential = credentialFor(sim);
  const options = clientOptions(sim);
  return {
    credential,
    compute: new ComputeManagementClient(credential, sim.subscriptionId, options),
    network: new NetworkManagementClient(credential, sim.subscriptionId, options),
    resources: new ResourceManagementClient(credential, sim.subscriptionId, options),
  };
}

/** Starts a simulator whose long-running operations send `Retry-After: 0`, so SDK pollers use `pollInterval`. */
export async function startSimulator(options: AzureSimulatorOptions = {}): Promise<AzureSimulator> {
  const { knobs = {}, ...rest } = options;
  // Instant provisioning unless a test asks for Azure's pace (`timing: 'realistic'`) or sets the timings it needs.
  return new AzureSimulator({ timing: 'fast', ...rest, knobs: { ...knobs, azure: { lroRetryAfterSeconds: 0, ...knobs.azure } } }).start();
}

/** Poll interval for SDK long-running operations in tests. */
export const pollInterval = { updateIntervalInMs: 5 };

/** A call to the simulator's admin endpoint (`/__sim/...`) over HTTPS, trusting its CA. */
export async function admin<T>(sim: AzureSimulator, method: string, path: string, body?: unknown): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const request = https.request(`${sim.url}${path}`, { method, ca: sim.ca, headers: { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((response.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path}: ${response.statusCode} ${text}`));
        else resolve(JSON.parse(text) as T);
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}
