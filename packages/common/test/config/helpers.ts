import { describeIssue } from '../../src/config/config-issue.js';
import { type LoadConfigOptions, validateConfig } from '../../src/config/load-config.js';
import { FakeDriver } from '../../src/testing/fake/fake-driver.js';

/** The `fake` driver (only its configuration is used here). */
export const fakeDriver = new FakeDriver();

/** Options that know the fake driver and an empty environment. */
export function options(overrides: Partial<LoadConfigOptions> = {}): LoadConfigOptions {
  return { drivers: { fake: fakeDriver }, env: {}, ...overrides };
}

/** The problems found in `text`, as the messages an operator reads. */
export function problems(text: string, overrides: Partial<LoadConfigOptions> = {}): string[] {
  return validateConfig({ text }, options(overrides)).issues.map(describeIssue);
}

/** A small valid `nodepool.yaml`: one fake provider with one pool serving label `small`. */
export const MINIMAL = `
zookeeper-servers:
  - host: zk.example.com
labels:
  - name: small
providers:
  - name: fake-1
    driver: fake
    cloud-images:
      - name: image
    pools:
      - name: main
        max-servers: 3
        labels:
          - name: small
            cloud-image: image
`;
