import { createHash } from 'node:crypto';
import type { ApiVersion } from '../microversion.js';
import { bookmarkHref, computeUrl, resourceLinks } from './common.js';
import type { ServerRecord } from '../model.js';
import type { OpenStackState } from '../openstack-state.js';
import { serverState } from '../resource-status.js';
import type { ApiContext, ServiceEnv } from '../service.js';
import { isoMicros, isoSeconds } from '../wire.js';

/** What rendering a server needs besides the server. */
export interface ServerViewEnv {
  state: OpenStackState;
  now: number;
  version: ApiVersion;
  /** The compute endpoint, e.g. `http://127.0.0.1:40123/compute/v2.1`. */
  computeUrl: string;
}

/** The view environment of one API call. */
export function serverViewEnv(env: ServiceEnv, context: ApiContext): ServerViewEnv {
  return { state: env.state, now: env.clock.now(), version: context.version, computeUrl: computeUrl(env) };
}

/** `GET /servers` entries: id, name and links. */
export function serverSummary(server: ServerRecord, env: ServerViewEnv): Record<string, unknown> {
  return { id: server.id, links: resourceLinks(env.computeUrl, 'servers', server.id), name: server.name };
}

/**
 * `GET /servers/detail` entries and `GET /servers/{id}` bodies, with the fields of the
 * negotiated microversion (flavor details from 2.47, tags from 2.26, pinned AZ from 2.96, ...).
 */
export function serverDetail(server: ServerRecord, env: ServerViewEnv, forShow = false): Record<string, unknown> {
  const { version } = env;
  const state = serverState(server, env.now);
  const scheduled = !server.fault;
  const view: Record<string, unknown> = {
    accessIPv4: '',
    accessIPv6: '',
    addresses: addresses(server, env),
    config_drive: '',
    created: isoSeconds(server.createdAt),
    flavor: flavorView(server, env),
    hostId: scheduled ? hostIdOf(server) : '',
    id: server.id,
    image: server.imageId ? { id: server.imageId, links: [{ href: bookmarkHref(env.computeUrl, 'images', server.imageId), rel: 'bookmark' }] } : '',
    key_name: server.keyName,
    links: resourceLinks(env.computeUrl, 'servers', server.id),
    metadata: server.metadata,
    name: server.name,
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': scheduled ? server.availabilityZone : '',
    'OS-EXT-STS:power_state': state.powerState,
    'OS-EXT-STS:task_state': state.taskState,
    'OS-EXT-STS:vm_state': state.vmState,
    'os-extended-volumes:volumes_attached': server.volumes.map((attachment) =>
      version.atLeast('2.3') ? { id: attachment.volumeId, delete_on_termination: attachment.deleteOnTermination } : { id: attachment.volumeId },
    ),
    'OS-SRV-USG:launched_at': state.status === 'BUILD' || !scheduled ? null : isoMicros(server.readyAt),
    'OS-SRV-USG:terminated_at': null,
    progress: 0,
    status: state.status,
    tenant_id: server.projectId,
    updated: isoSeconds(Math.max(server.updatedAt, state.status === 'BUILD' ? server.createdAt : server.readyAt)),
    user_id: server.userId,
  };
  if (scheduled && server.ports.length > 0) view.security_groups = [{ name: 'default' }];
  // Every failed build here failed scheduling (NoValidHost), which leaves the server in cell0, whose
  // servers Nova lists without their fault: only `GET /servers/{id}` shows it (seen on Zed).
  if (server.fault && forShow) view.fault = { code: server.fault.code, created: isoSeconds(server.fault.createdAt), message: server.fault.message };
  if (version.atLeast('2.9')) view.locked = false;
  if (version.atLeast('2.19')) view.description = server.description;
  if (version.atLeast('2.26')) view.tags = server.tags;
  if (version.atLeast('2.63')) view.trusted_image_certificates = null;
  if (version.atLeast('2.71') && forShow) view.server_groups = [];
  if (version.atLeast('2.73')) view.locked_reason = null;
  if (version.atLeast('2.90')) view['OS-EXT-SRV-ATTR:hostname'] = hostnameOf(server.name);
  if (version.atLeast('2.96')) view.pinned_availability_zone = null;
  return view;
}

const hostIds = new WeakMap<ServerRecord, string>();

/** Nova's `hostId`: a hash of the project and the compute host (one of 256 here), computed once per server. */
function hostIdOf(server: ServerRecord): string {
  let hostId = hostIds.get(server);
  if (hostId === undefined) {
    hostId = createHash('sha224').update(`${server.projectId}compute-${server.id.slice(0, 2)}`).digest('hex');
    hostIds.set(server, hostId);
  }
  return hostId;
}

/** Nova's addresses: per network name, each port's fixed address then its floating one. */
function addresses(server: ServerRecord, env: ServerViewEnv): Record<string, unknown[]> {
  const result: Record<string, unknown[]> = {};
  for (const port of env.state.ports.ofDevice(server.id)) {
    const network = env.state.networks.get(port.networkId);
    if (!network) continue;
    const entries = (result[network.name] ??= []);
    for (const fixedIp of port.fixedIps) {
      entries.push({ addr: fixedIp.ipAddress, 'OS-EXT-IPS-MAC:mac_addr': port.macAddress, 'OS-EXT-IPS:type': 'fixed', version: 4 });
    }
    const floatingIp = env.state.floatingIpOfPort(port.id);
    if (floatingIp) {
      entries.push({ addr: floatingIp.floatingIpAddress, 'OS-EXT-IPS-MAC:mac_addr': port.macAddress, 'OS-EXT-IPS:type': 'floating', version: 4 });
    }
  }
  return result;
}

/** Before 2.47 a reference to the flavor; from 2.47 a copy of its sizes. */
function flavorView(server: ServerRecord, env: ServerViewEnv): Record<string, unknown> {
  const { flavor } = server;
  if (!env.version.atLeast('2.47')) {
    return { id: flavor.id, links: [{ href: bookmarkHref(env.computeUrl, 'flavors', flavor.id), rel: 'bookmark' }] };
  }
  return { disk: flavor.diskGb, ephemeral: 0, extra_specs: {}, original_name: flavor.name, ram: flavor.ramMb, swap: 0, vcpus: flavor.vcpus };
}

/** Nova's hostname from a display name: lower case, runs of other characters become `-`. */
function hostnameOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'server';
}
