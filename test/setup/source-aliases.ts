import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Tests run the workspace packages' TypeScript sources, never their build (`dist/`, which may be
 * stale or absent): each package export resolves to its `@cloudpool/source` target, read from the
 * packages' own `exports` (as an alias, since vitest's global setup ignores resolve conditions).
 */
export function sourceAliases(): Array<{ find: RegExp; replacement: string }> {
  const packages = new URL('../../packages/', import.meta.url);
  return readdirSync(packages).flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(new URL(`${dir}/package.json`, packages), 'utf8')) as {
      name: string;
      exports: Record<string, { '@cloudpool/source': string }>;
    };
    return Object.entries(manifest.exports).map(([subpath, targets]) => ({
      find: new RegExp(`^${`${manifest.name}${subpath.slice(1)}`.replaceAll('/', '\\/')}$`),
      replacement: fileURLToPath(new URL(`${dir}/${targets['@cloudpool/source']}`, packages)),
    }));
  });
}
