import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cloudpool, useTempDir } from './cli-test-kit.js';

/** nodepool.yaml naming a driver by `name`; the driver module, if imported, leaves a marker file. */
async function trap(directory: string, name: (module: string) => string): Promise<{ file: string; marker: string }> {
  const marker = path.join(directory, 'imported');
  const module = path.join(directory, 'evil.mjs');
  await writeFile(module, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport default {};\n`);
  const file = path.join(directory, 'nodepool.yaml');
  await writeFile(
    file,
    `zookeeper-servers:\n  - host: 127.0.0.1\nlabels:\n  - name: small\nproviders:\n  - name: p\n    driver: ${JSON.stringify(name(module))}\n    pools:\n      - name: main\n        labels: []\n`,
  );
  return { file, marker };
}

describe('driver names in nodepool.yaml are never imported as paths or URLs', () => {
  const tempDir = useTempDir();

  for (const [what, name] of [
    ['an absolute path', (module: string) => module],
    ['a file URL', (module: string) => pathToFileURL(module).href],
  ] as const) {
    it(`config-validate reports ${what} as an unknown driver and runs none of its code`, async () => {
      const { file, marker } = await trap(tempDir(), name);
      const { code, stdout } = await cloudpool(['config-validate', '-c', file]);
      expect(code).toBe(1);
      expect(stdout).toContain('unknown driver');
      expect(existsSync(marker)).toBe(false);
    });

    it(`other commands do not import ${what} either`, async () => {
      const { file, marker } = await trap(tempDir(), name);
      const { code } = await cloudpool(['list', '-c', file]);
      expect(code).toBe(1);
      expect(existsSync(marker)).toBe(false);
    });
  }
});
