import type { CloudUnderTest } from '../../launcher/support/cloud-under-test.js';

/** How long ago a planted resource was made (where the cloud lets a seed say). */
export interface PlantOptions {
  ageMs?: number;
}

/**
 * One cloud as the leak-cleanup tests drive it: the launcher tests' cloud under test (simulator,
 * driver, provider entry) plus planting resources as a crashed launcher or someone else left
 * them, and reading what is left, around the driver. Resources are named by their leak-cleanup
 * key, `<type>:<id>` (see `resourceKey`).
 */
export interface LeakCloud {
  readonly base: CloudUnderTest;
  /** Starts the cloud under test, and what this needs to read it. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The kinds of a node that the driver lists for leak cleanup, `instance` first. */
  readonly nodeTypes: readonly string[];
  /** Plants one resource of a type of `nodeTypes` carrying `tags`; resolves its key. */
  plant(type: string, tags: Record<string, string>, options?: PlantOptions): Promise<string>;
  /**
   * Plants an image upload carrying `tags` (and, where the cloud has one, its snapshot);
   * resolves their keys.
   */
  plantUpload(tags: Record<string, string>): Promise<string[]>;
  /** Keys of every resource the cloud holds that is not gone or being deleted. */
  present(): Promise<Set<string>>;
}

/** Makes the cloud's lists come in pages of one, of which about half fail (a 5xx); `false` heals it. */
export function failListPages(cloud: LeakCloud, failing: boolean): void {
  cloud.base.sim.setKnobs(failing ? { maxPageSize: 1, faults: { serverErrorRatio: 0.5 } } : { maxPageSize: 1000, faults: { serverErrorRatio: 0 } });
}
