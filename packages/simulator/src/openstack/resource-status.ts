import type { FloatingIpRecord, PortRecord, PortStatus, ServerRecord, VolumeRecord, VolumeStatus } from './model.js';
import type { ServerStore } from './nova/server-store.js';

/** A server's status as Nova shows it, from `vm_state` and `task_state`. */
export interface ServerState {
  status: 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'ERROR';
  vmState: 'building' | 'active' | 'stopped' | 'error';
  taskState: 'spawning' | 'deleting' | null;
  /** 0 NOSTATE, 1 RUNNING, 4 SHUTDOWN. */
  powerState: 0 | 1 | 4;
}

/**
 * Derives a server's state at `now`: ERROR if its build failed, BUILD until `readyAt`, then
 * ACTIVE (or SHUTOFF). While being deleted it keeps its status with task_state `deleting`, as Nova shows it.
 */
export function serverState(server: ServerRecord, now: number): ServerState {
  const deleting = server.deleteRequestedAt !== undefined;
  if (server.fault) return { status: 'ERROR', vmState: 'error', taskState: deleting ? 'deleting' : null, powerState: 0 };
  if (now < server.readyAt) return { status: 'BUILD', vmState: 'building', taskState: deleting ? 'deleting' : 'spawning', powerState: 0 };
  if (server.stopped) return { status: 'SHUTOFF', vmState: 'stopped', taskState: deleting ? 'deleting' : null, powerState: 4 };
  return { status: 'ACTIVE', vmState: 'active', taskState: deleting ? 'deleting' : null, powerState: 1 };
}

/**
 * A port is ACTIVE when the server it is bound to runs, or when a network service owns it;
 * DOWN while unbound or while its server builds, stops or failed.
 */
export function portStatus(port: PortRecord, servers: ServerStore, now: number): PortStatus {
  if (port.status) return port.status;
  if (!port.deviceId) return 'DOWN';
  if (!port.deviceOwner.startsWith('compute:')) return 'ACTIVE';
  const server = servers.get(port.deviceId);
  return server && serverState(server, now).status === 'ACTIVE' ? 'ACTIVE' : 'DOWN';
}

/** `creating` until ready, then `available` or `in-use`; `deleting` once asked; `error` if no backend took it. */
export function volumeStatus(volume: VolumeRecord, now: number): VolumeStatus {
  if (volume.deleteRequestedAt !== undefined) return 'deleting';
  if (volume.failed) return 'error';
  if (volume.status) return volume.status;
  if (now < volume.readyAt) return 'creating';
  return volume.attachedTo ? 'in-use' : 'available';
}

/** A floating IP is ACTIVE while associated with a port, DOWN otherwise. */
export function floatingIpStatus(floatingIp: FloatingIpRecord): 'ACTIVE' | 'DOWN' {
  return floatingIp.portId ? 'ACTIVE' : 'DOWN';
}
