import type { ResourceKind } from './resource-kind.js';
import { kindAt } from './resource-kind-registry.js';
import type { Resource } from './resource-model.js';

/** What an ARM path addresses, below `/subscriptions/{subscriptionId}`. */
export type ArmTarget =
  | { target: 'resourceGroups' }
  | { target: 'resourceGroup'; resourceGroup: string }
  | { target: 'genericResources'; resourceGroup?: string }
  | { target: 'collection'; kind: ResourceKind<Resource>; resourceGroup?: string }
  | { target: 'resource'; kind: ResourceKind<Resource>; resourceGroup: string; name: string }
  | { target: 'subnets'; resourceGroup: string; network: string }
  | { target: 'subnet'; resourceGroup: string; network: string; name: string }
  | { target: 'usages'; location: string }
  | { target: 'networkUsages'; location: string }
  | { target: 'vmSizes'; location: string }
  | { target: 'skus' }
  | { target: 'operationStatus'; operationId: string }
  | { target: 'operationResult'; operationId: string };

export interface ArmRoute {
  subscriptionId: string;
  route: ArmTarget;
}

const lower = (segment: string | undefined) => segment?.toLowerCase();

/** Routes below `/subscriptions/{sub}/providers/{provider}/...`. */
function providerRoute(provider: string, rest: string[], monitor: boolean): ArmTarget | undefined {
  const [first, location, leaf, id] = rest;
  if (lower(first) === 'locations' && location && id && rest.length === 4) {
    if (lower(leaf) === 'operations') return monitor ? { target: 'operationResult', operationId: id } : { target: 'operationStatus', operationId: id };
    if (lower(leaf) === 'operationresults') return { target: 'operationResult', operationId: id };
  }
  if (lower(provider) === 'microsoft.network' && lower(first) === 'locations' && location && rest.length === 3 && lower(leaf) === 'usages') {
    return { target: 'networkUsages', location };
  }
  if (lower(provider) === 'microsoft.compute') {
    if (lower(first) === 'skus' && rest.length === 1) return { target: 'skus' };
    if (lower(first) === 'locations' && location && rest.length === 3) {
      if (lower(leaf) === 'usages') return { target: 'usages', location };
      if (lower(leaf) === 'vmsizes') return { target: 'vmSizes', location };
    }
  }
  const kind = first && rest.length === 1 ? kindAt(provider, first) : undefined;
  return kind ? { target: 'collection', kind } : undefined;
}

/** Routes below `/subscriptions/{sub}/resourceGroups/{rg}/...`. */
function resourceGroupRoute(resourceGroup: string, rest: string[]): ArmTarget | undefined {
  if (rest.length === 0) return { target: 'resourceGroup', resourceGroup };
  if (rest.length === 1 && lower(rest[0]) === 'resources') return { target: 'genericResources', resourceGroup };
  const [providers, provider, collection, name, child, childName] = rest;
  if (lower(providers) !== 'providers' || !provider || !collection) return undefined;
  if (lower(provider) === 'microsoft.network' && lower(collection) === 'virtualnetworks' && name && lower(child) === 'subnets') {
    if (rest.length === 5) return { target: 'subnets', resourceGroup, network: name };
    if (rest.length === 6 && childName) return { target: 'subnet', resourceGroup, network: name, name: childName };
  }
  const kind = kindAt(provider, collection);
  if (!kind) return undefined;
  if (rest.length === 3) return { target: 'collection', kind, resourceGroup };
  if (rest.length === 4 && name) return { target: 'resource', kind, resourceGroup, name };
  return undefined;
}

/**
 * Parses an ARM request path (segments matched case-insensitively, as ARM does: Nodepool
 * writes `resourcegroups`, the SDKs `resourceGroups`). Undefined when nothing is served there.
 */
export function parseArmPath(pathname: string, query: URLSearchParams): ArmRoute | undefined {
  const segments = pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
  const [subscriptions, subscriptionId, section, ...rest] = segments;
  if (lower(subscriptions) !== 'subscriptions' || !subscriptionId || !section) return undefined;
  let route: ArmTarget | undefined;
  switch (lower(section)) {
    case 'resourcegroups':
      route = rest.length === 0 ? { target: 'resourceGroups' } : resourceGroupRoute(rest[0] as string, rest.slice(1));
      break;
    case 'resources':
      route = rest.length === 0 ? { target: 'genericResources' } : undefined;
      break;
    case 'providers':
      route = rest[0] ? providerRoute(rest[0], rest.slice(1), query.get('monitor') === 'true') : undefined;
      break;
    case 'operationresults':
      route = rest.length === 1 ? { target: 'operationResult', operationId: rest[0] as string } : undefined;
      break;
  }
  return route ? { subscriptionId, route } : undefined;
}
