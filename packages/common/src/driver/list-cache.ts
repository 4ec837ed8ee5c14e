import type { Clock, TimerClock } from '../time/clock.js';

export interface SharedListCacheOptions {
  /** How long a load is shared (counted from the moment it started). */
  ttlMs: number;
  /** Time of the TTL (default: the wall clock). */
  clock?: Clock;
  /**
   * The least time between the starts of two loads, however often the cache is invalidated
   * (default 0: no gap). Readers after an invalidation wait for the next load, which starts
   * once the gap since the previous one has passed; the waits are timed on `timers`.
   */
  refreshGap?: { ms: number; timers: TimerClock };
}

interface Load<T> {
  promise: Promise<T>;
  /** The invalidation generation when the load started: it shows everything done before. */
  generation: number;
}

/**
 * A briefly cached, shared result of an expensive list call (e.g. every instance of a
 * provider). Callers within `ttlMs` of the last successful load share it; concurrent callers
 * share one in-flight load, so N state machines polling cost one cloud listing. A failed load
 * is never cached: every waiter of that load gets the error, and the next call tries again.
 *
 * After `invalidate()` no reader gets a result whose load started before it; with a
 * `refreshGap`, the loads that serve them are spaced at least that far apart, so a burst of
 * creates or deletes, each invalidating, costs one listing per gap, not one per write.
 */
export class SharedListCache<T> {
  private value: { items: T; loadedAt: number; generation: number } | undefined;
  private inFlight: Load<T> | undefined;
  /** The next load, waiting for the refresh gap; it serves every generation up to its start. */
  private scheduled: Promise<T> | undefined;
  private lastStartedAt = -Infinity;
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly options: SharedListCacheOptions,
  ) {}

  /** The cached value if fresh enough and loaded after the last invalidation, else the result of one shared load. */
  get(): Promise<T> {
    const { value } = this;
    if (value && value.generation === this.generation && this.now() - value.loadedAt < this.options.ttlMs) {
      return Promise.resolve(value.items);
    }
    return this.refresh();
  }

  /** Joins the load started since the last invalidation, or starts one (once the refresh gap has passed), whatever the age of the cached value. */
  private refresh(): Promise<T> {
    if (this.inFlight?.generation === this.generation) return this.inFlight.promise;
    if (this.scheduled) return this.scheduled;
    const gap = this.options.refreshGap;
    const wait = gap ? this.lastStartedAt + gap.ms - gap.timers.now() : 0;
    if (!gap || wait <= 0) return this.start();
    const scheduled = new Promise<T>((resolve, reject) => {
      gap.timers.setTimeout(() => {
        this.scheduled = undefined;
        this.start().then(resolve, reject);
      }, wait);
    });
    this.scheduled = scheduled;
    return scheduled;
  }

  /** Forgets the cached value (e.g. after a create or delete that the next reader must see). */
  invalidate(): void {
    this.generation += 1;
  }

  private start(): Promise<T> {
    const generation = this.generation;
    const startedAt = this.now();
    this.lastStartedAt = this.options.refreshGap?.timers.now() ?? startedAt;
    const promise = this.load().then(
      (items) => {
        if (!this.value || generation >= this.value.generation) this.value = { items, loadedAt: startedAt, generation };
        if (this.inFlight?.promise === promise) this.inFlight = undefined;
        return items;
      },
      (error: unknown) => {
        if (this.inFlight?.promise === promise) this.inFlight = undefined;
        throw error;
      },
    );
    this.inFlight = { promise, generation };
    return promise;
  }

  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }
}
