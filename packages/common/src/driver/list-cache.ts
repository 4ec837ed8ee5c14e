/**
 * A briefly cached, shared result of an expensive list call (e.g. every instance of a
 * provider). Callers within `ttlMs` of the last successful load share it; concurrent callers
 * share one in-flight load, so N state machines polling cost one cloud listing. A failed load
 * is never cached: every waiter of that load gets the error, and the next call tries again.
 */
export class SharedListCache<T> {
  private value: { items: T; loadedAt: number } | undefined;
  private inFlight: Promise<T> | undefined;
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly options: { ttlMs: number; clock?: { now(): number } },
  ) {}

  /** The cached value if fresh enough, else the result of one shared load. */
  get(): Promise<T> {
    const now = this.now();
    if (this.value && now - this.value.loadedAt < this.options.ttlMs) return Promise.resolve(this.value.items);
    return this.refresh();
  }

  /** Starts (or joins) a load regardless of age. */
  refresh(): Promise<T> {
    if (this.inFlight) return this.inFlight;
    const generation = this.generation;
    const startedAt = this.now();
    const load = this.load().then(
      (items) => {
        if (generation === this.generation) this.value = { items, loadedAt: startedAt };
        this.inFlight = undefined;
        return items;
      },
      (error: unknown) => {
        this.inFlight = undefined;
        throw error;
      },
    );
    this.inFlight = load;
    return load;
  }

  /** Forgets the cached value (e.g. after a create or delete that the next reader must see). */
  invalidate(): void {
    this.value = undefined;
    this.generation += 1;
    this.inFlight = undefined;
  }

  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }
}
