/**
 * Nodepool's provider `rate` key does not mean the same thing in every driver:
 * - `aws` and `azure`: requests per second (defaults 2 and 1);
 * - `openstack`: seconds to wait between requests (default 1.0), so 0.5 means 2 requests/s;
 * - `fake` (the test driver): requests per second (default 1000).
 * These helpers turn it into the requests per second an {@link ApiQueue} takes.
 */
const RATE_MEANING = {
  aws: { unit: 'requests per second', defaultRate: 2 },
  azure: { unit: 'requests per second', defaultRate: 1 },
  openstack: { unit: 'seconds between calls', defaultRate: 1.0 },
  /** The in-memory test cloud: fast unless a test sets a rate. */
  fake: { unit: 'requests per second', defaultRate: 1000 },
} as const;

/** The drivers whose `rate` key is understood here. */
export type NodepoolRateDriver = keyof typeof RATE_MEANING;

/**
 * The requests per second meant by a Nodepool provider's `rate` (undefined: the driver's
 * default). Throws for an unknown driver and for a rate that is not a finite positive number.
 */
export function effectiveRatePerSecond(driver: string, rate: number | undefined): number {
  const meaning = rateMeaning(driver);
  const value = rate ?? meaning.defaultRate;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${driver} rate must be a positive number (${meaning.unit}), got ${String(value)}`);
  }
  return meaning.unit === 'seconds between calls' ? 1 / value : value;
}

/**
 * A one-line explanation of a `rate` for logs and config validation, e.g.
 * `openstack rate 0.5 (seconds between calls) = 2 requests/s`. Throws like {@link effectiveRatePerSecond}.
 */
export function describeRate(driver: string, rate: number | undefined): string {
  const perSecond = effectiveRatePerSecond(driver, rate);
  const { unit, defaultRate } = rateMeaning(driver);
  const given = rate === undefined ? `${defaultRate} (default; ${unit})` : `${rate} (${unit})`;
  return `${driver} rate ${given} = ${Number(perSecond.toPrecision(4))} requests/s`;
}

function rateMeaning(driver: string): (typeof RATE_MEANING)[NodepoolRateDriver] {
  if (!Object.hasOwn(RATE_MEANING, driver)) {
    throw new RangeError(`unknown driver "${driver}": rate is defined for ${Object.keys(RATE_MEANING).join(', ')}`);
  }
  return RATE_MEANING[driver as NodepoolRateDriver];
}
