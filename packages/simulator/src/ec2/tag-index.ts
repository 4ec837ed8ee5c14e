/**
 * Which resources carry which tags: tag key → value → ids, and tag key → ids. Tag filters
 * (`tag:KEY`, `tag-key`) read their candidates here instead of scanning every resource.
 */
export class TagIndex {
  private readonly byKeyAndValue = new Map<string, Map<string, Set<string>>>();
  private readonly byKey = new Map<string, Set<string>>();

  add(id: string, key: string, value: string): void {
    let byValue = this.byKeyAndValue.get(key);
    if (!byValue) this.byKeyAndValue.set(key, (byValue = new Map()));
    let ids = byValue.get(value);
    if (!ids) byValue.set(value, (ids = new Set()));
    ids.add(id);
    let withKey = this.byKey.get(key);
    if (!withKey) this.byKey.set(key, (withKey = new Set()));
    withKey.add(id);
  }

  remove(id: string, key: string, value: string): void {
    const byValue = this.byKeyAndValue.get(key);
    const ids = byValue?.get(value);
    ids?.delete(id);
    if (ids?.size === 0) byValue?.delete(value);
    if (byValue?.size === 0) this.byKeyAndValue.delete(key);
    const withKey = this.byKey.get(key);
    withKey?.delete(id);
    if (withKey?.size === 0) this.byKey.delete(key);
  }

  /** Ids with tag `key` whose value passes `matches`: one set per matching value (read-only views). */
  withTag(key: string, matches: (value: string) => boolean): ReadonlySet<string>[] {
    const byValue = this.byKeyAndValue.get(key);
    if (!byValue) return [];
    const sets: ReadonlySet<string>[] = [];
    for (const [value, ids] of byValue) if (matches(value)) sets.push(ids);
    return sets;
  }

  /** Ids with any tag whose value passes `matches`: one set per matching key and value (read-only views). */
  withValue(matches: (value: string) => boolean): ReadonlySet<string>[] {
    const sets: ReadonlySet<string>[] = [];
    for (const byValue of this.byKeyAndValue.values()) {
      for (const [value, ids] of byValue) if (matches(value)) sets.push(ids);
    }
    return sets;
  }

  /** Ids with any tag whose key passes `matches`: one set per matching key (read-only views). */
  withKey(matches: (key: string) => boolean): ReadonlySet<string>[] {
    const sets: ReadonlySet<string>[] = [];
    for (const [key, ids] of this.byKey) if (matches(key)) sets.push(ids);
    return sets;
  }
}
