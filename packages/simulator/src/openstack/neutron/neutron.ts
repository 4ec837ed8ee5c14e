import { json } from '../../core/index.js';
import { SERVICE_PATHS } from '../keystone/catalog.js';
import { renderNeutronError } from '../errors.js';
import { addFloatingIpRoutes } from './floating-ips.js';
import { addNetworkRoutes } from './networks.js';
import { addPortRoutes } from './ports.js';
import { Router } from '../router.js';
import type { OpenStackService, RouteSpec, ServiceEnv } from '../service.js';

/** Neutron's networking API v2.0 under `/network`: networks, subnets, ports, floating IPs and their tags. */
export function neutronService(env: ServiceEnv): OpenStackService {
  const endpoint = () => `${env.baseUrl()}${SERVICE_PATHS.network}`;
  const apiUrl = () => `${endpoint()}/v2.0`;
  const routes = new Router<RouteSpec>().add('GET', '/', {
    action: 'neutron.versions.list',
    kind: 'read',
    public: true,
    handle: () => json(200, { versions: [{ id: 'v2.0', links: [{ href: `${apiUrl()}/`, rel: 'self' }], status: 'CURRENT' }] }),
  });
  const api = routes.under('/v2.0');
  addNetworkRoutes(api, env, apiUrl);
  addPortRoutes(api, env, apiUrl);
  addFloatingIpRoutes(api, env, apiUrl);
  return {
    name: 'neutron',
    prefix: SERVICE_PATHS.network,
    routes,
    render: renderNeutronError,
    serverErrorMessage: 'Request Failed: internal server error while processing your request.',
    throttleStatus: 429,
  };
}
