import { ArmError } from './errors.js';
import type { ResourceStore } from './resources.js';

/** Microsoft.Network's regional limits the simulator enforces and reports; an absent one is unlimited. */
export interface NetworkQuotas {
  /** `PublicIPAddresses`: every public IP of the region (Basic and Standard). */
  publicIPAddresses?: number;
  /** `StaticPublicIPAddresses`: those with static allocation (every Standard one). */
  staticPublicIPAddresses?: number;
  /** `NetworkInterfaces`: reported only (ARM's refusal code for it is not in the specification's examples). */
  networkInterfaces?: number;
}

/** The limit reported for a quota left unset. */
const UNLIMITED = 2_147_483_647;

interface RegionCounts {
  publicIps: number;
  staticPublicIps: number;
  nics: number;
}

/** What one region holds, counted from the store (resources being deleted still count, as in ARM). */
function countsIn(store: ResourceStore, location: string): RegionCounts {
  const counts = { publicIps: 0, staticPublicIps: 0, nics: 0 };
  for (const address of store.list('Microsoft.Network/publicIPAddresses')) {
    if (address.location !== location) continue;
    counts.publicIps += 1;
    if (address.allocationMethod === 'Static') counts.staticPublicIps += 1;
  }
  for (const nic of store.list('Microsoft.Network/networkInterfaces')) if (nic.location === location) counts.nics += 1;
  return counts;
}

/**
 * The entries of `GET /subscriptions/{sub}/providers/Microsoft.Network/locations/{location}/usages`
 * (operation `Usages_List`): `{ id, name: { value, localizedValue }, currentValue, limit, unit }`.
 */
export function networkUsages(store: ResourceStore, subscriptionId: string, location: string, quotas: NetworkQuotas): Array<Record<string, unknown>> {
  const counts = countsIn(store, location);
  const usage = (value: string, localizedValue: string, currentValue: number, limit: number | undefined) => ({
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Network/locations/${location}/usages/${value}`,
    name: { value, localizedValue },
    currentValue,
    limit: limit ?? UNLIMITED,
    unit: 'Count',
  });
  return [
    usage('PublicIPAddresses', 'Public IP Addresses', counts.publicIps, quotas.publicIPAddresses),
    usage('StaticPublicIPAddresses', 'Static Public IP Addresses', counts.staticPublicIps, quotas.staticPublicIPAddresses),
    usage('NetworkInterfaces', 'Network Interfaces', counts.nics, quotas.networkInterfaces),
  ];
}

/** Refuses one more public IP beyond the region's limits, with ARM's codes and messages (400). */
export function checkRoomForPublicIp(store: ResourceStore, location: string, allocationMethod: 'Static' | 'Dynamic', quotas: NetworkQuotas): void {
  if (quotas.publicIPAddresses === undefined && quotas.staticPublicIPAddresses === undefined) return;
  const counts = countsIn(store, location);
  if (quotas.publicIPAddresses !== undefined && counts.publicIps + 1 > quotas.publicIPAddresses) {
    throw new ArmError(400, 'PublicIPCountLimitReached', `Cannot create more than ${quotas.publicIPAddresses} public IP addresses for this subscription in this region.`);
  }
  if (allocationMethod === 'Static' && quotas.staticPublicIPAddresses !== undefined && counts.staticPublicIps + 1 > quotas.staticPublicIPAddresses) {
    throw new ArmError(400, 'StaticPublicIPCountLimitReached',
      `Cannot create more than ${quotas.staticPublicIPAddresses} public IP addresses with static allocation method for this subscription in this region.`);
  }
}
