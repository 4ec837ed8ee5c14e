import { assertPositive } from './validation.js';

/** How a rate reacts to throttling: multiplicative decrease, additive recovery over time. */
export interface AdaptiveRateSettings {
  /** The lowest rate a throttle may push the rate down to, in requests per second. */
  minRatePerSecond: number;
  /** Each throttle multiplies the current rate by this factor, in (0, 1); e.g. 0.5 halves it. */
  decreaseFactor: number;
  /** After a throttle the rate climbs back by this many requests per second, per second. */
  recoveryPerSecond: number;
}

/**
 * A request rate that drops when the cloud throttles and recovers with time (AIMD): a throttle
 * multiplies the current rate by `decreaseFactor` (not below `minRatePerSecond`), then the rate
 * rises linearly by `recoveryPerSecond` each second until it is back at the configured rate,
 * never above it.
 *
 * Throttles of calls sent before the last decrease (or in the same millisecond) do not lower
 * the rate again: they reflect the old rate, and calls in flight together are often throttled
 * for the same burst.
 */
export class AdaptiveRate {
  readonly configuredRatePerSecond: number;
  readonly #settings: AdaptiveRateSettings;
  #rateAfterDecrease: number;
  #decreasedAt = Number.NEGATIVE_INFINITY;

  constructor(configuredRatePerSecond: number, settings: AdaptiveRateSettings) {
    assertPositive(configuredRatePerSecond, 'ratePerSecond');
    assertPositive(settings.minRatePerSecond, 'adaptive minRatePerSecond');
    assertPositive(settings.recoveryPerSecond, 'adaptive recoveryPerSecond');
    if (!(settings.decreaseFactor > 0 && settings.decreaseFactor < 1)) {
      throw new RangeError(`adaptive decreaseFactor must be between 0 and 1 (exclusive), got ${String(settings.decreaseFactor)}`);
    }
    if (settings.minRatePerSecond > configuredRatePerSecond) {
      throw new RangeError(
        `adaptive minRatePerSecond (${settings.minRatePerSecond}) exceeds ratePerSecond (${configuredRatePerSecond})`,
      );
    }
    this.configuredRatePerSecond = configuredRatePerSecond;
    this.#settings = settings;
    this.#rateAfterDecrease = configuredRatePerSecond;
  }

  /** The rate in effect at `now`, in requests per second. */
  rateAt(now: number): number {
    const recoveredSinceDecrease = (Math.max(0, now - this.#decreasedAt) / 1000) * this.#settings.recoveryPerSecond;
    return Math.min(this.configuredRatePerSecond, this.#rateAfterDecrease + recoveredSinceDecrease);
  }

  /**
   * Reacts to a throttle observed at `now` of a call sent at `sentAt`. Returns whether the rate
   * was lowered (false when the call was sent no later than the last decrease).
   */
  decrease(now: number, sentAt: number): boolean {
    if (sentAt <= this.#decreasedAt) return false;
    this.#rateAfterDecrease = Math.max(this.#settings.minRatePerSecond, this.rateAt(now) * this.#settings.decreaseFactor);
    this.#decreasedAt = now;
    return true;
  }
}
