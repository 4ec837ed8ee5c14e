import { resourceKey, type CleanupReport } from '@cloudpool/common';
import type { PlantedResource } from './demo-leaks.js';

/** What leak cleanup did to one provider's planted resources so far. */
export interface ProviderCleanupProgress {
  provider: string;
  leaksPlanted: number;
  /** Planted leaks some pass deleted. */
  leaksDeleted: number;
  foreignPlanted: number;
  /**
   * Foreign instances no pass deleted, counted once the cloud holds exactly those instances
   * (every node and leaked instance gone, the foreign ones still there); 0 until then.
   */
  foreignSpared: number;
  /** Passes seen since the resources were planted. */
  passes: number;
}

interface Tracked {
  planted: PlantedResource[];
  passes: number;
  /** Keys of every resource a pass deleted. */
  deleted: Set<string>;
}

/**
 * Follows leak-cleanup passes against what the demo planted (foreign resources are instances).
 * A provider is done once every planted leak was deleted by a pass, no foreign instance was,
 * and its cloud holds the foreign instances and nothing else.
 */
export class CleanupWatch {
  private readonly tracked = new Map<string, Tracked>();

  /** `instancesIn(provider)`: the instances the provider's cloud holds now. */
  constructor(
    planted: readonly PlantedResource[],
    private readonly instancesIn: (provider: string) => number,
  ) {
    for (const resource of planted) {
      const entry = this.tracked.get(resource.provider) ?? { planted: [], passes: 0, deleted: new Set<string>() };
      entry.planted.push(resource);
      this.tracked.set(resource.provider, entry);
    }
  }

  /** Takes one pass into account; returns the provider's progress, or undefined for a provider without planted resources. */
  record(report: CleanupReport): ProviderCleanupProgress | undefined {
    const entry = this.tracked.get(report.provider);
    if (!entry) return undefined;
    entry.passes += 1;
    for (const resource of report.deleted) entry.deleted.add(key(resourceKey(resource)));
    return this.progressOf(report.provider, entry);
  }

  /** Progress of every provider with planted resources, in planting order. */
  all(): ProviderCleanupProgress[] {
    return [...this.tracked].map(([provider, entry]) => this.progressOf(provider, entry));
  }

  /** Whether every provider is done (see the class comment). */
  done(): boolean {
    return this.all().every(isDone);
  }

  private progressOf(provider: string, entry: Tracked): ProviderCleanupProgress {
    const deleted = (p: PlantedResource) => entry.deleted.has(key(`${p.type}:${p.id}`));
    const leaks = entry.planted.filter((p) => p.kind === 'leak');
    const foreign = entry.planted.filter((p) => p.kind === 'foreign');
    const untouched = foreign.filter((p) => !deleted(p)).length;
    return {
      provider,
      leaksPlanted: leaks.length,
      leaksDeleted: leaks.filter(deleted).length,
      foreignPlanted: foreign.length,
      foreignSpared: this.instancesIn(provider) === untouched ? untouched : 0,
      passes: entry.passes,
    };
  }
}

/** A provider's leaks are all deleted and its foreign instances all spared. */
export function isDone(progress: ProviderCleanupProgress): boolean {
  return progress.leaksDeleted === progress.leaksPlanted && progress.foreignSpared === progress.foreignPlanted;
}

/** ARM ids are case-insensitive; the other clouds' ids have one case. */
function key(resource: string): string {
  return resource.toLowerCase();
}
