import { json } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { PortRecord } from '../model.js';
import { neutronList, neutronShow, notFound, type NeutronCollection } from './query.js';
import { addNeutronTagRoutes } from './tags.js';
import type { OpenStackState } from '../openstack-state.js';
import { portStatus } from '../resource-status.js';
import type { RouteAdder } from '../router.js';
import type { ApiContext, RouteSpec, ServiceEnv } from '../service.js';
import { isoSeconds, readJson, requireMember, stringField } from '../wire.js';
import { boundedString } from './attributes.js';

/** A port as Neutron shows it to a project member. */
function portView(state: OpenStackState, port: PortRecord, now: number): Record<string, unknown> {
  return {
    admin_state_up: true,
    allowed_address_pairs: [],
    'binding:vnic_type': 'normal',
    created_at: isoSeconds(port.createdAt),
    data_plane_status: null,
    description: port.description,
    device_id: port.deviceId,
    device_owner: port.deviceOwner,
    dns_assignment: [],
    dns_name: '',
    extra_dhcp_opts: [],
    fixed_ips: port.fixedIps.map((fixedIp) => ({ ip_address: fixedIp.ipAddress, subnet_id: fixedIp.subnetId })),
    id: port.id,
    ip_allocation: 'immediate',
    mac_address: port.macAddress,
    name: port.name,
    network_id: port.networkId,
    port_security_enabled: true,
    project_id: port.projectId,
    propagate_uplink_status: false,
    qos_network_policy_id: null,
    qos_policy_id: null,
    resource_request: null,
    revision_number: port.revision,
    security_groups: port.securityGroupIds,
    status: portStatus(port, state.servers, now),
    tags: port.tags,
    tenant_id: port.projectId,
    updated_at: isoSeconds(port.updatedAt),
  };
}

/** The 409 Neutron answers when a network has no address left: the gate's capacity fault for ports. */
export function addressesExhausted(networkId: string): ApiError {
  return new ApiError(409, `No more IP addresses available on network ${networkId}.`, 'IpAddressGenerationFailure');
}

/**
 * Ports: list (filters on any attribute, e.g. `device_id`, `device_owner`, `status`, and tags;
 * `device_id` is answered from an index), show, create (with `tags`), delete, and the tag API.
 */
export function addPortRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv, networkUrl: () => string): void {
  const { state } = env;
  const view = (port: PortRecord) => portView(state, port, env.clock.now());
  const ports: NeutronCollection<PortRecord> = { plural: 'ports', resourceName: 'Port', view, has: (id) => state.ports.get(id) !== undefined };
  const find = (context: ApiContext): PortRecord => {
    const port = state.ports.get(context.params.id ?? '');
    if (!port) throw notFound('Port', context.params.id ?? '');
    return port;
  };
  const candidates = (query: URLSearchParams): Iterable<PortRecord> => {
    const deviceIds = query.getAll('device_id');
    if (deviceIds.length === 0) return state.ports.values();
    return deviceIds.flatMap((deviceId) => (deviceId ? [...state.ports.ofDevice(deviceId)] : [...state.ports.values()].filter((port) => !port.deviceId)));
  };
  router
    .add('GET', '/ports', {
      action: 'neutron.ports.list',
      kind: 'read',
      handle: (context) => neutronList(ports, candidates(context.query), context.query, `${networkUrl()}/ports`, env.knobs().maxPageSize),
    })
    .add('GET', '/ports/:id', { action: 'neutron.ports.get', kind: 'read', handle: (context) => neutronShow('port', view(find(context)), context.query) })
    .add('POST', '/ports', {
      action: 'neutron.ports.create',
      kind: 'write',
      isCreate: true,
      handle: (context) => {
        const request = requireMember(readJson(context.request), 'port');
        const networkId = request.network_id;
        if (typeof networkId !== 'string') {
          throw new ApiError(400, "Failed to parse request. Required attribute 'network_id' not specified", 'HTTPBadRequest');
        }
        // Zed's Neutron takes a port's tags only through the tag API: `tags` in the body is ignored.
        const port = state.createPort({
          networkId,
          name: boundedString(request, 'name') ?? '',
          description: boundedString(request, 'description') ?? '',
          deviceId: stringField(request, 'device_id') ?? '',
          deviceOwner: stringField(request, 'device_owner') ?? '',
          tags: [],
        });
        return json(201, { port: view(port) });
      },
      onNoCapacity: (context) => {
        const request = requireMember(readJson(context.request), 'port');
        throw addressesExhausted(String(request.network_id));
      },
    })
    .add('DELETE', '/ports/:id', {
      action: 'neutron.ports.delete',
      kind: 'write',
      handle: (context) => {
        state.deletePort(find(context));
        return { status: 204 };
      },
    });
  addNeutronTagRoutes(router, 'ports', 'Port', (id) => state.ports.get(id));
}
