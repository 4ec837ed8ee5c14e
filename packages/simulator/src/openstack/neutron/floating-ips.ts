import { json } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { FloatingIpRecord, PortRecord } from '../model.js';
import { neutronList, neutronShow, notFound, type NeutronCollection } from './query.js';
import { addressesExhausted } from './ports.js';
import { addNeutronTagRoutes } from './tags.js';
import type { OpenStackState } from '../openstack-state.js';
import { floatingIpStatus, portStatus } from '../resource-status.js';
import type { RouteAdder } from '../router.js';
import type { ApiContext, RouteSpec, ServiceEnv } from '../service.js';
import { isoSeconds, readJson, requireMember, stringField } from '../wire.js';
import { boundedString } from './attributes.js';

/** A floating IP as Neutron shows it (with the fip-port-details extension). */
function floatingIpView(state: OpenStackState, floatingIp: FloatingIpRecord, now: number): Record<string, unknown> {
  const port = floatingIp.portId ? state.ports.get(floatingIp.portId) : undefined;
  return {
    created_at: isoSeconds(floatingIp.createdAt),
    description: floatingIp.description,
    dns_domain: '',
    dns_name: '',
    fixed_ip_address: floatingIp.fixedIpAddress,
    floating_ip_address: floatingIp.floatingIpAddress,
    floating_network_id: floatingIp.floatingNetworkId,
    id: floatingIp.id,
    port_details: port
      ? {
          admin_state_up: true,
          device_id: port.deviceId,
          device_owner: port.deviceOwner,
          mac_address: port.macAddress,
          name: port.name,
          network_id: port.networkId,
          status: portStatus(port, state.servers, now),
        }
      : null,
    port_forwardings: [],
    port_id: floatingIp.portId,
    project_id: floatingIp.projectId,
    qos_network_policy_id: null,
    qos_policy_id: null,
    revision_number: floatingIp.revision,
    router_id: floatingIp.routerId,
    status: floatingIpStatus(floatingIp),
    tags: floatingIp.tags,
    tenant_id: floatingIp.projectId,
    updated_at: isoSeconds(floatingIp.updatedAt),
  };
}

/**
 * Floating IPs: allocate on an external network (optionally straight onto a port), list
 * (filters such as `port_id`, `status`, tags), show, associate or disassociate
 * (`PUT {"floatingip": {"port_id": ...}}`), release, and the tag API.
 */
export function addFloatingIpRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv, networkUrl: () => string): void {
  const { state } = env;
  const view = (floatingIp: FloatingIpRecord) => floatingIpView(state, floatingIp, env.clock.now());
  const collection: NeutronCollection<FloatingIpRecord> = {
    plural: 'floatingips',
    resourceName: 'Floating IP',
    view,
    has: (id) => state.floatingIps.has(id),
  };
  const find = (context: ApiContext): FloatingIpRecord => {
    const floatingIp = state.floatingIps.get(context.params.id ?? '');
    if (!floatingIp) throw notFound('Floating IP', context.params.id ?? '');
    return floatingIp;
  };
  const portFor = (portId: unknown): PortRecord | null => {
    if (portId === null || portId === undefined) return null;
    const port = typeof portId === 'string' ? state.ports.get(portId) : undefined;
    if (!port) throw notFound('Port', String(portId));
    return port;
  };
  const candidates = (query: URLSearchParams): Iterable<FloatingIpRecord> => {
    const portIds = query.getAll('port_id').filter(Boolean);
    if (portIds.length === 0) return state.floatingIps.values();
    return portIds.flatMap((portId) => state.floatingIpOfPort(portId) ?? []);
  };
  router
    .add('GET', '/floatingips', {
      action: 'neutron.floatingips.list',
      kind: 'read',
      handle: (context) => neutronList(collection, candidates(context.query), context.query, `${networkUrl()}/floatingips`, env.knobs().maxPageSize),
    })
    .add('GET', '/floatingips/:id', {
      action: 'neutron.floatingips.get',
      kind: 'read',
      handle: (context) => neutronShow('floatingip', view(find(context)), context.query),
    })
    .add('POST', '/floatingips', {
      action: 'neutron.floatingips.create',
      kind: 'write',
      isCreate: true,
      handle: (context) => {
        const request = requireMember(readJson(context.request), 'floatingip');
        const networkId = stringField(request, 'floating_network_id');
        if (!networkId) {
          throw new ApiError(400, "Failed to parse request. Required attribute 'floating_network_id' not specified", 'HTTPBadRequest');
        }
        // As Zed's Neutron: tags are set through the tag API after the create, never in its body.
        if ('tags' in request) throw new ApiError(400, "Attribute 'tags' not allowed in POST", 'HTTPBadRequest');
        const port = portFor(request.port_id);
        const floatingIp = state.createFloatingIp({ networkId, description: boundedString(request, 'description') ?? '', tags: [] });
        if (port) state.associateFloatingIp(floatingIp, port);
        return json(201, { floatingip: view(floatingIp) });
      },
      onNoCapacity: (context) => {
        const request = requireMember(readJson(context.request), 'floatingip');
        throw addressesExhausted(String(request.floating_network_id));
      },
    })
    .add('PUT', '/floatingips/:id', {
      action: 'neutron.floatingips.update',
      kind: 'write',
      handle: (context) => {
        const request = requireMember(readJson(context.request), 'floatingip');
        const floatingIp = find(context);
        if ('port_id' in request) state.associateFloatingIp(floatingIp, portFor(request.port_id));
        const description = boundedString(request, 'description');
        if (description !== undefined) floatingIp.description = description;
        return json(200, { floatingip: view(floatingIp) });
      },
    })
    .add('DELETE', '/floatingips/:id', {
      action: 'neutron.floatingips.delete',
      kind: 'write',
      handle: (context) => {
        state.deleteFloatingIp(find(context));
        return { status: 204 };
      },
    });
  addNeutronTagRoutes(router, 'floatingips', 'Floating IP', (id) => state.floatingIps.get(id));
}
