/** Now, in epoch milliseconds. Injected wherever time decides behaviour, so tests never sleep. */
export interface Clock {
  now(): number;
}

/** A clock that can also wake its owner up later (the rate limiter's waits). */
export interface TimerClock extends Clock {
  /** Calls `callback` once, `ms` from now; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer; a handle that already fired is ignored. */
  clearTimeout(handle: unknown): void;
}

/** Node fires a timer longer than this at once; longer waits wake up early and re-arm. */
const LONGEST_NODE_TIMER_MS = 2 ** 31 - 1;

/** Wall-clock time and Node's timers. */
export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.min(ms, LONGEST_NODE_TIMER_MS)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Lets every pending promise callback run (a macrotask runs only once the microtask queue is empty). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface ManualTimer {
  at: number;
  callback: () => void;
}

/** A clock whose time moves only when a test says so; its timers fire as time passes them. */
export class ManualClock implements TimerClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, ManualTimer>();

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers synchronously in time order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let due = this.nextDue(target); due; due = this.nextDue(target)) this.fire(due);
    this.current = target;
  }

  /** Moves time forward, firing due timers in order and letting promise callbacks run after each. */
  async advanceSettling(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (let due = this.nextDue(target); due; due = this.nextDue(target)) {
      this.fire(due);
      await settle();
    }
    this.current = target;
    await settle();
  }

  /** Advances (settling) to the absolute time `at`. */
  advanceTo(at: number): Promise<void> {
    return this.advanceSettling(at - this.current);
  }

  private fire(due: { id: number } & ManualTimer): void {
    this.timers.delete(due.id);
    this.current = due.at;
    due.callback();
  }

  private nextDue(limit: number): ({ id: number } & ManualTimer) | undefined {
    let next: ({ id: number } & ManualTimer) | undefined;
    for (const [id, timer] of this.timers) {
      if (timer.at <= limit && (!next || timer.at < next.at)) next = { id, ...timer };
    }
    return next;
  }
}
