import { configDefaults, defineConfig } from 'vitest/config';
import { sourceAliases } from './test/setup/source-aliases.js';

const zookeeperSetup = ['test/setup/zookeeper-global.ts'];

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    // The native zookeeper addon needs real processes, not worker threads.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/setup/closing-line-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          // The conformance runs need a real cloud started first: vitest.conformance.config.ts.
          exclude: [...configDefaults.exclude, 'test/conformance/**'],
          globalSetup: zookeeperSetup,
        },
      },
      {
        // The ZooKeeper layer's tests again, against a server that serves only TLS (see the setup).
        // The ensemble test makes its own plaintext servers, so it runs once.
        extends: true,
        test: {
          name: 'zk-tls',
          include: ['packages/common/test/zk/**/*.test.ts'],
          exclude: ['packages/common/test/zk/ensemble.test.ts'],
          globalSetup: zookeeperSetup,
        },
      },
    ],
  },
});
