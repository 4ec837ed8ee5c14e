import type { JsonObject } from './request-fields.js';
import { RESOURCE_TYPES } from './resource-kind-registry.js';
import { provisioningState, type ArmResourceType, type Resource } from './resource-model.js';
import type { ResourceStore } from './resources.js';
import type { ResourceFilter } from './tag-filter.js';

/**
 * The keys a `/resources` list selects, in a resource group or the subscription. A tag filter
 * reads the tag index (cost follows the matches, not the resources held); a type filter reads
 * the type index.
 */
export function genericResourceKeys(store: ResourceStore, filter: ResourceFilter, resourceGroup?: string): string[] {
  const types = filter.resourceType === undefined
    ? RESOURCE_TYPES
    : RESOURCE_TYPES.filter((type) => type.toLowerCase() === filter.resourceType?.toLowerCase());
  if (filter.tagName !== undefined) {
    const wanted = new Set<ArmResourceType>(types);
    const group = resourceGroup?.toLowerCase();
    return store.keysWithTag(filter.tagName, filter.tagValue).filter((key) => {
      const resource = store.get(key);
      return resource && wanted.has(resource.type) && (group === undefined || resource.resourceGroup.toLowerCase() === group);
    });
  }
  return types.flatMap((type) => [...store.list(type, resourceGroup)].map((resource) => resource.key));
}

/** A resource as `/resources` lists it: identity, location and tags, more with `$expand`. */
export function genericResourceToArm(resource: Resource, now: number, expand: string): JsonObject {
  const expanded = expand.toLowerCase();
  return {
    id: resource.id,
    name: resource.name,
    type: resource.type,
    location: resource.location,
    tags: resource.tags,
    ...('sku' in resource ? { sku: resource.sku } : {}),
    ...('zones' in resource && resource.zones ? { zones: resource.zones } : {}),
    ...(resource.type === 'Microsoft.Compute/disks' && resource.managedBy ? { managedBy: resource.managedBy.id } : {}),
    ...(expanded.includes('createdtime') ? { createdTime: new Date(resource.createdAt).toISOString() } : {}),
    ...(expanded.includes('provisioningstate') ? { provisioningState: provisioningState(resource, now) } : {}),
  };
}
