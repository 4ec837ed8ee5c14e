import type { Ec2Account } from './ec2-account.js';
import { Ec2Error } from './errors.js';
import type { ResourceStore, StoredResource } from './resource-store.js';

/** How EC2 names and words the errors of one resource type, and where the account keeps it. */
export interface ResourceKind<T extends StoredResource = StoredResource> {
  idPrefix: string;
  malformedCode: string;
  notFoundCode: string;
  /** EC2's message for ids that do not exist. */
  missingMessage(ids: readonly string[]): string;
  store(account: Ec2Account): ResourceStore<T>;
}

function quoted(noun: string, ids: readonly string[], period = ''): string {
  return ids.length === 1 ? `The ${noun} '${ids[0]}' does not exist${period}` : `The ${noun}s '${ids.join(', ')}' do not exist${period}`;
}

export const RESOURCE_KINDS = {
  instance: {
    idPrefix: 'i-',
    malformedCode: 'InvalidInstanceID.Malformed',
    notFoundCode: 'InvalidInstanceID.NotFound',
    missingMessage: (ids) => quoted('instance ID', ids),
    store: (account) => account.instances,
  },
  volume: {
    idPrefix: 'vol-',
    malformedCode: 'InvalidVolumeID.Malformed',
    notFoundCode: 'InvalidVolume.NotFound',
    missingMessage: (ids) => quoted('volume', ids, '.'),
    store: (account) => account.volumes,
  },
  snapshot: {
    idPrefix: 'snap-',
    malformedCode: 'InvalidSnapshotID.Malformed',
    notFoundCode: 'InvalidSnapshot.NotFound',
    missingMessage: (ids) => quoted('snapshot', ids, '.'),
    store: (account) => account.snapshots,
  },
  image: {
    idPrefix: 'ami-',
    malformedCode: 'InvalidAMIID.Malformed',
    notFoundCode: 'InvalidAMIID.NotFound',
    missingMessage: (ids) => (ids.length === 1 ? `The image id '[${ids[0]}]' does not exist` : `The image ids '[${ids.join(', ')}]' do not exist`),
    store: (account) => account.images,
  },
  networkInterface: {
    idPrefix: 'eni-',
    malformedCode: 'InvalidNetworkInterfaceID.Malformed',
    notFoundCode: 'InvalidNetworkInterfaceID.NotFound',
    missingMessage: (ids) => quoted('networkInterface ID', ids),
    store: (account) => account.networkInterfaces,
  },
  host: {
    idPrefix: 'h-',
    malformedCode: 'InvalidHostID.Malformed',
    notFoundCode: 'InvalidHostID.NotFound',
    missingMessage: (ids) => (ids.length === 1 ? `The specified host ID ${ids[0]} does not exist` : `The specified host IDs ${ids.join(', ')} do not exist`),
    store: (account) => account.hosts,
  },
  address: {
    idPrefix: 'eipalloc-',
    malformedCode: 'InvalidAllocationID.Malformed',
    notFoundCode: 'InvalidAllocationID.NotFound',
    missingMessage: (ids) => quoted('allocation ID', ids),
    store: (account) => account.addresses,
  },
} satisfies Record<string, ResourceKind>;

/** The kind an id names by its prefix (`i-`, `vol-`, …), for calls that take ids of any type. */
export function kindOfId(id: string): ResourceKind | undefined {
  return Object.values(RESOURCE_KINDS).find((kind) => id.startsWith(kind.idPrefix));
}

/**
 * The resources named by `ids`, in that order. A malformed id is EC2's `…Malformed`; ids that
 * do not exist are one `…NotFound` naming them all, as EC2 answers.
 */
export function lookUp<T extends StoredResource>(account: Ec2Account, kind: ResourceKind<T>, ids: readonly string[]): T[] {
  const wellFormed = new RegExp(`^${kind.idPrefix}([0-9a-f]{8}|[0-9a-f]{17})$`);
  const malformed = ids.find((id) => !wellFormed.test(id));
  if (malformed !== undefined) {
    throw new Ec2Error(kind.malformedCode, `Invalid id: "${malformed}" (expecting "${kind.idPrefix}...")`);
  }
  const store = kind.store(account);
  const found: T[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const resource = store.get(id);
    if (resource) found.push(resource);
    else missing.push(id);
  }
  if (missing.length > 0) throw new Ec2Error(kind.notFoundCode, kind.missingMessage(missing));
  return found;
}

/** The one resource `id` names (see `lookUp`). */
export function lookUpOne<T extends StoredResource>(account: Ec2Account, kind: ResourceKind<T>, id: string): T {
  return lookUp(account, kind, [id])[0] as T;
}
