import { createHash } from 'node:crypto';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';

/** Where and as whom the driver talks to Azure Resource Manager. */
export interface ArmConnection {
  subscriptionId: string;
  /** ARM's base URL without a trailing slash, e.g. `https://management.azure.com`. */
  endpoint: string;
  credential: TokenCredential;
  /** Names the credential in the client registry: a digest of its identity, never a secret in clear. */
  credentialKey: string;
  /** A PEM CA to trust for ARM and AAD (tests' simulators); passed to each client, never installed globally. */
  ca?: string;
}

/** The three SDK clients of one connection. */
export interface ArmClients {
  subscriptionId: string;
  compute: ComputeManagementClient;
  network: NetworkManagementClient;
  resources: ResourceManagementClient;
}

/** The token scope of an ARM endpoint (`https://management.azure.com/.default`, or a sovereign cloud's). */
export function armScope(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/.default`;
}

/** `tlsOptions` that trust `ca`, for SDK clients and credentials alike. */
export function tlsOptionsFor(ca: string | undefined): { tlsOptions?: { ca: string } } {
  return ca === undefined ? {} : { tlsOptions: { ca } };
}

function makeClients(connection: ArmConnection): ArmClients {
  const { credential, subscriptionId, endpoint } = connection;
  const scope = armScope(endpoint);
  // No SDK retries: they would wait out any Retry-After unbounded; the provider's queue owns retries.
  const options = { endpoint, credentials: { scopes: [scope] }, retryOptions: { maxRetries: 0 }, ...tlsOptionsFor(connection.ca) };
  return {
    subscriptionId,
    compute: new ComputeManagementClient(credential, subscriptionId, options),
    network: new NetworkManagementClient(credential, subscriptionId, options),
    resources: new ResourceManagementClient(credential, subscriptionId, options),
  };
}

/**
 * One set of SDK clients per (subscription, endpoint, credential, trusted CA), made on first use
 * and shared by every provider that asks for the same: providers on one account share HTTP
 * connections and one token cache. The first credential registered for a key is the one used.
 */
export class ArmClientRegistry {
  private readonly clientSets = new Map<string, ArmClients>();

  clientsFor(connection: ArmConnection): ArmClients {
    const key = [
      connection.subscriptionId.toLowerCase(),
      connection.endpoint.toLowerCase(),
      connection.credentialKey,
      connection.ca === undefined ? '' : digest(connection.ca),
    ].join('|');
    let clients = this.clientSets.get(key);
    if (!clients) this.clientSets.set(key, (clients = makeClients(connection)));
    return clients;
  }
}

/** The registry of the running process. */
export const sharedArmClients = new ArmClientRegistry();

/** A SHA-256 hex digest, for registry keys made from identities and secrets. */
export function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}
