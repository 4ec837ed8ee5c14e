import type { ArmResourceType, Resource, ResourceGroup } from './resource-model.js';

/** A deletion that completes at `until`: of a resource (by key) or of a whole resource group. */
interface PendingDeletion {
  until: number;
  key: string;
  isGroup: boolean;
}

/**
 * Every resource the simulator holds, with the indexes list calls need so that none is a full
 * scan: by type, by resource group and type, and by tag (name case-insensitive, value as is).
 * Maps keep insertion order, so lists come out in creation order. Deletions requested but not
 * yet complete wait in a queue ordered by completion time.
 */
export class ResourceStore {
  private readonly byKey = new Map<string, Resource>();
  private readonly byType = new Map<ArmResourceType, Map<string, Resource>>();
  private readonly byGroupAndType = new Map<string, Map<string, Resource>>();
  private readonly byTag = new Map<string, Map<string, Set<string>>>();
  private readonly groups = new Map<string, ResourceGroup>();
  private pending: PendingDeletion[] = [];

  get(key: string): Resource | undefined {
    return this.byKey.get(key);
  }

  /** The resource with this id if it exists and has this type. */
  find<T extends Resource['type']>(id: string, type: T): Extract<Resource, { type: T }> | undefined {
    const resource = this.byKey.get(id.toLowerCase());
    return resource?.type === type ? (resource as Extract<Resource, { type: T }>) : undefined;
  }

  add(resource: Resource): void {
    this.byKey.set(resource.key, resource);
    bucket(this.byType, resource.type).set(resource.key, resource);
    bucket(this.byGroupAndType, groupTypeKey(resource.resourceGroup, resource.type)).set(resource.key, resource);
    this.indexTags(resource.key, resource.tags);
  }

  /** Replaces the tags of a held resource, keeping the tag index right. */
  setTags(resource: Resource, tags: Record<string, string>): void {
    this.unindexTags(resource.key, resource.tags);
    resource.tags = tags;
    this.indexTags(resource.key, tags);
  }

  remove(resource: Resource): void {
    this.byKey.delete(resource.key);
    this.byType.get(resource.type)?.delete(resource.key);
    this.byGroupAndType.get(groupTypeKey(resource.resourceGroup, resource.type))?.delete(resource.key);
    this.unindexTags(resource.key, resource.tags);
  }

  /** Resources of one type, in one resource group or in the whole subscription. */
  list<T extends ArmResourceType>(type: T, resourceGroup?: string): Iterable<Extract<Resource, { type: T }>> {
    const map = resourceGroup === undefined ? this.byType.get(type) : this.byGroupAndType.get(groupTypeKey(resourceGroup, type));
    return (map?.values() ?? []) as Iterable<Extract<Resource, { type: T }>>;
  }

  /** Keys of resources carrying tag `name` (any value, or exactly `value`). */
  keysWithTag(name: string, value?: string): string[] {
    const byValue = this.byTag.get(name.toLowerCase());
    if (!byValue) return [];
    if (value !== undefined) return [...(byValue.get(value) ?? [])];
    return [...byValue.values()].flatMap((keys) => [...keys]);
  }

  countByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [type, map] of this.byType) if (map.size > 0) counts[type] = map.size;
    return counts;
  }

  group(name: string): ResourceGroup | undefined {
    return this.groups.get(name.toLowerCase());
  }

  groupList(): Iterable<ResourceGroup> {
    return this.groups.values();
  }

  addGroup(group: ResourceGroup): void {
    this.groups.set(group.key, group);
  }

  removeGroup(group: ResourceGroup): void {
    this.groups.delete(group.key);
  }

  /** Queues the completion of a deletion (of a resource, or of a group with `isGroup`). */
  scheduleDeletion(key: string, until: number, isGroup = false): void {
    const entry = { key, until, isGroup };
    let low = 0;
    let high = this.pending.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.pending[middle] as PendingDeletion).until <= until) low = middle + 1;
      else high = middle;
    }
    this.pending.splice(low, 0, entry);
  }

  /** Removes and returns the deletions due at `now`, earliest first. */
  takeDueDeletions(now: number): PendingDeletion[] {
    let due = 0;
    while (due < this.pending.length && (this.pending[due] as PendingDeletion).until <= now) due += 1;
    return due === 0 ? [] : this.pending.splice(0, due);
  }

  clear(): void {
    this.byKey.clear();
    this.byType.clear();
    this.byGroupAndType.clear();
    this.byTag.clear();
    this.groups.clear();
    this.pending = [];
  }

  private indexTags(key: string, tags: Record<string, string>): void {
    for (const [name, value] of Object.entries(tags)) {
      const byValue = bucket(this.byTag, name.toLowerCase());
      let keys = byValue.get(value);
      if (!keys) byValue.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindexTags(key: string, tags: Record<string, string>): void {
    for (const [name, value] of Object.entries(tags)) {
      const byValue = this.byTag.get(name.toLowerCase());
      const keys = byValue?.get(value);
      keys?.delete(key);
      if (keys?.size === 0) byValue?.delete(value);
    }
  }
}

function groupTypeKey(resourceGroup: string, type: string): string {
  return `${resourceGroup.toLowerCase()}|${type}`;
}

/** The inner map under `key`, made on first use. */
function bucket<K, IK, IV>(map: Map<K, Map<IK, IV>>, key: K): Map<IK, IV> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map<IK, IV>()));
  return inner;
}
