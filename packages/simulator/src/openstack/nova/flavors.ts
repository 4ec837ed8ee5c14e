import type { FlavorSpec } from '../model.js';

/** The flavors devstack creates (ids 1 to 5), the set most OpenStack examples assume. */
export const DEFAULT_FLAVORS: readonly FlavorSpec[] = [
  { id: '1', name: 'm1.tiny', vcpus: 1, ramMb: 512, diskGb: 1 },
  { id: '2', name: 'm1.small', vcpus: 1, ramMb: 2048, diskGb: 20 },
  { id: '3', name: 'm1.medium', vcpus: 2, ramMb: 4096, diskGb: 40 },
  { id: '4', name: 'm1.large', vcpus: 4, ramMb: 8192, diskGb: 80 },
  { id: '5', name: 'm1.xlarge', vcpus: 8, ramMb: 16384, diskGb: 160 },
];

/** A flavor by a `flavorRef`: its id, or a URL ending in its id (Nova accepts both). */
export function findFlavor(flavors: readonly FlavorSpec[], flavorRef: string): FlavorSpec | undefined {
  const id = flavorRef.slice(flavorRef.lastIndexOf('/') + 1);
  return flavors.find((flavor) => flavor.id === id);
}
