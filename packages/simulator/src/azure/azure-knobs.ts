import type { NetworkQuotas } from './network-usage.js';

/**
 * Knobs only the Azure simulator has, beside the shared `CloudKnobs`. They appear under the
 * `azure` key of `GET /__sim/knobs` and are changed with `PATCH /__sim/knobs {"azure": {...}}`.
 */
export interface AzureKnobs {
  /** Lifetime of the access tokens the token endpoint issues (AAD gives about an hour). */
  tokenLifetimeSeconds: number;
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
  /** VM sizes restricted in every location: creates fail with `SkuNotAvailable`, SKUs list a restriction. */
  unavailableSizes: string[];
  /** Microsoft.Network's regional limits (public IPs, static public IPs, NICs); unset ones are unlimited. */
  networkQuotas: NetworkQuotas;
}

export type AzureKnobsPatch = Partial<AzureKnobs>;

export function defaultAzureKnobs(): AzureKnobs {
  return {
    tokenLifetimeSeconds: 3599,
    nicReservationMs: 180_000,
    lroRetryAfterSeconds: 1,
    asyncAllocationFailureRatio: 0,
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
