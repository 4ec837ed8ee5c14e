import { type CloudCallQueue, type Driver, providerOwnership, StateMachineProvider } from '@cloudpool/common';
import { AzureAdapter, type AzureAdapterOptions } from './adapter.js';
import type { AzureAdapterConfig } from './adapter-config.js';
import { AzureProviderConfig } from './config.js';
import type { ArmClientRegistry } from './sdk/client-registry.js';
import { openSdkPort } from './sdk/open-port.js';
import { trustedCaBundle } from './sdk/trusted-ca.js';

export interface AzureDriverOptions {
  /**
   * A PEM CA the SDK clients trust besides the system's (tests' simulators), as a provider's
   * `ca-file` does; never installed globally.
   */
  ca?: string;
  /** Where SDK client sets are shared; default: the process's registry. */
  registry?: ArmClientRegistry;
  /** Environment for the default credential chain (`AZURE_SUBSCRIPTION_ID`); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Ms one HTTP request to ARM may take (default 60 s, as in Nodepool). */
  requestTimeoutMs?: number;
  /** Polling and caching of the adapters made. */
  adapter?: Omit<AzureAdapterOptions, 'openPort'>;
}

/** What the adapter reads of a loaded Azure provider configuration. */
export function adapterConfigOf(config: AzureProviderConfig): AzureAdapterConfig {
  return { providerName: config.name, settings: config.settings, pools: config.pools, cloudImages: config.cloudImages, diskimages: config.diskimages };
}

/** The `azure` driver, with options that tests (or embedders) need; `azureDriver` is the launcher's. */
export function createAzureDriver(options: AzureDriverOptions = {}): Driver {
  return {
    name: 'azure',
    getProviderConfig: (raw) => new AzureProviderConfig(raw),
    getProvider(config, context) {
      if (!(config instanceof AzureProviderConfig)) throw new Error(`provider ${config.name}: not an Azure provider configuration`);
      const { settings } = config;
      const openPort = async (queue: CloudCallQueue) => {
        const ca = await trustedCaBundle({ ca: options.ca, caFile: settings.caFile });
        return openSdkPort({
          queue,
          ...(settings.authPath === undefined ? {} : { authPath: settings.authPath }),
          ...(ca === undefined ? {} : { ca }),
          ...(options.env === undefined ? {} : { env: options.env }),
          ...(options.registry === undefined ? {} : { registry: options.registry }),
          ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
        });
      };
      const adapter = new AzureAdapter(adapterConfigOf(config), { ...context, owner: providerOwnership(config.name, context) }, { ...options.adapter, openPort });
      return new StateMachineProvider(config, adapter, context);
    },
  };
}

/** Nodepool's `driver: azure`. */
export const azureDriver: Driver = createAzureDriver();
