import type { CloudCallQueue } from '@cloudpool/common';
import type { AzurePort } from '../port.js';
import { type ArmClientRegistry, sharedArmClients } from './client-registry.js';
import { type ConnectionOptions, openConnection } from './connection.js';
import { SdkAzurePort } from './sdk-port.js';

export interface OpenPortOptions extends ConnectionOptions {
  /** Where client sets are shared; default: the process's registry. */
  registry?: ArmClientRegistry;
  /** Ms one HTTP request may take; default 60 s, as in Nodepool. */
  requestTimeoutMs?: number;
  /** The provider's queue: every ARM request of the port goes through it. */
  queue: CloudCallQueue;
}

/**
 * The SDK port for a provider's credentials, on the client set shared by every provider with the
 * same ones, its requests paced on `options.queue`; its `close()` gives the lease back.
 */
export async function openSdkPort(options: OpenPortOptions): Promise<AzurePort> {
  const connection = await openConnection(options);
  const timeout = options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs };
  const lease = (options.registry ?? sharedArmClients).acquire({ ...connection, ...timeout });
  return new SdkAzurePort(lease.clients, options.queue, () => lease.release());
}
