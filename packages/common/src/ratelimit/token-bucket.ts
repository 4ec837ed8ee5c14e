import { assertPositive } from './validation.js';

/** Tolerance for floating-point refill arithmetic, so a token due at time t is available at t. */
const EPSILON = 1e-9;

/**
 * A token bucket: holds at most `burst` tokens and refills continuously at `ratePerSecond`;
 * each call spends one token. It starts full, so up to `burst` calls may go at once, and the
 * sustained rate is `ratePerSecond`. Time is passed in (`now`, in milliseconds) so the bucket
 * has no clock of its own.
 */
export class TokenBucket {
  readonly burst: number;
  #ratePerSecond: number;
  #tokens: number;
  #updatedAt: number;

  constructor(options: { ratePerSecond: number; burst: number; now: number }) {
    assertPositive(options.ratePerSecond, 'ratePerSecond');
    if (!Number.isFinite(options.burst) || options.burst < 1) {
      throw new RangeError(`burst must be a finite number of at least 1, got ${String(options.burst)}`);
    }
    this.burst = options.burst;
    this.#ratePerSecond = options.ratePerSecond;
    this.#tokens = options.burst;
    this.#updatedAt = options.now;
  }

  get ratePerSecond(): number {
    return this.#ratePerSecond;
  }

  /** Tokens available at `now` (fractional while refilling). */
  available(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /** Whether one token is available at `now`. */
  hasToken(now: number): boolean {
    return this.available(now) >= 1 - EPSILON;
  }

  /** Spends one token; throws if none is available (check {@link hasToken} first). */
  take(now: number): void {
    if (!this.hasToken(now)) throw new Error('TokenBucket.take() called without an available token');
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  /** Milliseconds from `now` until one token is available; 0 when one is available now. */
  msUntilToken(now: number): number {
    const missing = 1 - this.available(now);
    return missing <= EPSILON ? 0 : (missing * 1000) / this.#ratePerSecond;
  }

  /** Changes the refill rate from `now` on; tokens earned before `now` at the old rate are kept. */
  setRate(ratePerSecond: number, now: number): void {
    assertPositive(ratePerSecond, 'ratePerSecond');
    this.#refill(now);
    this.#ratePerSecond = ratePerSecond;
  }

  #refill(now: number): void {
    const elapsedMs = now - this.#updatedAt;
    if (elapsedMs <= 0) return;
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsedMs * this.#ratePerSecond) / 1000);
    this.#updatedAt = now;
  }
}
