import type { NetworkRecord, SubnetRecord } from '../model.js';
import { neutronList, neutronShow, notFound, type NeutronCollection } from './query.js';
import { addNeutronTagRoutes } from './tags.js';
import type { OpenStackState } from '../openstack-state.js';
import type { RouteAdder } from '../router.js';
import type { RouteSpec, ServiceEnv } from '../service.js';
import { isoSeconds } from '../wire.js';

/** A network as Neutron shows it (with the external-net, MTU and tag extensions). */
function networkView(network: NetworkRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    admin_state_up: true,
    availability_zone_hints: [],
    availability_zones: ['nova'],
    created_at: isoSeconds(network.createdAt),
    description: '',
    id: network.id,
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    l2_adjacency: true,
    mtu: network.mtu,
    name: network.name,
    port_security_enabled: true,
    project_id: network.projectId,
    revision_number: 1,
    'router:external': network.external,
    shared: network.shared,
    status: 'ACTIVE',
    subnets: network.subnetIds,
    tags: network.tags,
    tenant_id: network.projectId,
    updated_at: isoSeconds(network.createdAt),
  };
  if (network.external) view.is_default = true;
  return view;
}

function subnetView(state: OpenStackState, subnet: SubnetRecord): Record<string, unknown> {
  const pool = state.allocationPool(subnet.id);
  return {
    allocation_pools: pool ? [pool] : [],
    cidr: subnet.cidr,
    created_at: isoSeconds(subnet.createdAt),
    description: '',
    dns_nameservers: [],
    enable_dhcp: true,
    gateway_ip: subnet.gatewayIp,
    host_routes: [],
    id: subnet.id,
    ip_version: 4,
    ipv6_address_mode: null,
    ipv6_ra_mode: null,
    name: subnet.name,
    network_id: subnet.networkId,
    project_id: subnet.projectId,
    revision_number: 0,
    service_types: [],
    subnetpool_id: null,
    tags: subnet.tags,
    tenant_id: subnet.projectId,
    updated_at: isoSeconds(subnet.createdAt),
  };
}

/** Networks and subnets: list (filters such as `name` or `router:external=true`) and show; network tags. */
export function addNetworkRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv, networkUrl: () => string): void {
  const { state } = env;
  const networks: NeutronCollection<NetworkRecord> = {
    plural: 'networks',
    resourceName: 'Network',
    view: networkView,
    has: (id) => state.networks.has(id),
  };
  const subnets: NeutronCollection<SubnetRecord> = {
    plural: 'subnets',
    resourceName: 'Subnet',
    view: (subnet) => subnetView(state, subnet),
    has: (id) => state.subnets.has(id),
  };
  router
    .add('GET', '/networks', {
      action: 'neutron.networks.list',
      kind: 'read',
      handle: (context) => neutronList(networks, state.networks.values(), context.query, `${networkUrl()}/networks`, env.knobs().maxPageSize),
    })
    .add('GET', '/networks/:id', {
      action: 'neutron.networks.get',
      kind: 'read',
      handle: (context) => {
        const network = state.networks.get(context.params.id ?? '');
        if (!network) throw notFound('Network', context.params.id ?? '');
        return neutronShow('network', networkView(network), context.query);
      },
    })
    .add('GET', '/subnets', {
      action: 'neutron.subnets.list',
      kind: 'read',
      handle: (context) => neutronList(subnets, state.subnets.values(), context.query, `${networkUrl()}/subnets`, env.knobs().maxPageSize),
    })
    .add('GET', '/subnets/:id', {
      action: 'neutron.subnets.get',
      kind: 'read',
      handle: (context) => {
        const subnet = state.subnets.get(context.params.id ?? '');
        if (!subnet) throw notFound('Subnet', context.params.id ?? '');
        return neutronShow('subnet', subnetView(state, subnet), context.query);
      },
    });
  addNeutronTagRoutes(router, 'networks', 'Network', (id) => state.networks.get(id));
}
