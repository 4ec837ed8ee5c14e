import type { ServerRecord } from '../model.js';

/** Nova's tag filters (`tags`, `tags-any`, `not-tags`, `not-tags-any`) plus any other test. */
export interface ServerQuery {
  /** Servers with every one of these tags (`tags`). */
  tags?: string[];
  /** Servers with at least one of these tags (`tags-any`). */
  tagsAny?: string[];
  /** Servers without all of these tags together (`not-tags`). */
  notTags?: string[];
  /** Servers with none of these tags (`not-tags-any`). */
  notTagsAny?: string[];
  /** Other filters (name, status, ...), tested after the tag index has narrowed the candidates. */
  matches?: (server: ServerRecord) => boolean;
  /** Start after this server, in list order; it may have been deleted since. */
  marker?: string;
  limit: number;
}

export type ServerPage = { kind: 'page'; servers: ServerRecord[] } | { kind: 'marker-not-found' };

interface SortPosition {
  createdAt: number;
  id: string;
}

/** Nova's default list order: newest first (`created_at` desc, then `id` desc). */
function compareListOrder(a: SortPosition, b: SortPosition): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The live servers, indexed by id and by tag, with the project's usage kept as running
 * totals (instances, cores, RAM) so quota checks and `/limits` never scan.
 * A filtered page starts from the smallest tag set that can hold its matches, so a tag-filtered
 * listing of 10,000 servers does not test every server on every page.
 */
export class ServerStore {
  private readonly byId = new Map<string, ServerRecord>();
  private readonly byTag = new Map<string, Set<ServerRecord>>();
  /** Where deleted servers sat in list order, so that a page marker naming one still works (as in Nova). */
  private readonly departed = new Map<string, SortPosition>();
  private usage = { instances: 0, cores: 0, ramMb: 0 };

  get size(): number {
    return this.byId.size;
  }

  get(id: string): ServerRecord | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<ServerRecord> {
    return this.byId.values();
  }

  /** Instances, cores and RAM held by the servers (ERROR and deleting ones count, as in Nova). */
  get totals(): { instances: number; cores: number; ramMb: number } {
    return { ...this.usage };
  }

  add(server: ServerRecord): void {
    this.byId.set(server.id, server);
    for (const tag of server.tags) this.indexTag(server, tag);
    this.count(server, 1);
  }

  remove(server: ServerRecord): void {
    if (!this.byId.delete(server.id)) return;
    for (const tag of server.tags) this.unindexTag(server, tag);
    this.departed.set(server.id, { createdAt: server.createdAt, id: server.id });
    this.count(server, -1);
  }

  /** Replaces a server's tags (duplicates dropped, order kept). */
  setTags(server: ServerRecord, tags: readonly string[]): void {
    for (const tag of server.tags) this.unindexTag(server, tag);
    server.tags = [...new Set(tags)];
    for (const tag of server.tags) this.indexTag(server, tag);
  }

  addTag(server: ServerRecord, tag: string): void {
    if (server.tags.includes(tag)) return;
    server.tags.push(tag);
    this.indexTag(server, tag);
  }

  removeTag(server: ServerRecord, tag: string): void {
    server.tags = server.tags.filter((existing) => existing !== tag);
    this.unindexTag(server, tag);
  }

  /** One page of servers in Nova's list order. */
  page(query: ServerQuery): ServerPage {
    let after: SortPosition | undefined;
    if (query.marker !== undefined) {
      after = this.byId.get(query.marker) ?? this.departed.get(query.marker);
      if (!after) return { kind: 'marker-not-found' };
    }
    const selected: ServerRecord[] = [];
    for (const server of this.candidates(query)) {
      if (after && compareListOrder(after, server) >= 0) continue;
      if (matchesTags(server, query) && (!query.matches || query.matches(server))) selected.push(server);
    }
    selected.sort(compareListOrder);
    return { kind: 'page', servers: selected.slice(0, query.limit) };
  }

  clear(): void {
    this.byId.clear();
    this.byTag.clear();
    this.departed.clear();
    this.usage = { instances: 0, cores: 0, ramMb: 0 };
  }

  private candidates(query: ServerQuery): Iterable<ServerRecord> {
    if (query.tags?.length) {
      let smallest: Set<ServerRecord> | undefined;
      for (const tag of query.tags) {
        const tagged = this.byTag.get(tag);
        if (!tagged) return [];
        if (!smallest || tagged.size < smallest.size) smallest = tagged;
      }
      return smallest ?? [];
    }
    if (query.tagsAny?.length) {
      const union = new Set<ServerRecord>();
      for (const tag of query.tagsAny) for (const server of this.byTag.get(tag) ?? []) union.add(server);
      return union;
    }
    return this.byId.values();
  }

  private indexTag(server: ServerRecord, tag: string): void {
    let tagged = this.byTag.get(tag);
    if (!tagged) this.byTag.set(tag, (tagged = new Set()));
    tagged.add(server);
  }

  private unindexTag(server: ServerRecord, tag: string): void {
    const tagged = this.byTag.get(tag);
    if (!tagged) return;
    tagged.delete(server);
    if (tagged.size === 0) this.byTag.delete(tag);
  }

  private count(server: ServerRecord, sign: 1 | -1): void {
    this.usage.instances += sign;
    this.usage.cores += sign * server.flavor.vcpus;
    this.usage.ramMb += sign * server.flavor.ramMb;
  }
}

function matchesTags(server: ServerRecord, query: ServerQuery): boolean {
  const has = (tag: string) => server.tags.includes(tag);
  if (query.tags?.length && !query.tags.every(has)) return false;
  if (query.tagsAny?.length && !query.tagsAny.some(has)) return false;
  if (query.notTags?.length && query.notTags.every(has)) return false;
  if (query.notTagsAny?.length && query.notTagsAny.some(has)) return false;
  return true;
}
