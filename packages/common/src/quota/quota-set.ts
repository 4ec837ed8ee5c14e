/**
 * An amount of quota: `cores`, `instances`, `ram` (MiB), `volumes`, `volume-gb`, or any other
 * key (`max-resources` is free-form). As a node's `resources` it is what the node uses; as a
 * limit it is what may be used. A key absent from a limit is unlimited.
 */
export type QuotaValues = Readonly<Record<string, number>>;

export class QuotaSet {
  private constructor(private readonly values: Record<string, number>) {}

  static of(values: Record<string, number | undefined> = {}): QuotaSet {
    const clean: Record<string, number> = {};
    for (const [key, value] of Object.entries(values)) if (value !== undefined) clean[key] = value;
    return new QuotaSet(clean);
  }

  static empty(): QuotaSet {
    return new QuotaSet({});
  }

  get(key: string): number | undefined {
    return this.values[key];
  }

  keys(): string[] {
    return Object.keys(this.values);
  }

  /** Key-wise sum; a key present on one side only keeps its value. */
  add(other: QuotaSet): QuotaSet {
    const sum = { ...this.values };
    for (const [key, value] of Object.entries(other.values)) sum[key] = (sum[key] ?? 0) + value;
    return new QuotaSet(sum);
  }

  /** Key-wise difference over this set's keys (a limit minus usage stays a limit: absent keys stay unlimited). */
  subtract(other: QuotaSet): QuotaSet {
    const difference = { ...this.values };
    for (const key of Object.keys(difference)) difference[key] = difference[key]! - (other.values[key] ?? 0);
    return new QuotaSet(difference);
  }

  times(factor: number): QuotaSet {
    const product: Record<string, number> = {};
    for (const [key, value] of Object.entries(this.values)) product[key] = value * factor;
    return new QuotaSet(product);
  }

  /** Read as a limit: the key-wise minimum of two limits (unlimited where both are absent). */
  intersect(other: QuotaSet): QuotaSet {
    const min = { ...other.values };
    for (const [key, value] of Object.entries(this.values)) min[key] = Math.min(value, other.values[key] ?? Infinity);
    return new QuotaSet(min);
  }

  /** Read as a limit: whether `need` fits, i.e. no key of this limit goes below zero after it. */
  fits(need: QuotaSet): boolean {
    return this.exceeded(need).length === 0;
  }

  /** Read as a limit: the keys that `need` would exceed. */
  exceeded(need: QuotaSet): string[] {
    return Object.keys(this.values).filter((key) => (need.values[key] ?? 0) > this.values[key]!);
  }

  toJSON(): Record<string, number> {
    return { ...this.values };
  }
}
