import type { CloudErrorKind } from '../errors/cloud-error.js';

/**
 * How a call ended: `success`, the {@link CloudErrorKind} of the `CloudError` it threw, or
 * `unclassified` for any other error (a driver that did not map a cloud error).
 */
export type CallOutcome = 'success' | CloudErrorKind | 'unclassified';

/** The outcomes that are failures. */
export type FailureKind = Exclude<CallOutcome, 'success'>;

/** Counters of one API action (e.g. `RunInstances`). */
export interface ActionStats {
  /** Calls that ran to completion, successful or not. */
  calls: number;
  /** Failed calls by kind; kinds that never occurred are absent. */
  failures: Partial<Record<FailureKind, number>>;
  /** Calls the cloud throttled (the same number as `failures.throttled`, or 0). */
  throttles: number;
}

/** Per-action call counters of an API queue. */
export class CallStats {
  readonly #byAction = new Map<string, ActionStats>();

  record(action: string, outcome: CallOutcome): void {
    let stats = this.#byAction.get(action);
    if (!stats) {
      stats = { calls: 0, failures: {}, throttles: 0 };
      this.#byAction.set(action, stats);
    }
    stats.calls += 1;
    if (outcome === 'success') return;
    stats.failures[outcome] = (stats.failures[outcome] ?? 0) + 1;
    if (outcome === 'throttled') stats.throttles += 1;
  }

  /** A copy of the counters, keyed by action. */
  snapshot(): Record<string, ActionStats> {
    const copy: Record<string, ActionStats> = {};
    for (const [action, stats] of this.#byAction) {
      copy[action] = { calls: stats.calls, failures: { ...stats.failures }, throttles: stats.throttles };
    }
    return copy;
  }
}
