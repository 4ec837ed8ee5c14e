import PQueue from 'p-queue';
import { isCloudError, type CloudError } from '../errors/cloud-error.js';
import { budgetsFromOptions, type ApiCallKind, type ApiQueueOptions } from './api-queue-options.js';
import { ApiQueueStoppedError } from './api-queue-stopped-error.js';
import { CallStats, type ActionStats, type CallOutcome } from './call-stats.js';
import { systemClock, type TimerClock as Clock } from '../time/clock.js';
import type { RateBudget } from './rate-budget.js';
import { WaitingLine } from './waiting-line.js';

/** One cloud API call as the queue sees it. */
export interface ApiCall {
  /** The cloud API action, e.g. `RunInstances`; the key of the per-action stats. */
  action: string;
  /** Which budget the call spends a token of. */
  kind: ApiCallKind;
  /** Among waiting calls, higher priority is dispatched first; equal priorities in arrival order. Default 0. */
  priority?: number;
  /**
   * Aborting it withdraws a waiting call (`run` rejects with the abort reason, `fn` is never
   * called). Once the call runs, it is the signal handed to `fn`, which decides how to stop.
   */
  signal?: AbortSignal;
}

/** Reported to `onCall` listeners when a call has finished. */
export interface ApiCallEvent {
  queue: string;
  action: string;
  kind: ApiCallKind;
  outcome: CallOutcome;
  /** Time from `run` to dispatch: waiting for a token, a concurrency slot, or the end of a pause. */
  waitedMs: number;
  /** Time `fn` took. */
  durationMs: number;
}

export interface ApiQueueStats {
  name: string;
  /** Counters of finished calls, by action. */
  actions: Record<string, ActionStats>;
  /** The rate each call kind's budget refills at now, in requests per second (lowered after throttles when adaptive). */
  effectiveRatePerSecond: Record<ApiCallKind, number>;
  /** Calls waiting for dispatch. */
  waiting: number;
  /** Calls running. */
  inFlight: number;
  /** Whether `pause()` is in effect. */
  paused: boolean;
  /** When a throttle pause ends, on the queue's clock; undefined when no throttle pause is in effect. */
  pausedUntil: number | undefined;
  stopped: boolean;
}

interface Waiter {
  readonly call: ApiCall;
  readonly priority: number;
  readonly enqueuedAt: number;
  /** Runs the call; it has left the line and holds a token. */
  start(): void;
  /** Rejects the call without running it; it has left the line. */
  withdraw(reason: unknown): void;
}

/**
 * The gate every cloud call of one provider goes through. A call is dispatched when
 * - the queue is not paused (by `pause()`, or by a throttle until its retry-after elapses),
 * - a token is available in its kind's budget (token buckets refilled continuously), and
 * - fewer than `concurrency` calls are in flight;
 * waiting calls are dispatched by priority, then arrival, skipping calls whose budget is empty
 * so that a burst of writes never holds up reads that have tokens.
 *
 * When a call throws a `CloudError` of kind `throttled`, all dispatch pauses for its
 * `retryAfterMs` (or `throttlePauseMs`), an adaptive budget lowers its rate, and the error
 * reaches the caller unchanged: whether to retry is the caller's decision.
 *
 * p-queue runs the dispatched calls and counts those in flight. The queue hands it a call only
 * when a slot is free, so p-queue's own line stays empty: a call spends its token when it
 * starts, not while it waits for a slot, and the choice of the next call is made here because
 * p-queue has one ordered line (a write waiting for a write token at its head would hold up
 * reads) and a fixed-window interval cap on the wall clock instead of a token bucket.
 */
export class ApiQueue {
  readonly name: string;
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #throttlePauseMs: number;
  readonly #throttleRetries: number;
  readonly #budgets: Record<ApiCallKind, RateBudget>;
  readonly #executor: PQueue;
  readonly #line = new WaitingLine<Waiter>();
  readonly #stats = new CallStats();
  readonly #callListeners = new Set<(event: ApiCallEvent) => void>();
  readonly #idleWaiters: Array<() => void> = [];
  #paused = false;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #stopped = false;
  #wakeTimer: unknown = undefined;

