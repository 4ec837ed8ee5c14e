import { json } from '../../core/index.js';
import { SERVICE_PATHS } from '../keystone/catalog.js';
import { renderNeutronError } from '../errors.js';
import { addFloatingIpRoutes } from './floating-ips.js';
import { addNetworkRoutes } from './networks.js';
import { addPortRoutes } from './ports.js';
import { Router } from '../router.js';
import type { OpenStackService, RouteSpec, ServiceEnv } from '../service.js';

export interface NeutronOptions {
  /**
   * Whether the L3 router service plugin is loaded, which serves floating IPs (and routers): off,
   * `/v2.0/floatingips` answers 404 and the extension list has no `router`, as on a Neutron
   * configured without it.
   */
  l3: boolean;
}

/** The ML2 plugin's extensions (a subset of a Zed server's), and those the L3 plugin adds. */
const ML2_EXTENSIONS = ['binding', 'external-net', 'multi-provider', 'net-mtu', 'network-ip-availability', 'port-security', 'project-id', 'provider', 'quotas', 'security-group', 'standard-attr-description', 'standard-attr-tag', 'standard-attr-timestamp'];
const L3_EXTENSIONS = ['router', 'ext-gw-mode', 'extraroute', 'fip-port-details', 'floatingip-pools'];

/** Neutron's networking API v2.0 under `/network`: networks, subnets, ports, floating IPs (with L3) and their tags. */
export function neutronService(env: ServiceEnv, options: NeutronOptions): OpenStackService {
  const endpoint = () => `${env.baseUrl()}${SERVICE_PATHS.network}`;
  const apiUrl = () => `${endpoint()}/v2.0`;
  const routes = new Router<RouteSpec>().add('GET', '/', {
    action: 'neutron.versions.list',
    kind: 'read',
    public: true,
    handle: () => json(200, { versions: [{ id: 'v2.0', links: [{ href: `${apiUrl()}/`, rel: 'self' }], status: 'CURRENT' }] }),
  });
  const api = routes.under('/v2.0');
  const extensions = [...ML2_EXTENSIONS, ...(options.l3 ? L3_EXTENSIONS : [])].sort();
  api.add('GET', '/extensions', {
    action: 'neutron.extensions.list',
    kind: 'read',
    handle: () => json(200, { extensions: extensions.map((alias) => ({ alias, name: alias, description: '', links: [], updated: '2013-01-20T00:00:00-00:00' })) }),
  });
  addNetworkRoutes(api, env, apiUrl);
  addPortRoutes(api, env, apiUrl);
  if (options.l3) addFloatingIpRoutes(api, env, apiUrl);
  return {
    name: 'neutron',
    prefix: SERVICE_PATHS.network,
    routes,
    render: renderNeutronError,
    serverErrorMessage: 'Request Failed: internal server error while processing your request.',
    throttleStatus: 429,
  };
}
