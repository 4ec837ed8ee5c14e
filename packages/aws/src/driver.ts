import { providerOwnership, StateMachineProvider, type Driver, type ProviderConfig, type ProviderContext } from '@cloudpool/common';
import { AwsAdapter, type AwsAdapterTimings } from './adapter.js';
import { AwsProviderConfig } from './config.js';
import { sdkHostAndFleetPort } from './sdk/host-fleet-port.js';
import { AwsClientRegistry } from './sdk/client-registry.js';
import { sdkEc2Port, sdkServiceQuotasPort } from './sdk/sdk-port.js';

/** The SDK clients of every AWS provider in this process, shared per (profile, region, endpoint). */
export const awsClients = new AwsClientRegistry();

export interface AwsDriverOptions {
  /** Where SDK clients are shared; default: the process's registry (`awsClients`). */
  registry?: AwsClientRegistry;
  /** Caching and batching of the adapters made. */
  timings?: Partial<AwsAdapterTimings>;
}

/**
 * The `aws` driver, with options that tests (or embedders) need; `awsDriver` is the launcher's.
 * Nodepool's AWS provider keys, EC2 through the AWS SDK for JavaScript. `getProvider` leases the
 * (profile, region, endpoint) clients from the registry; stopping the provider gives them back.
 */
export function createAwsDriver(options: AwsDriverOptions = {}): Driver {
  return {
    name: 'aws',

    getProviderConfig(raw: Record<string, unknown>): AwsProviderConfig {
      return new AwsProviderConfig(raw);
    },

    getProvider(config: ProviderConfig, context: ProviderContext): StateMachineProvider {
      if (!(config instanceof AwsProviderConfig)) throw new Error(`provider ${config.name} is not an aws provider (driver ${config.driver})`);
      const { regionName, profileName, endpoint } = config.settings;
      const clients = (options.registry ?? awsClients).acquire({ region: regionName, profile: profileName, endpoint });
      const adapter = new AwsAdapter({
        config,
        ec2: sdkEc2Port(clients.ec2, context.queue),
        serviceQuotas: sdkServiceQuotasPort(clients.serviceQuotas, context.queue),
        hostsAndFleets: sdkHostAndFleetPort(clients.ec2, context.queue),
        context,
        owner: providerOwnership(config.name, context),
        ...(options.timings === undefined ? {} : { timings: options.timings }),
        onStop: () => clients.release(),
      });
      return new StateMachineProvider(config, adapter, context);
    },
  };
}

/** Nodepool's `driver: aws`. */
export const awsDriver: Driver = createAwsDriver();
