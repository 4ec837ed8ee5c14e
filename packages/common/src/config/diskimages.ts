import type { DiskimageConfig } from '../driver/config-model.js';
import type { TopLevelConfig } from './schema.js';

type DiskimageEntry = TopLevelConfig['diskimages'][number];

/** Nodepool's `DiskImage` defaults for what a launcher uses. */
const DEFAULT_USERNAME = 'zuul';
const DEFAULT_PYTHON_PATH = 'auto';
/** Nodepool's `rebuild-age` default: a day. */
const DEFAULT_REBUILD_AGE = 86_400;

/**
 * The top-level `diskimages` as a launcher needs them: each entry with the keys of its
 * `parent` chain merged under its own (the nearest wins), as Nodepool merges them; `abstract`
 * entries exist only to be inherited from and are left out. A parent that does not exist (or a
 * cycle) ends the chain.
 */
export function diskimagesOf(entries: readonly DiskimageEntry[]): Map<string, DiskimageConfig> {
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const inherited = (entry: DiskimageEntry, key: 'username' | 'python-path' | 'shell-type' | 'pause' | 'rebuild-age' | 'formats' | 'cloudpool-build-command') => {
    const seen = new Set<string>();
    for (let at: DiskimageEntry | undefined = entry; at && !seen.has(at.name); at = at.parent === undefined ? undefined : byName.get(at.parent)) {
      seen.add(at.name);
      if (at[key] !== undefined) return at[key];
    }
    return undefined;
  };
  const images = new Map<string, DiskimageConfig>();
  for (const entry of entries) {
    if (entry.abstract) continue;
    images.set(entry.name, {
      name: entry.name,
      username: (inherited(entry, 'username') as string | undefined) ?? DEFAULT_USERNAME,
      pythonPath: (inherited(entry, 'python-path') as string | undefined) ?? DEFAULT_PYTHON_PATH,
      shellType: inherited(entry, 'shell-type') as string | undefined,
      pause: (inherited(entry, 'pause') as boolean | undefined) ?? false,
      rebuildAge: (inherited(entry, 'rebuild-age') as number | undefined) ?? DEFAULT_REBUILD_AGE,
      formats: (inherited(entry, 'formats') as string[] | undefined) ?? [],
      ...(inherited(entry, 'cloudpool-build-command') === undefined ? {} : { buildCommand: inherited(entry, 'cloudpool-build-command') as string }),
    });
  }
  return images;
}
