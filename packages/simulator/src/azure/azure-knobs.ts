import type { NetworkQuotas } from './network-usage.js';

/**
 * Knobs only the Azure simulator has, beside the shared `CloudKnobs`. They appear under the
 * `azure` key of `GET /__sim/knobs` and are changed with `PATCH /__sim/knobs {"azure": {...}}`.
 */
export interface AzureKnobs {
  /** Lifetime of the access tokens the token endpoint issues (AAD gives about an hour). */
  tokenLifetimeSeconds: number;
  /**
   * The next this-many token requests are answered 503 `temporarily_unavailable` (AADSTS90033,
   * "A transient error has occurred", `Retry-After: 1`), as AAD answers while its sign-in service is degraded; each
   * such answer counts it down. The OAuth error means "retry the request" (Microsoft identity
   * platform, error codes).
   */
  tokenOutageRequests: number;
  /**
   * How long a NIC stays reserved for its VM after the VM is deleted (Azure: 180 s). Meanwhile
   * deleting the NIC or attaching it to another VM fails with `NicReservedForAnotherVm`.
   */
  nicReservationMs: number;
  /** `Retry-After` (seconds) on long-running operation responses; 0 lets SDK pollers use their own interval. */
  lroRetryAfterSeconds: number;
  /**
   * Chance (0..1) that an accepted VM create fails later, as Azure's do: the operation ends
   * `Failed` with `AllocationFailed` and the VM stays in provisioning state `Failed`.
   */
  asyncAllocationFailureRatio: number;
  /**
   * Chance (0..1) that an accepted VM create is canceled later (ARM ends operations `Canceled`
   * when, e.g., a conflicting request supersedes them): the VM stays in provisioning state
   * `Canceled` and its operation status answers `Canceled`.
   */
  asyncCancelRatio: number;
  /** How long a new public IP shows `Updating` before `Succeeded` (ARM answers its PUT `Updating`). */
  publicIpProvisioningMs: number;
  /** VM sizes restricted in every location: creates fail with `SkuNotAvailable`, SKUs list a restriction. */
  unavailableSizes: string[];
  /** Microsoft.Network's regional limits (public IPs, static public IPs, NICs); unset ones are unlimited. */
  networkQuotas: NetworkQuotas;
}

export type AzureKnobsPatch = Partial<AzureKnobs>;

/**
 * The simulator's pace. `realistic` (the default) takes time as Azure does: a VM provisions for
 * a minute, a deletion (and its cascade) half a minute, a public IP shows `Updating` first.
 * `fast` makes all of it instant, for benchmarks and tests that measure something else; it must
 * be asked for.
 */
export type AzureTiming = 'realistic' | 'fast';

const REALISTIC = { bootTimeMs: 60_000, deleteTimeMs: 30_000, publicIpProvisioningMs: 2_000 } as const;

/** The shared knobs' timings and the Azure ones of a pace (the caller's own knobs override them). */
export function timingKnobs(timing: AzureTiming): { bootTimeMs: number; deleteTimeMs: number; azure: { publicIpProvisioningMs: number } } {
  const pace = timing === 'fast' ? { bootTimeMs: 0, deleteTimeMs: 0, publicIpProvisioningMs: 0 } : REALISTIC;
  return { bootTimeMs: pace.bootTimeMs, deleteTimeMs: pace.deleteTimeMs, azure: { publicIpProvisioningMs: pace.publicIpProvisioningMs } };
}

export function defaultAzureKnobs(): AzureKnobs {
  return {
    tokenLifetimeSeconds: 3599,
    tokenOutageRequests: 0,
    nicReservationMs: 180_000,
    lroRetryAfterSeconds: 1,
    asyncAllocationFailureRatio: 0,
    asyncCancelRatio: 0,
    publicIpProvisioningMs: REALISTIC.publicIpProvisioningMs,
    unavailableSizes: [],
    networkQuotas: {},
  };
}

export function mergeAzureKnobs(base: AzureKnobs, patch: AzureKnobsPatch): AzureKnobs {
  const merged = { ...base };
  for (const [key, value] of Object.entries(patch) as Array<[keyof AzureKnobs, unknown]>) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
