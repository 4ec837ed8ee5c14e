import type { CompiledFilters } from './filters.js';
import { TagIndex } from './tag-index.js';

/** What every stored EC2 resource has: its id, its place in creation order, and its tags. */
export interface StoredResource {
  readonly id: string;
  /** Creation order, given by the store; pages follow it, so paging is stable. */
  seq: number;
  readonly tags: Map<string, string>;
}

/** One page of a Describe call. */
export interface Page<T> {
  items: T[];
  /** The `seq` to continue after, when more may follow. */
  continueAfter: number | undefined;
}

export interface PageQuery<T> {
  filters: CompiledFilters<T>;
  /** Only these resources (e.g. `InstanceId.N`), already known to exist. */
  only?: readonly T[];
  /** Start after this `seq` (from a NextToken); 0 for the first page. */
  after: number;
  limit: number;
}

/**
 * The resources of one type, in creation order, with a tag index kept in step with their
 * tags. Pages are read from the index when tag filters are given, never by a full scan.
 */
export class ResourceStore<T extends StoredResource> {
  private readonly records = new Map<string, T>();
  private readonly tagIndex = new TagIndex();
  private lastSeq = 0;

  get size(): number {
    return this.records.size;
  }

  get(id: string): T | undefined {
    return this.records.get(id);
  }

  values(): IterableIterator<T> {
    return this.records.values();
  }

  /** Stores a new resource (its tags included in the index) at the end of the creation order. */
  add(resource: T): T {
    resource.seq = ++this.lastSeq;
    this.records.set(resource.id, resource);
    for (const [key, value] of resource.tags) this.tagIndex.add(resource.id, key, value);
    return resource;
  }

  delete(id: string): void {
    const resource = this.records.get(id);
    if (!resource) return;
    for (const [key, value] of resource.tags) this.tagIndex.remove(id, key, value);
    this.records.delete(id);
  }

  /** Sets (adds or overwrites) one tag of a stored resource. */
  setTag(resource: T, key: string, value: string): void {
    const previous = resource.tags.get(key);
    if (previous !== undefined) this.tagIndex.remove(resource.id, key, previous);
    resource.tags.set(key, value);
    this.tagIndex.add(resource.id, key, value);
  }

  /** One page of the resources passing the filters, in creation order. */
  page(query: PageQuery<T>): Page<T> {
    const items: T[] = [];
    for (const resource of this.candidates(query)) {
      if (resource.seq <= query.after || !query.filters.test(resource)) continue;
      if (items.length === query.limit) return { items, continueAfter: items[items.length - 1]?.seq };
      items.push(resource);
    }
    return { items, continueAfter: undefined };
  }

  /** Every resource passing the filters, in creation order (for calls that do not page). */
  all(filters: CompiledFilters<T>, only?: readonly T[]): T[] {
    return this.page({ filters, only, after: 0, limit: Number.POSITIVE_INFINITY }).items;
  }

  /**
   * The resources that may pass, in creation order: the intersection of the tag filters'
   * candidate sets (and `only`), or every resource when neither narrows.
   */
  private candidates(query: PageQuery<T>): Iterable<T> {
    const groups = query.filters.tagCandidates(this.tagIndex);
    if (query.only) groups.push([new Set(query.only.map((resource) => resource.id))]);
    if (groups.length === 0) return this.records.values();
    const sized = groups.map((sets) => ({ sets, size: sets.reduce((total, set) => total + set.size, 0) }));
    sized.sort((a, b) => a.size - b.size);
    const [smallest, ...others] = sized;
    const result: T[] = [];
    // The sets of one group may overlap (e.g. `tag-key` with two keys): take each id once.
    const seen = smallest && smallest.sets.length > 1 ? new Set<string>() : undefined;
    for (const set of smallest?.sets ?? []) {
      for (const id of set) {
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        if (!others.every(({ sets }) => sets.some((other) => other.has(id)))) continue;
        const resource = this.records.get(id);
        if (resource) result.push(resource);
      }
    }
    result.sort((a, b) => a.seq - b.seq);
    return result;
  }
}
