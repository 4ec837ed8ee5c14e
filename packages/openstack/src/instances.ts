import { QuotaSet, TAG, type CloudInstance, type InstanceState } from '@cloudpool/common';
import type { NovaFlavor, NovaServer } from './port.js';
import { faultKind } from './error-messages.js';

/** Nova statuses of a server that stopped running and will not start again by itself. */
const STOPPED = new Set(['SHUTOFF', 'STOPPED', 'SUSPENDED', 'PAUSED', 'SHELVED', 'SHELVED_OFFLOADED', 'RESCUE']);

/**
 * A Nova server as the framework sees it. States:
 * - a delete in progress (task_state `deleting`) → `deleting`; `DELETED`/`SOFT_DELETED` → `deleted`;
 * - `ACTIVE` → `ready`;
 * - `ERROR` → `error`, kind from the fault ("No valid host" → capacity, quota → quota, else transient);
 * - stopped (`SHUTOFF`, `SUSPENDED`, `PAUSED`, `SHELVED*`, `RESCUE`) → `error`, transient: a node is
 *   never stopped on purpose, so its launch is retried on a new server rather than waited on;
 * - `BUILD`, statuses on the way back to ACTIVE (`REBOOT`, `REBUILD`, `RESIZE`, `MIGRATING`...),
 *   `UNKNOWN` (a server in a down cell, 2.69) and any other → `building`.
 * Quota comes from the flavor (embedded from 2.47, else `flavorById`).
 */
export function serverToInstance(
  server: NovaServer,
  place: { cloud: string; region: string | undefined },
  flavorById: (id: string) => NovaFlavor | undefined,
): CloudInstance {
  const { region } = place;
  const tags = { ...server.metadata };
  const addresses = serverAddresses(server);
  const createdAt = server.created ? Date.parse(server.created) : Number.NaN;
  const zone = server['OS-EXT-AZ:availability_zone'];
  const { state, error } = serverState(server);
  const quota = serverQuota(server, flavorById);
  return {
    externalId: server.id,
    nodeId: tags[TAG.nodeId],
    state,
    tags,
    ...(Number.isNaN(createdAt) ? {} : { createdAt }),
    ...(error ? { error } : {}),
    ...addresses,
    cloud: place.cloud,
    ...(zone ? { az: zone } : {}),
    ...(region ? { region } : {}),
    ...(server.hostId ? { hostId: server.hostId } : {}),
    ...(quota ? { quota } : {}),
  };
}

function serverState(server: NovaServer): { state: InstanceState; error?: CloudInstance['error'] } {
  const status = server.status.toUpperCase();
  if (status === 'DELETED' || status === 'SOFT_DELETED') return { state: 'deleted' };
  if (server['OS-EXT-STS:task_state'] === 'deleting') return { state: 'deleting' };
  if (status === 'ACTIVE') return { state: 'ready' };
  if (status === 'ERROR') {
    const fault = server.fault?.message ?? 'no fault reported';
    return { state: 'error', error: { kind: faultKind(fault), message: `server ${server.id} is in ERROR: ${fault}` } };
  }
  if (STOPPED.has(status)) {
    return { state: 'error', error: { kind: 'transient', message: `server ${server.id} is ${status}` } };
  }
  return { state: 'building' };
}

/**
 * Addresses from Nova's `addresses`: the first fixed IPv4 is private; a floating IPv4 (or
 * `accessIPv4`) is public; any IPv6 is public, as IPv6 is routed. The interface address is the
 * public IPv4, else the IPv6, else the private IPv4.
 */
function serverAddresses(server: NovaServer): Pick<CloudInstance, 'privateIpv4' | 'publicIpv4' | 'publicIpv6' | 'interfaceIp'> {
  let privateIpv4: string | undefined;
  let publicIpv4: string | undefined = server.accessIPv4 || undefined;
  let publicIpv6: string | undefined = server.accessIPv6 || undefined;
  for (const entries of Object.values(server.addresses ?? {})) {
    for (const address of entries) {
      const floating = address['OS-EXT-IPS:type'] === 'floating';
      if (address.version === 6) publicIpv6 ??= address.addr;
      else if (floating) publicIpv4 ??= address.addr;
      else privateIpv4 ??= address.addr;
    }
  }
  const interfaceIp = publicIpv4 ?? publicIpv6 ?? privateIpv4;
  return {
    ...(privateIpv4 ? { privateIpv4 } : {}),
    ...(publicIpv4 ? { publicIpv4 } : {}),
    ...(publicIpv6 ? { publicIpv6 } : {}),
    ...(interfaceIp ? { interfaceIp } : {}),
  };
}

function serverQuota(server: NovaServer, flavorById: (id: string) => NovaFlavor | undefined): QuotaSet | undefined {
  const embedded = server.flavor;
  const flavor = embedded?.vcpus !== undefined && embedded.ram !== undefined ? embedded : embedded?.id ? flavorById(embedded.id) : undefined;
  return flavor ? flavorQuota(flavor) : undefined;
}

/** What one server of a flavor uses: an instance, its vCPUs as cores, its RAM (MiB). */
export function flavorQuota(flavor: { vcpus?: number; ram?: number }): QuotaSet {
  return QuotaSet.of({ instances: 1, cores: flavor.vcpus, ram: flavor.ram });
}
