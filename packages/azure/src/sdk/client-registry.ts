import { createHash } from 'node:crypto';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import { SharedByLease } from '@cloudpool/common';
import { pacingPolicy } from './paced-requests.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestTimeoutPolicy } from './request-timeout.js';

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
  /** Ms one HTTP request may take (default `DEFAULT_REQUEST_TIMEOUT_MS`, 60 s). */
  requestTimeoutMs?: number;
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
  // No SDK retries: they would wait out any Retry-After unbounded; the provider's queue owns retries
  // (RETRY_POLICY). Each request the SDK sends is paced below its retry policy (paced-requests.ts).
  const timeout = requestTimeoutPolicy(connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const options = {
    endpoint,
    credentials: { scopes: [scope] },
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [
      { policy: timeout, position: 'perCall' as const },
      { policy: pacingPolicy(), position: 'perRetry' as const },
    ],
    ...tlsOptionsFor(connection.ca),
  };
  return {
    subscriptionId,
    compute: new ComputeManagementClient(credential, subscriptionId, options),
    network: new NetworkManagementClient(credential, subscriptionId, options),
    resources: new ResourceManagementClient(credential, subscriptionId, options),
  };
}

/** A provider's hold on a shared client set; `release()` (idempotent) gives it back. */
export interface ArmClientLease {
  clients: ArmClients;
  release(): void;
}

/**
 * One set of SDK clients per (subscription, endpoint, credential, trusted CA), made on first use
 * and shared by every provider that holds a lease on the same: providers on one account share
 * HTTP connections and one token cache. The first credential registered for a key is the one
 * used. When the last lease is released the set is forgotten, so a changed credential or a
 * removed provider leaves no clients behind.
 */
export class ArmClientRegistry {
  private readonly clientSets = new SharedByLease<ArmClients>();

  acquire(connection: ArmConnection): ArmClientLease {
    const key = [
      connection.subscriptionId.toLowerCase(),
      connection.endpoint.toLowerCase(),
      connection.credentialKey,
      connection.ca === undefined ? '' : digest(connection.ca),
      String(connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    ].join('|');
    const lease = this.clientSets.acquire(key, () => makeClients(connection));
    return { clients: lease.value, release: () => lease.release() };
  }

  /** Client sets alive now (one per distinct connection with a lease). */
  get size(): number {
    return this.clientSets.size;
  }
}

/** The registry of the running process. */
export const sharedArmClients = new ArmClientRegistry();

/** A SHA-256 hex digest, for registry keys made from identities and secrets. */
export function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}
