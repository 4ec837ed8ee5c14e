import { nodeTags, TAG } from '@cloudpool/common';
import { providerServerTag, toNeutronTags } from '@cloudpool/openstack';
import type { AllClouds } from '@cloudpool/simulator';
import type { DemoCloud, DemoClouds } from './demo-clouds.js';

/** A resource the demo planted in a cloud, as leak cleanup will report it (`type`, `id`). */
export interface PlantedResource {
  provider: string;
  /** `leak`: ours and orphaned, cleanup must delete it; `foreign`: another installation's, cleanup must spare it. */
  kind: 'leak' | 'foreign';
  type: string;
  id: string;
  /** Why it is a leak or foreign, for the terminal. */
  reason: string;
}

/** Node ids no ZooKeeper of the demo ever holds (its nodes count up from 0). */
/** The node ids the planted resources name: two the demo's ZooKeeper handed out and deleted (so they are real leaks), and another installation's. */
type NodeIds = { leakedInstance: string; leakedPart: string; foreign: string };

/** The installation id the foreign resources carry: someone else sharing the accounts. */
export const FOREIGN_SYSTEM_ID = 'another-installation';

/** Launched ten minutes ago, where the cloud lets a seed say so: well past any minimum age. */
/**
 * How long ago the planted resources were made: older than the demo's min-age, younger than its
 * ZooKeeper tree (a resource older than the tree is evidence of lost data, and trips the breaker).
 */
const A_MINUTE_MS = 60_000;

/** The tags of a resource made for `nodeId` by this provider, of this installation unless `owner` says otherwise. */
type TagsFor = (nodeId: string, owner?: string) => Record<string, string>;


/** The ids one cloud's seed returned. */
interface Seeded {
  leakedInstance: string;
  /** The sub-resource left by another failed launch. */
  leakedPart: { type: string; id: string };
  foreignInstance: string;
}

/** How each cloud's resources are planted (seeds bypass the API: no call is counted, no quota applies). */
const PLANTERS: Record<DemoCloud['key'], (sims: AllClouds, tags: TagsFor, provider: string, NODE: NodeIds) => Seeded> = {
  ec2: ({ ec2 }, tags, _provider, NODE) => {
    const seeded = ec2.seed({
      instances: [
        { tags: tags(NODE.leakedInstance), instanceType: 't3.small', launchTimeAgoMs: A_MINUTE_MS },
        { tags: tags(NODE.foreign, FOREIGN_SYSTEM_ID), instanceType: 't3.small', launchTimeAgoMs: A_MINUTE_MS },
      ],
      volumes: [{ tags: tags(NODE.leakedPart), size: 8, createTimeAgoMs: A_MINUTE_MS }],
    });
    return { leakedInstance: seeded.instances[0]!, leakedPart: { type: 'volume', id: seeded.volumes[0]! }, foreignInstance: seeded.instances[1]! };
  },
  azure: ({ azure }, tags, _provider, NODE) => {
    const seeded = azure.seed({
      virtualMachines: [
        { name: `np${NODE.leakedInstance}`, vmSize: 'Standard_B1s', tags: tags(NODE.leakedInstance) },
        { name: `np${NODE.foreign}`, vmSize: 'Standard_B1s', tags: tags(NODE.foreign, FOREIGN_SYSTEM_ID) },
      ],
      networkInterfaces: [{ name: `np${NODE.leakedPart}-nic`, tags: tags(NODE.leakedPart) }],
    });
    return {
      leakedInstance: seeded.virtualMachines[0]!,
      leakedPart: { type: 'nic', id: seeded.networkInterfaces[0]! },
      foreignInstance: seeded.virtualMachines[1]!,
    };
  },
  openstack: ({ openstack }, tags, provider, NODE) => {
    // Server metadata holds the tags; the Nova tag lets the provider's listing filter find it.
    const server = (nodeId: string, owner?: string) => ({ name: `np${nodeId}`, metadata: tags(nodeId, owner), tags: [providerServerTag(provider)], ageMs: A_MINUTE_MS });
    const seeded = openstack.seed({
      servers: [server(NODE.leakedInstance), server(NODE.foreign, FOREIGN_SYSTEM_ID)],
      ports: [{ name: `np${NODE.leakedPart}-port`, deviceOwner: 'compute:nova', tags: toNeutronTags(tags(NODE.leakedPart)) }],
    });
    return { leakedInstance: seeded.servers[0]!, leakedPart: { type: 'port', id: seeded.ports[0]! }, foreignInstance: seeded.servers[1]! };
  },
};

/**
 * Plants in every cloud what a crashed launcher leaves behind, tagged with the cloud's provider,
 * this installation's system id and node ids ZooKeeper handed out whose nodes are gone
 * (`goneNodeIds`, the demo's deleted nodes): an instance, and a
 * sub-resource of another failed launch (EC2 volume, Azure NIC, OpenStack port). Also one
 * instance per cloud tagged for the same provider by another installation (another system id).
 */
export function plantLeaks(clouds: DemoClouds, systemId: string, goneNodeIds: readonly [string, string]): PlantedResource[] {
  const NODE: NodeIds = { leakedInstance: goneNodeIds[0], leakedPart: goneNodeIds[1], foreign: '0000990003' };
  return clouds.all.flatMap((cloud) => {
    const tags: TagsFor = (nodeId, owner = systemId) => nodeTags({ nodeId, poolName: cloud.pool, providerName: cloud.provider, systemId: owner });
    const seeded = PLANTERS[cloud.key](clouds.sims, tags, cloud.provider, NODE);
    const leak = (type: string, id: string, nodeId: string): PlantedResource => ({
      provider: cloud.provider,
      kind: 'leak',
      type,
      id,
      reason: `node ${nodeId} is not in ZooKeeper`,
    });
    return [
      leak('instance', seeded.leakedInstance, NODE.leakedInstance),
      leak(seeded.leakedPart.type, seeded.leakedPart.id, NODE.leakedPart),
      { provider: cloud.provider, kind: 'foreign', type: 'instance', id: seeded.foreignInstance, reason: `${TAG.systemId} is ${FOREIGN_SYSTEM_ID}` },
    ];
  });
}
