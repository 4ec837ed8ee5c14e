import { defineConfig } from 'vitest/config';
import { sourceAliases } from './test/setup/source-aliases.js';

/**
 * The conformance run against real clouds started on this machine (`scripts/conformance/*.sh`),
 * kept out of the default test run: the clouds take minutes to install and start.
 */
export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: ['test/conformance/**/*.test.ts'],
    pool: 'forks',
    // One lab, one set of fixed ports: files run one after another.
    fileParallelism: false,
    globalSetup: ['test/setup/zookeeper-global.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/setup/closing-line-reporter.ts'],
  },
});
