/** What happened to one call, as the admin endpoint reports it. */
export type CallOutcome = 'ok' | 'throttled' | 'server-error' | 'timeout' | 'capacity' | 'lost-response' | 'client-error';

/** Calls per action and outcome, read by benchmarks through `GET /__sim/counters`. */
export class CallCounters {
  private readonly counts = new Map<string, Map<CallOutcome, number>>();

  record(action: string, outcome: CallOutcome): void {
    let byOutcome = this.counts.get(action);
    if (!byOutcome) this.counts.set(action, (byOutcome = new Map()));
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  }

  /** Moves one call of `action` from one outcome to another (e.g. admitted, then answered NotFound). */
  reclassify(action: string, from: CallOutcome, to: CallOutcome): void {
    const byOutcome = this.counts.get(action);
    const current = byOutcome?.get(from) ?? 0;
    if (!byOutcome || current === 0) return this.record(action, to);
    byOutcome.set(from, current - 1);
    byOutcome.set(to, (byOutcome.get(to) ?? 0) + 1);
  }

  /** Calls of one action (all outcomes unless one is given). */
  count(action: string, outcome?: CallOutcome): number {
    const byOutcome = this.counts.get(action);
    if (!byOutcome) return 0;
    if (outcome) return byOutcome.get(outcome) ?? 0;
    let total = 0;
    for (const n of byOutcome.values()) total += n;
    return total;
  }

  /** `{ action: { total, ok, throttled, ... } }` */
  snapshot(): Record<string, Record<string, number>> {
    const result: Record<string, Record<string, number>> = {};
    for (const [action, byOutcome] of this.counts) {
      const entry: Record<string, number> = { total: 0 };
      for (const [outcome, n] of byOutcome) {
        entry[outcome] = n;
        entry.total = (entry.total ?? 0) + n;
      }
      result[action] = entry;
    }
    return result;
  }

  reset(): void {
    this.counts.clear();
  }
}