  constructor(options: ApiQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${String(options.concurrency)}`);
    }
    const throttlePauseMs = options.throttlePauseMs ?? 1000;
    if (!Number.isFinite(throttlePauseMs) || throttlePauseMs < 0) {
      throw new RangeError(`throttlePauseMs must be a finite number of at least 0, got ${String(throttlePauseMs)}`);
    }
    this.name = options.name;
    this.#clock = options.clock ?? systemClock;
    this.#concurrency = options.concurrency;
    this.#throttlePauseMs = throttlePauseMs;
    this.#throttleRetries = options.throttleRetries ?? 0;
    this.#budgets = budgetsFromOptions(options, this.#clock.now());
    this.#executor = new PQueue({ concurrency: options.concurrency });
    this.#executor.addEventListener('next', () => {
      this.#dispatch();
      this.#resolveIdleWaiters();
    });
  }

  /**
   * Waits until `call` may be sent (see the class comment), then returns what `fn` returns;
   * when it may go at once, `fn` is called before `run` returns. Errors of `fn` are re-thrown
   * unchanged. Rejects with {@link ApiQueueStoppedError} once the queue is stopped, and with
   * the abort reason when `call.signal` aborts while the call waits.
   */
  run<T>(call: ApiCall, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const priority = call.priority ?? 0;
    if (!Number.isFinite(priority)) return Promise.reject(new RangeError(`priority must be finite, got ${priority}`));
    if (this.#stopped) return Promise.reject(new ApiQueueStoppedError(this.name, call.action));
    const signal = call.signal ?? new AbortController().signal;
    if (signal.aborted) return Promise.reject(signal.reason);

    return new Promise<T>((resolve, reject) => {
      let throttles = 0;
      const retryOrReject = (error: unknown) => {
        if (isCloudError(error, 'throttled') && throttles < this.#throttleRetries && !signal.aborted && !this.#stopped) {
          throttles += 1;
          signal.addEventListener('abort', onAbort, { once: true });
          this.#line.add(waiter);
          this.#dispatch();
          return;
        }
        reject(error);
      };
      const onAbort = () => {
        if (this.#line.remove(waiter)) {
          waiter.withdraw(signal.reason);
          this.#dispatch();
          this.#resolveIdleWaiters();
        }
      };
      const waiter: Waiter = {
        call,
        priority,
        enqueuedAt: this.#clock.now(),
        start: () => {
          signal.removeEventListener('abort', onAbort);
          this.#execute(waiter, () => fn(signal)).then(resolve, retryOrReject);
        },
        withdraw: (reason) => {
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#line.add(waiter);
      this.#dispatch();
    });
  }

  /** Holds all dispatch until `resume()`; calls in flight continue. */
  pause(): void {
    this.#paused = true;
    this.#cancelWakeTimer();
  }

  /** Ends a `pause()`. A throttle pause still in effect is not shortened. */
  resume(): void {
    this.#paused = false;
    this.#dispatch();
  }

  /** Resolves once no call is waiting or in flight (it never resolves while paused with calls waiting). */
  onIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Rejects every waiting call, and every later `run`, with {@link ApiQueueStoppedError}. Calls
   * in flight finish normally; the returned promise resolves when they have.
   */
  stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.#cancelWakeTimer();
      for (const waiter of this.#line.removeAll()) {
        waiter.withdraw(new ApiQueueStoppedError(this.name, waiter.call.action));
      }
    }
    return this.onIdle();
  }

  /** Subscribes to finished calls, e.g. for metrics; returns the unsubscribe function. */
  onCall(listener: (event: ApiCallEvent) => void): () => void {
    this.#callListeners.add(listener);
    return () => this.#callListeners.delete(listener);
  }

  stats(): ApiQueueStats {
    const now = this.#clock.now();
    return {
      name: this.name,
      actions: this.#stats.snapshot(),
      effectiveRatePerSecond: {
        read: this.#budgets.read.ratePerSecond(now),
        write: this.#budgets.write.ratePerSecond(now),
      },
      waiting: this.#line.size,
      inFlight: this.#executor.pending,
      paused: this.#paused,
      pausedUntil: this.#pausedUntil > now ? this.#pausedUntil : undefined,
      stopped: this.#stopped,
    };
  }

  /** Dispatches every call that may go now, and sets a timer for when the next one may. */
  #dispatch(): void {
    this.#cancelWakeTimer();
    if (this.#stopped || this.#paused || this.#line.size === 0) return;
    const now = this.#clock.now();
    if (now < this.#pausedUntil) {
      this.#wakeAt(this.#pausedUntil, now);
      return;
    }
    while (this.#executor.pending < this.#concurrency) {
      const next = this.#line.find((waiter) => this.#budgets[waiter.call.kind].hasToken(now));
      if (!next) break;
      this.#line.remove(next);
      this.#budgets[next.call.kind].take(now);
      next.start();
    }
    // A full concurrency cap is lifted by a call finishing, which dispatches again; only tokens need a timer.
    if (this.#line.size > 0 && this.#executor.pending < this.#concurrency) {
      this.#wakeAt(now + this.#msUntilWaitingCallHasToken(now), now);
    }
  }

  #msUntilWaitingCallHasToken(now: number): number {
    const kinds = (['read', 'write'] as const).filter((kind) => this.#line.some((waiter) => waiter.call.kind === kind));
    return Math.min(...kinds.map((kind) => this.#budgets[kind].msUntilToken(now)));
  }

  #execute<T>(waiter: Waiter, invoke: () => Promise<T>): Promise<T> {
    const { call } = waiter;
    return this.#executor.add(async () => {
      const startedAt = this.#clock.now();
      let outcome: CallOutcome = 'success';
      try {
        return await invoke();
      } catch (error) {
        outcome = outcomeOf(error);
        if (isCloudError(error, 'throttled')) this.#onThrottled(error, call.kind, startedAt);
        throw error;
      } finally {
        this.#stats.record(call.action, outcome);
        this.#emitCall({
          queue: this.name,
          action: call.action,
          kind: call.kind,
          outcome,
          waitedMs: startedAt - waiter.enqueuedAt,
          durationMs: this.#clock.now() - startedAt,
        });
      }
    });
  }

  #onThrottled(error: CloudError, kind: ApiCallKind, sentAt: number): void {
    const now = this.#clock.now();
    this.#pausedUntil = Math.max(this.#pausedUntil, now + (error.retryAfterMs ?? this.#throttlePauseMs));
    this.#budgets[kind].throttled(now, sentAt);
  }

  #emitCall(event: ApiCallEvent): void {
    for (const listener of this.#callListeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken metrics hook must not change the outcome of the cloud call.
        process.emitWarning(`API queue "${this.name}": onCall listener threw: ${String(error)}`);
      }
    }
  }

  #wakeAt(at: number, now: number): void {
    this.#cancelWakeTimer();
    this.#wakeTimer = this.#clock.setTimeout(
      () => {
        this.#wakeTimer = undefined;
        this.#dispatch();
      },
      Math.max(0, Math.ceil(at - now)),
    );
  }

  #cancelWakeTimer(): void {
    if (this.#wakeTimer === undefined) return;
    this.#clock.clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
  }

  #isIdle(): boolean {
    return this.#line.size === 0 && this.#executor.pending === 0;
  }

  #resolveIdleWaiters(): void {
    if (!this.#isIdle()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}

function outcomeOf(error: unknown): CallOutcome {
  return isCloudError(error) ? error.kind : 'unclassified';
}
