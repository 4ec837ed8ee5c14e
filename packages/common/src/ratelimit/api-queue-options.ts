import type { AdaptiveRateSettings } from './adaptive-rate.js';
import type { TimerClock as Clock } from '../time/clock.js';
import { RateBudget } from './rate-budget.js';
import { assertPositive } from './validation.js';

/** `read` calls only look at cloud state; `write` calls change it (create, delete, tag, ...). */
export type ApiCallKind = 'read' | 'write';

export interface ApiQueueOptions {
  /** The provider name, used in errors and call events. */
  name: string;
  /** Sustained rate of the main budget, in requests per second (see `effectiveRatePerSecond` for Nodepool's `rate`). */
  ratePerSecond: number;
  /** Calls the main budget lets through at once after a quiet period. Default: `max(1, ratePerSecond)`. */
  burst?: number;
  /** Maximum number of calls in flight at once, a positive integer. */
  concurrency: number;
  /**
   * A separate budget for `write` calls; `read` calls then use the main budget alone. Without
   * it, reads and writes share the main budget. `burst` defaults to `max(1, ratePerSecond)`.
   */
  writes?: { ratePerSecond: number; burst?: number };
  /**
   * Lower the rate of a budget when the cloud throttles its calls, and recover over time.
   * `true` uses the defaults: floor a tenth of `ratePerSecond`, decrease factor 0.5, recovery
   * of `ratePerSecond / 30` per second (full speed again within 30 s). The write budget adapts
   * with the same factor, its floor and recovery scaled by `writes.ratePerSecond / ratePerSecond`.
   */
  adaptive?: boolean | Partial<AdaptiveRateSettings>;
  /**
   * How many times a throttled call is sent again, after the pause, before its error reaches
   * the caller. Default 0: the caller decides. A provider's queue retries a few times, so a
   * cloud asking to slow down never fails a launch made of several calls.
   */
  throttleRetries?: number;
  /** How long a throttle pauses dispatch when the error carries no `retryAfterMs`. Default 1000 ms. */
  throttlePauseMs?: number;
  /** Time and timers; default {@link systemClock}. */
  clock?: Clock;
}

/** The token budget of each call kind; both kinds map to the same budget when writes have none of their own. */
export function budgetsFromOptions(options: ApiQueueOptions, now: number): Record<ApiCallKind, RateBudget> {
  assertPositive(options.ratePerSecond, 'ratePerSecond');
  if (options.writes) assertPositive(options.writes.ratePerSecond, 'writes.ratePerSecond');
  const adaptive = adaptiveSettings(options);
  const main = new RateBudget({
    ratePerSecond: options.ratePerSecond,
    burst: options.burst ?? Math.max(1, options.ratePerSecond),
    adaptive,
    now,
  });
  if (!options.writes) return { read: main, write: main };
  const scale = options.writes.ratePerSecond / options.ratePerSecond;
  const writes = new RateBudget({
    ratePerSecond: options.writes.ratePerSecond,
    burst: options.writes.burst ?? Math.max(1, options.writes.ratePerSecond),
    adaptive: adaptive && {
      minRatePerSecond: adaptive.minRatePerSecond * scale,
      decreaseFactor: adaptive.decreaseFactor,
      recoveryPerSecond: adaptive.recoveryPerSecond * scale,
    },
    now,
  });
  return { read: main, write: writes };
}

function adaptiveSettings(options: ApiQueueOptions): AdaptiveRateSettings | undefined {
  if (!options.adaptive) return undefined;
  const chosen = options.adaptive === true ? {} : options.adaptive;
  return {
    minRatePerSecond: chosen.minRatePerSecond ?? options.ratePerSecond / 10,
    decreaseFactor: chosen.decreaseFactor ?? 0.5,
    recoveryPerSecond: chosen.recoveryPerSecond ?? options.ratePerSecond / 30,
  };
}
