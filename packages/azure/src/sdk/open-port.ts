import type { AzurePort } from '../port.js';
import { type ArmClientRegistry, sharedArmClients } from './arm-clients.js';
import { type ConnectionOptions, openConnection } from './connection.js';
import { SdkAzurePort } from './sdk-port.js';

export interface OpenPortOptions extends ConnectionOptions {
  /** Where client sets are shared; default: the process's registry. */
  registry?: ArmClientRegistry;
  /** Ms one HTTP request may take; default 60 s, as in Nodepool. */
  requestTimeoutMs?: number;
}

/** The SDK port for a provider's credentials, on the client set shared by every provider with the same ones. */
export async function openSdkPort(options: OpenPortOptions): Promise<AzurePort> {
  const connection = await openConnection(options);
  const timeout = options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs };
  return new SdkAzurePort((options.registry ?? sharedArmClients).clientsFor({ ...connection, ...timeout }));
}
