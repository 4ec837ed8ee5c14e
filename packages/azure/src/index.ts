export { AzureAdapter, type AzureAdapterOptions } from './adapter.js';
export type { AzureAdapterConfig, AzureCloudImage } from './adapter-config.js';
export { AzureProviderConfig } from './config.js';
export { adapterConfigOf, azureDriver, createAzureDriver, type AzureDriverOptions } from './driver.js';
export { classifyArmError, toCloudError } from './errors.js';
export type { ArmAcceptance, ArmCollection, AzurePort, ProvisioningSnapshot } from './port.js';
export { ArmClientRegistry, sharedArmClients, type ArmClientLease, type ArmClients, type ArmConnection } from './sdk/client-registry.js';
export { openSdkPort, type OpenPortOptions } from './sdk/open-port.js';
export { SdkAzurePort } from './sdk/sdk-port.js';

export { azureDriver as default } from './driver.js';
