import { awsDriver } from './driver.js';

export { AwsAdapter, type AwsAdapterOptions, type AwsAdapterTimings, type AwsProviderView } from './adapter.js';
export { AwsClientRegistry, type AwsClientLease, type AwsClientTarget } from './sdk/client-registry.js';
export * from './config.js';
export { awsClients, awsDriver, createAwsDriver, type AwsDriverOptions } from './driver.js';
export type { HostAndFleetPort } from './dedicated-host-port.js';
export type { Ec2Port, ServiceQuotasPort } from './port.js';
export { sdkHostAndFleetPort } from './sdk/host-fleet-port.js';
export { sdkEc2Port, sdkServiceQuotasPort } from './sdk/sdk-port.js';

export default awsDriver;
