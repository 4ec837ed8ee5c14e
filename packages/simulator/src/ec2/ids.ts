import type { Random } from '../core/index.js';

/**
 * Makes EC2-style resource ids (`i-0` and 16 hex digits, `vol-0…`, `r-0…`). Each id joins a
 * scrambled counter (unique by construction) and a seeded random part, so a run with a seed
 * repeats its ids and no two ids of one simulator ever collide.
 */
export class IdGenerator {
  private counter = 0;

  constructor(private readonly random: Random) {}

  /** `prefix-0` followed by 16 hex digits, e.g. `i-0a3f…`. */
  next(prefix: string): string {
    return `${prefix}-0${hex8(this.unique())}${hex8(Math.floor(this.random() * 0x1_0000_0000))}`;
  }

  /** `prefix-` followed by 8 hex digits, the shape of spot request ids (`sir-…`). */
  short(prefix: string): string {
    return `${prefix}-${hex8(this.unique())}`;
  }

  /** A fresh 32-bit value: the counter through a bijective mix (lowbias32), so it never repeats. */
  private unique(): number {
    let x = ++this.counter;
    x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
    x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
    return (x ^ (x >>> 16)) >>> 0;
  }
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}
