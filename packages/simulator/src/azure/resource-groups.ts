import { ArmError, armErrors } from './errors.js';
import type { JsonObject } from './request-fields.js';
import type { ResourceGroup } from './resource-model.js';
import type { ResourceStore } from './resources.js';
import type { ResourceFilter } from './tag-filter.js';

/** A resource group as ARM answers it. */
export function resourceGroupToArm(group: ResourceGroup): JsonObject {
  return {
    id: group.id,
    name: group.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: group.location,
    tags: group.tags,
    ...(group.managedBy ? { managedBy: group.managedBy } : {}),
    properties: { provisioningState: group.deletingUntil === undefined ? 'Succeeded' : 'Deleting' },
  };
}

export function resourceGroupBeingDeleted(group: ResourceGroup): ArmError {
  return new ArmError(409, 'ResourceGroupBeingDeleted', `The resource group '${group.name}' is in deprovisioning state and cannot perform this operation.`);
}

/** The group resources may be put in: it must exist and not be on its way out. */
export function liveResourceGroup(store: ResourceStore, name: string): ResourceGroup {
  const group = store.group(name);
  if (!group) throw armErrors.resourceGroupNotFound(name);
  if (group.deletingUntil !== undefined) throw resourceGroupBeingDeleted(group);
  return group;
}

/** The groups a `$filter` (tagName/tagValue) selects. */
export function filteredResourceGroups(store: ResourceStore, filter: ResourceFilter): ResourceGroup[] {
  const groups = [...store.groupList()];
  const { tagName, tagValue } = filter;
  if (tagName === undefined) return groups;
  const name = tagName.toLowerCase();
  return groups.filter((group) => Object.entries(group.tags).some(([key, value]) => key.toLowerCase() === name && (tagValue === undefined || value === tagValue)));
}
