import { addServerActionRoutes } from './server-actions.js';
import { json } from '../../core/index.js';
import { SERVICE_PATHS } from '../keystone/catalog.js';
import { renderComputeFault } from '../errors.js';
import { apiVersion, negotiateMicroversion, type MicroversionPolicy } from '../microversion.js';
import { addKeypairRoutes } from './keypairs.js';
import { addNovaMiscRoutes } from './misc.js';
import { addServerMetadataRoutes } from './server-metadata.js';
import { addServerTagRoutes } from './server-tags.js';
import { addServerRoutes } from './servers.js';
import { Router } from '../router.js';
import type { OpenStackService, RouteSpec, ServiceEnv } from '../service.js';

export interface NovaOptions {
  /** The highest compute microversion served (2.96 is Nova 2024.2 "Dalmatian"). */
  maxMicroversion: string;
  /** 429, or 413 `overLimit` as Nova's own (removed) rate limiter answered. */
  throttleStatus: 413 | 429;
}

/** Nova's compute API v2.1 under `/compute`, with microversions from 2.1 to `maxMicroversion`. */
export function novaService(env: ServiceEnv, options: NovaOptions): OpenStackService {
  const policy: MicroversionPolicy = {
    serviceType: 'compute',
    legacyHeader: 'X-OpenStack-Nova-API-Version',
    min: apiVersion('2.1'),
    max: apiVersion(options.maxMicroversion),
  };
  const endpoint = () => `${env.baseUrl()}${SERVICE_PATHS.compute}`;
  const legacyVersion = () => ({
    id: 'v2.0',
    links: [{ href: `${endpoint()}/v2/`, rel: 'self' }],
    min_version: '',
    status: 'SUPPORTED',
    updated: '2011-01-21T11:33:21Z',
    version: '',
  });
  const currentVersion = () => ({
    id: 'v2.1',
    links: [{ href: `${endpoint()}/v2.1/`, rel: 'self' }],
    min_version: policy.min.toString(),
    status: 'CURRENT',
    updated: '2013-07-23T11:33:21Z',
    version: policy.max.toString(),
  });
  const routes = new Router<RouteSpec>()
    .add('GET', '/', { action: 'nova.versions.list', kind: 'read', public: true, handle: () => json(200, { versions: [legacyVersion(), currentVersion()] }) })
    .add('GET', '/v2.1', {
      action: 'nova.versions.get',
      kind: 'read',
      public: true,
      handle: () =>
        json(200, {
          version: {
            ...currentVersion(),
            'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
          },
        }),
    });
  const api = routes.under('/v2.1');
  addServerRoutes(api, env);
  addServerActionRoutes(api, env);
  addServerTagRoutes(api, env);
  addServerMetadataRoutes(api, env);
  addNovaMiscRoutes(api, env);
  addKeypairRoutes(api, env);
  return {
    name: 'nova',
    prefix: SERVICE_PATHS.compute,
    routes,
    render: renderComputeFault,
    serverErrorMessage:
      "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'oslo_db.exception.DBConnectionError'>",
    throttleStatus: options.throttleStatus,
    negotiate: (headers) => negotiateMicroversion(headers, policy),
  };
}
