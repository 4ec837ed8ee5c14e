import { providerOwnership, StateMachineProvider, type Driver, type Provider, type ProviderConfig, type ProviderContext } from '@cloudpool/common';
import { OpenStackAdapter } from './adapter.js';
import { HttpOpenStackApi } from './sdk/sdk-port.js';
import { defaultCloudsYamlSearch, loadCloudConfig, type CloudsYamlSearch } from './clouds/clouds-yaml.js';
import { OpenStackProviderConfig } from './config.js';
import { openstackConnections, type ConnectionRegistry } from './sdk/client-registry.js';
import { OpenStackClient } from './sdk/http-client.js';
import { HttpGlanceUploadApi } from './image-upload.js';

export interface OpenStackDriverOptions {
  /** Where `clouds.yaml` is looked for; by default where the OpenStack tools look, read at each `getProvider`. */
  cloudsYaml?: () => CloudsYamlSearch;
  /** Shared connections (default: the process-wide registry). */
  connections?: ConnectionRegistry;
  /** Items per page of list calls (default 1000). */
  pageSize?: number;
  /** How long a server listing is shared (default 5 s). */
  listTtlMs?: number;
  /** How long before expiry a Keystone token is renewed (default 5 minutes). */
  tokenRenewBeforeMs?: number;
}

/**
 * The `openstack` driver. `getProvider` reads the provider's cloud from `clouds.yaml` (no cloud
 * call before `start()`), takes the (cloud, region) connection from the registry, and returns
 * the shared StateMachineProvider over an OpenStackAdapter; stopping it releases the connection.
 * Keystone refusing the credentials is a CloudError with `credentialsRefused`: the session backs
 * off its logins, and the provider's health (logged once per change) turns `auth-failing`.
 */
export function createOpenStackDriver(options: OpenStackDriverOptions = {}): Driver {
  return {
    name: 'openstack',
    getProviderConfig(raw: Record<string, unknown>): OpenStackProviderConfig {
      return new OpenStackProviderConfig(raw);
    },
    getProvider(config: ProviderConfig, context: ProviderContext): Provider {
      if (!(config instanceof OpenStackProviderConfig)) throw new Error(`provider ${config.name} is not an openstack provider`);
      const cloud = loadCloudConfig(config.settings.cloud, (options.cloudsYaml ?? defaultCloudsYamlSearch)());
      const region = config.settings.regionName ?? cloud.regionName;
      const lease = (options.connections ?? openstackConnections).acquire(cloud, region, {
        clock: context.clock,
        ...(options.tokenRenewBeforeMs === undefined ? {} : { renewBeforeMs: options.tokenRenewBeforeMs }),
      });
      const client = new OpenStackClient(lease.connection, context.queue, context.clock);
      const api = new HttpOpenStackApi(client, lease, options.pageSize === undefined ? {} : { pageSize: options.pageSize });
      const adapter = new OpenStackAdapter({
        config,
        api,
        owner: providerOwnership(config.name, context),
        ...(region ? { region } : {}),
        clock: context.clock,
        logger: context.logger,
        glanceUploads: new HttpGlanceUploadApi(client),
        ...(options.listTtlMs === undefined ? {} : { listTtlMs: options.listTtlMs }),
      });
      return new StateMachineProvider(config, adapter, context);
    },
  };
}

/** The driver as the launcher finds it under `driver: openstack`. */
export const openstackDriver: Driver = createOpenStackDriver();
