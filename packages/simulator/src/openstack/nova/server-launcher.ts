import type { FlavorSpec, PortRecord, ServerRecord, VolumeRecord } from '../model.js';
import { COMPUTE_PORT_OWNER, type OpenStackState } from '../openstack-state.js';
import { newUuid } from '../wire.js';

/** Where one server NIC goes: a new port on a network, or a port the client made. */
export type NicRequest = { networkId: string } | { port: PortRecord };

/** The root disk of a server booted from a volume. */
export type BootVolume =
  | { kind: 'new'; sizeGb: number; imageId: string | null; deleteOnTermination: boolean }
  | { kind: 'existing'; volume: VolumeRecord; deleteOnTermination: boolean };

/** Everything a validated create request (or a seed) decided about a new server. */
export interface LaunchSpec {
  name: string;
  flavor: FlavorSpec;
  /** Empty when booting from a volume. */
  imageId: string;
  nics: NicRequest[];
  keyName: string | null;
  availabilityZone: string;
  metadata: Record<string, string>;
  tags: string[];
  userData: string | null;
  description: string | null;
  bootVolume?: BootVolume;
  /** The build fails: the server goes to ERROR with this fault, with no ports or volumes. */
  fault?: { code: number; message: string };
  createdAt: number;
  readyAt: number;
  stopped?: boolean;
}

/**
 * Records a server as Nova would after accepting it: a port on each requested network
 * (`device_id` = the server, owner `compute:nova`), the boot volume made or attached, and the
 * server BUILD until `readyAt`. A failed build gets only its fault, as a NoValidHost server does.
 */
export function launchServer(state: OpenStackState, spec: LaunchSpec): ServerRecord {
  const server: ServerRecord = {
    id: newUuid(),
    name: spec.name,
    projectId: state.projectId,
    userId: state.userId,
    flavor: spec.flavor,
    imageId: spec.imageId,
    keyName: spec.keyName,
    availabilityZone: spec.availabilityZone,
    metadata: { ...spec.metadata },
    tags: [],
    description: spec.description,
    userData: spec.userData,
    sequence: state.nextSequence(),
    createdAt: spec.createdAt,
    readyAt: spec.readyAt,
    updatedAt: spec.createdAt,
    stopped: spec.stopped ?? false,
    ports: [],
    volumes: [],
  };
  if (spec.fault) {
    server.fault = { ...spec.fault, createdAt: spec.createdAt };
  } else {
    for (const nic of spec.nics) {
      if ('port' in nic) {
        state.ports.bind(nic.port, server.id, COMPUTE_PORT_OWNER);
        server.ports.push({ portId: nic.port.id, preexisting: true });
      } else {
        const port = state.createPort({ networkId: nic.networkId, deviceId: server.id, deviceOwner: COMPUTE_PORT_OWNER });
        server.ports.push({ portId: port.id, preexisting: false });
      }
    }
    if (spec.bootVolume) server.volumes.push(attachBootVolume(state, server, spec.bootVolume));
  }
  state.servers.add(server);
  state.servers.setTags(server, spec.tags);
  if (!spec.fault) state.ssh?.boot(server.id, server.readyAt, () => state.serverAddresses(server));
  return server;
}

function attachBootVolume(state: OpenStackState, server: ServerRecord, boot: BootVolume): { volumeId: string; deleteOnTermination: boolean } {
  const volume =
    boot.kind === 'existing'
      ? boot.volume
      : state.createVolume({
          sizeGb: boot.sizeGb,
          imageId: boot.imageId,
          availabilityZone: server.availabilityZone,
          readyAt: server.readyAt,
          createdAt: server.createdAt,
        });
  volume.attachedTo = server.id;
  return { volumeId: volume.id, deleteOnTermination: boot.deleteOnTermination };
}
