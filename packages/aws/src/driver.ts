import { StateMachineProvider, type Driver, type ProviderConfig, type ProviderContext } from '@cloudpool/common';
import { AwsAdapter } from './aws-adapter.js';
import { AwsClientRegistry } from './client-registry.js';
import { AwsProviderConfig } from './config.js';
import { sdkHostAndFleetPort } from './sdk-host-fleet-port.js';
import { sdkEc2Port, sdkServiceQuotasPort } from './sdk-ports.js';

/** The SDK clients of every AWS provider in this process, shared per (profile, region, endpoint). */
export const awsClients = new AwsClientRegistry();

/** The `aws` driver: Nodepool's AWS provider keys, EC2 through the AWS SDK for JavaScript. */
export const awsDriver: Driver = {
  name: 'aws',

  getProviderConfig(raw: Record<string, unknown>): AwsProviderConfig {
    return new AwsProviderConfig(raw);
  },

  getProvider(config: ProviderConfig, context: ProviderContext): StateMachineProvider {
    if (!(config instanceof AwsProviderConfig)) throw new Error(`provider ${config.name} is not an aws provider (driver ${config.driver})`);
    const { regionName, profileName, endpoint } = config.settings;
    const clients = awsClients.acquire({ region: regionName, profile: profileName, endpoint });
    const adapter = new AwsAdapter({
      config,
      ec2: sdkEc2Port(clients.ec2),
      serviceQuotas: sdkServiceQuotasPort(clients.serviceQuotas),
      hostsAndFleets: sdkHostAndFleetPort(clients.ec2),
      context,
      onStop: () => clients.release(),
    });
    return new StateMachineProvider(config, adapter, context);
  },
};
