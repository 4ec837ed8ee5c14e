import type { Ownership, ProviderContext } from '@cloudpool/common';
import type { AzureCloudImageSettings, AzureDiskimageSettings, AzurePoolSettings, AzureProviderSettings } from './config.js';

/** A `cloud-images` entry as the adapter uses it. */
export interface AzureCloudImage {
  name: string;
  username?: string;
  settings: AzureCloudImageSettings;
}

/**
 * The parts of a loaded `AzureProviderConfig` the adapter reads (the config object satisfies it,
 * with `providerName` its `name`); tests build it directly.
 */
export interface AzureAdapterConfig {
  providerName: string;
  settings: AzureProviderSettings;
  pools: ReadonlyMap<string, { settings: AzurePoolSettings }>;
  cloudImages: ReadonlyMap<string, AzureCloudImage>;
  /** `diskimages` entries (absent: none): how VMs booted from the builder's uploads are reached. */
  diskimages?: ReadonlyMap<string, { name: string; username: string; settings: AzureDiskimageSettings }>;
}

/** The logging the adapter does (a pino logger, as the provider context has, satisfies it). */
export type AdapterLogger = Pick<ProviderContext['logger'], 'info' | 'warn'>;

/**
 * The parts of the provider context the adapter uses, and whose resources are ours (common's
 * `providerOwnership`): listed, and left out of the unmanaged usage.
 */
export type AdapterContext = Pick<ProviderContext, 'queue' | 'clock'> & { logger: AdapterLogger; owner: Ownership };
