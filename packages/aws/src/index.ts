import { awsDriver } from './driver.js';

export { AwsAdapter, type AwsAdapterOptions, type AwsAdapterTimings, type AwsProviderView } from './aws-adapter.js';
export { AwsClientRegistry, type AwsClientLease, type AwsClientTarget } from './client-registry.js';
export * from './config.js';
export { awsClients, awsDriver } from './driver.js';
export type { HostAndFleetPort } from './dedicated-host-port.js';
export type { Ec2Port, ServiceQuotasPort } from './ports.js';
export { sdkHostAndFleetPort } from './sdk-host-fleet-port.js';
export { sdkEc2Port, sdkServiceQuotasPort } from './sdk-ports.js';

export default awsDriver;
