/** A compute API microversion such as 2.52. */
export class Microversion {
  constructor(
    readonly major: number,
    readonly minor: number,
  ) {}

  /** Parses `2.52`; undefined for anything else (Nova's legacy v2 reports an empty version). */
  static parse(text: string | undefined): Microversion | undefined {
    const match = /^(\d+)\.(\d+)$/.exec(text ?? '');
    return match ? new Microversion(Number(match[1]), Number(match[2])) : undefined;
  }

  atLeast(other: Microversion): boolean {
    return this.major > other.major || (this.major === other.major && this.minor >= other.minor);
  }

  toString(): string {
    return `${this.major}.${this.minor}`;
  }
}

/** Microversions whose behaviour the driver relies on. */
export const COMPUTE = {
  /** Nova's base API; what a cloud without microversions behaves as. */
  base: new Microversion(2, 1),
  /** Server tags can be listed and filtered on (`tags=`). */
  tagFilters: new Microversion(2, 26),
  /** Servers can be created with `tags`: the driver's server-side provider filter needs this. */
  tagsOnCreate: new Microversion(2, 52),
  /**
   * The highest microversion this driver has been checked against: the server views up to it
   * (embedded flavor from 2.47, `UNKNOWN` servers of down cells from 2.69, pinned AZ from 2.96)
   * parse, and nothing it sends changed meaning below it.
   */
  highestSupported: new Microversion(2, 96),
} as const;

/**
 * The microversion to use with a Nova that serves `[min, max]`: the highest supported one up to
 * `max`. Undefined `max` (no microversions) gives the base API. Throws when the cloud's minimum
 * is above what the driver supports.
 */
export function negotiateComputeMicroversion(min: Microversion | undefined, max: Microversion | undefined): Microversion {
  if (!max) return COMPUTE.base;
  if (min && !COMPUTE.highestSupported.atLeast(min)) {
    throw new Error(`the compute API needs microversion ${min.toString()} or later; this driver supports up to ${COMPUTE.highestSupported.toString()}`);
  }
  return COMPUTE.highestSupported.atLeast(max) ? max : COMPUTE.highestSupported;
}
