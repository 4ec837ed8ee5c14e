import type { CloudInstance } from '../driver/adapter.js';
import type { PoolLabelConfig, ProviderConfig } from '../driver/config-model.js';
import { systemClock, type Clock, type TimerClock } from '../time/clock.js';

/** How a launch of one label decides that its running instance is ready (see `scanNode`). */
export interface ReadinessSpec {
  /** The label's image's `connection-type` (`ssh` when the label has no image entry). */
  connectionType: string;
  /** The label's image's `connection-port` (Nodepool's default per type: 5986 for `winrm`, else 22). */
  connectionPort: number;
  /** The provider's `boot-timeout`, ms: the bound of the scan after the cloud says running. */
  timeoutMs: number;
}

/** The readiness check of `label`'s nodes, or undefined when its `host-key-checking` is off (ready once running). */
export function readinessFor(provider: ProviderConfig, label: PoolLabelConfig): ReadinessSpec | undefined {
  if (!label.hostKeyChecking) return undefined;
  const image = labelImageEntry(provider, label);
  return {
    connectionType: image?.connectionType ?? 'ssh',
    connectionPort: image?.connectionPort ?? 22,
    timeoutMs: provider.common.bootTimeout * 1000,
  };
}

/**
 * The provider's image entry that says how `label`'s nodes are reached (user, connection type
 * and port): its `diskimages` entry for a diskimage label, else its `cloud-images` entry.
 */
export function labelImageEntry(provider: ProviderConfig, label: PoolLabelConfig) {
  if (label.diskimage !== undefined) return provider.diskimages.get(label.diskimage);
  return label.cloudImage === undefined ? undefined : provider.cloudImages.get(label.cloudImage);
}

/**
 * The node's `interface_ip`: the address the driver says to reach it on, else its public IPv4,
 * public IPv6, then private IPv4. What the launcher writes to the record and what is scanned.
 */
export function interfaceAddress(instance: CloudInstance): string | undefined {
  return instance.interfaceIp ?? instance.publicIpv4 ?? instance.publicIpv6 ?? instance.privateIpv4;
}

/** `clock` if it has timers; otherwise its time with Node's timers (a scan waits between attempts). */
export function withTimers(clock: Clock): TimerClock {
  if ('setTimeout' in clock && 'clearTimeout' in clock) return clock as TimerClock;
  return { now: () => clock.now(), setTimeout: systemClock.setTimeout, clearTimeout: systemClock.clearTimeout };
}
