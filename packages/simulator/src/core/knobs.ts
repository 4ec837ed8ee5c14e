import type { SshdKnobs } from './ssh-hosts.js';

/**
 * The knobs of one simulated cloud. Set at start, changed at run time through the admin
 * endpoint (`PATCH /__sim/knobs`) or `SimulatedCloud.setKnobs`. Durations are milliseconds.
 */

/** Call latency as a log-normal distribution given by its median and 95th percentile. */
export interface LatencyDistribution {
  medianMs: number;
  p95Ms: number;
}

/** A token bucket: `perSecond` sustained, `burst` at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Cloud-side quotas; an absent field is unlimited. */
export interface Quotas {
  instances?: number;
  cores?: number;
  ramMb?: number;
  volumes?: number;
  volumeGb?: number;
}

/** Probabilities (0..1) rolled independently for each call, in this order. */
export interface Faults {
  /** Answer with the cloud's 5xx error. */
  serverErrorRatio: number;
  /** Hold the call for `timeoutMs`, then drop the connection without an answer. */
  timeoutRatio: number;
  /** Answer a create with the cloud's insufficient-capacity error. */
  capacityErrorRatio: number;
  /** Perform a mutating call, then drop the connection so the client never sees the answer. */
  lostResponseRatio: number;
  timeoutMs: number;
}

export interface CloudKnobs {
  /** Latency per action family (`read`, `write`, `create`, `delete`, or an action name); `default` otherwise. */
  latency: Record<string, LatencyDistribution>;
  /** Time from create to running/ACTIVE/Succeeded. */
  bootTimeMs: number;
  /** Time from delete request to the resource being gone. */
  deleteTimeMs: number;
  /** Rate limits per action family (`read`, `write`, or an action name); absent means unlimited. */
  rateLimits: Record<string, RateLimit>;
  quotas: Quotas;
  faults: Faults;
  /** Largest page a list call returns, whatever the client asks. */
  maxPageSize: number;
  /** When an instance's sshd starts (SSH mode only, see `SshHosts`): read as each instance boots. */
  sshd: SshdKnobs;
}

export function defaultKnobs(): CloudKnobs {
  return {
    latency: { default: { medianMs: 0, p95Ms: 0 } },
    bootTimeMs: 0,
    deleteTimeMs: 0,
    rateLimits: {},
    quotas: {},
    faults: { serverErrorRatio: 0, timeoutRatio: 0, capacityErrorRatio: 0, lostResponseRatio: 0, timeoutMs: 30_000 },
    maxPageSize: 1000,
    sshd: { delayMs: 0, never: false },
  };
}

/** A partial update: nested records are merged one level deep, so `{faults: {serverErrorRatio: 0.1}}` keeps other faults. */
export type KnobsPatch = {
  [K in keyof CloudKnobs]?: CloudKnobs[K] extends object ? Partial<CloudKnobs[K]> : CloudKnobs[K];
};

export function mergeKnobs(base: CloudKnobs, patch: KnobsPatch): CloudKnobs {
  const merged: CloudKnobs = structuredClone(base);
  for (const [key, value] of Object.entries(patch) as Array<[keyof CloudKnobs, unknown]>) {
    if (value === undefined) continue;
    const current = merged[key];
    if (typeof current === 'object' && current !== null && typeof value === 'object' && value !== null) {
      Object.assign(current, value);
    } else {
      (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}
