/** A hold on one shared value; `release()` gives it back (idempotent). */
export interface Lease<T> {
  readonly value: T;
  release(): void;
}

/**
 * Values shared per key by whoever holds a lease on them: the first `acquire` of a key makes the
 * value, later ones share it, and the last `release` forgets it and hands it to `dispose`. The
 * one implementation of every driver's client registry (one long-lived client set per account
 * and region, given back when the last provider using it stops).
 */
export class SharedByLease<T> {
  private readonly entries = new Map<string, { value: T; leases: number }>();

  constructor(private readonly dispose: (value: T) => void = () => undefined) {}

  acquire(key: string, create: () => T): Lease<T> {
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { value: create(), leases: 0 }));
    entry.leases += 1;
    const held = entry;
    let released = false;
    return {
      value: held.value,
      release: () => {
        if (released) return;
        released = true;
        held.leases -= 1;
        if (held.leases > 0 || this.entries.get(key) !== held) return;
        this.entries.delete(key);
        this.dispose(held.value);
      },
    };
  }

  /** Values held now (one per key with a lease). */
  get size(): number {
    return this.entries.size;
  }
}
