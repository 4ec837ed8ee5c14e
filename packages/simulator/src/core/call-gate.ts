import type { Clock } from './clock.js';
import type { CallCounters } from './counters.js';
import type { CloudKnobs, LatencyDistribution } from './knobs.js';
import { normalSample, type Random } from './random.js';

/**
 * What the gate decided for a call. `ok` and `lost-response` mean: do the work (and for
 * `lost-response`, drop the connection instead of answering). The others mean: answer with
 * the cloud's own error for it (or, for `timeout`, hold and drop) without doing the work.
 */
export type GateDecision = 'ok' | 'throttled' | 'server-error' | 'timeout' | 'capacity' | 'lost-response';

export interface CallDescription {
  /** The cloud's action name, e.g. `RunInstances`, `virtualMachines.createOrUpdate`, `servers.create`. */
  action: string;
  /** `read`, or `write` for any call that changes state. */
  kind: 'read' | 'write';
  /** Creates may fail for capacity; only they roll that fault. */
  isCreate?: boolean;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Every simulated API call passes here first: it is counted, checked against the rate limit
 * of its action (or its kind), rolls the configured faults, and waits a sampled latency.
 */
export class CallGate {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly knobs: () => CloudKnobs,
    private readonly counters: CallCounters,
    private readonly random: Random,
    private readonly clock: Clock,
  ) {}

  async admit(call: CallDescription): Promise<GateDecision> {
    const knobs = this.knobs();
    const decision = this.decide(call, knobs);
    this.counters.record(call.action, decision);
    const latency = this.sampleLatency(knobs.latency[call.action] ?? knobs.latency[call.kind] ?? knobs.latency.default);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    return decision;
  }

  /**
   * Records a client error (e.g. NotFound, bad auth). A call already admitted as `ok` is
   * reclassified, so each call counts once.
   */
  record(action: string, outcome: 'client-error'): void {
    this.counters.reclassify(action, 'ok', outcome);
  }

  /** Forgets token buckets (after a knob change or a reset). */
  resetBuckets(): void {
    this.buckets.clear();
  }

  private decide(call: CallDescription, knobs: CloudKnobs): GateDecision {
    const limitKey = knobs.rateLimits[call.action] ? call.action : call.kind;
    const limit = knobs.rateLimits[limitKey];
    if (limit && !this.takeToken(limitKey, limit.perSecond, limit.burst)) return 'throttled';
    const { faults } = knobs;
    if (this.random() < faults.serverErrorRatio) return 'server-error';
    if (this.random() < faults.timeoutRatio) return 'timeout';
    if (call.isCreate && this.random() < faults.capacityErrorRatio) return 'capacity';
    if (call.kind === 'write' && this.random() < faults.lostResponseRatio) return 'lost-response';
    return 'ok';
  }

  private takeToken(key: string, perSecond: number, burst: number): boolean {
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private sampleLatency(distribution: LatencyDistribution | undefined): number {
    if (!distribution || distribution.medianMs <= 0) return 0;
    const { medianMs, p95Ms } = distribution;
    const sigma = p95Ms > medianMs ? Math.log(p95Ms / medianMs) / 1.645 : 0;
    return medianMs * Math.exp(sigma * normalSample(this.random));
  }
}
