import { AdaptiveRate, type AdaptiveRateSettings } from './adaptive-rate.js';
import { TokenBucket } from './token-bucket.js';

/**
 * One token budget of an API queue (all calls, or reads or writes when writes have their own):
 * a token bucket whose refill rate, when adaptive, is lowered by throttles and recovers with time.
 */
export class RateBudget {
  readonly #bucket: TokenBucket;
  readonly #adaptive: AdaptiveRate | undefined;

  constructor(options: { ratePerSecond: number; burst: number; adaptive: AdaptiveRateSettings | undefined; now: number }) {
    this.#bucket = new TokenBucket(options);
    this.#adaptive = options.adaptive && new AdaptiveRate(options.ratePerSecond, options.adaptive);
  }

  /** The refill rate in effect at `now`, in requests per second. */
  ratePerSecond(now: number): number {
    this.#followAdaptiveRate(now);
    return this.#bucket.ratePerSecond;
  }

  hasToken(now: number): boolean {
    this.#followAdaptiveRate(now);
    return this.#bucket.hasToken(now);
  }

  take(now: number): void {
    this.#followAdaptiveRate(now);
    this.#bucket.take(now);
  }

  /** Milliseconds from `now` until a token is available, at the rate in effect at `now`. */
  msUntilToken(now: number): number {
    this.#followAdaptiveRate(now);
    return this.#bucket.msUntilToken(now);
  }

  /** Lowers the rate (when adaptive) for a throttle seen at `now` of a call sent at `sentAt`. */
  throttled(now: number, sentAt: number): void {
    this.#followAdaptiveRate(now);
    if (this.#adaptive?.decrease(now, sentAt)) this.#followAdaptiveRate(now);
  }

  /**
   * Moves the bucket to the adaptive rate of `now`. Between two updates the bucket refills at
   * the earlier rate, which during recovery is the lower one: the error is on the safe side.
   */
  #followAdaptiveRate(now: number): void {
    if (this.#adaptive) this.#bucket.setRate(this.#adaptive.rateAt(now), now);
  }
}
