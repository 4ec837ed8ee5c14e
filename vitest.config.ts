import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // The native zookeeper addon needs real processes, not worker threads.
    pool: 'forks',
    globalSetup: ['test/setup/zookeeper-global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/setup/closing-line-reporter.ts'],
  },
});
