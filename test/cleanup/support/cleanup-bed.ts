import {
  ApiQueue,
  imageBuildsPath,
  imageUploadsPath,
  loadConfig,
  NodepoolZk,
  readZooKeeperReferences,
  resourceKey,
  systemClock,
  TAG,
  type CleanupReport,
  type Clock,
  type NodepoolConfig,
  type Provider,
  type ZkClient,
} from '@cloudpool/common';
import { connectClient, testChroot } from '@cloudpool/common/testing';
import { afterEach, beforeEach } from 'vitest';
import { configText } from '../../../packages/launcher/test/support/launcher-harness.js';
import { runCleanupJob, type CleanupJobOptions, type CleanupOutcome } from '../../../packages/launcher/src/cleanup/cleanup-job.js';
import { testLogger } from '../../launcher/support/test-logger.js';
import { AwsLeaks } from './aws-leaks.js';
import { AzureLeaks } from './azure-leaks.js';
import type { LeakCloud } from './leak-cloud.js';
import { OpenStackLeaks } from './openstack-leaks.js';

/** Every cloud, for `describe.each`. */
export const LEAK_CLOUDS: ReadonlyArray<{ name: string; create: () => LeakCloud }> = [
  { name: 'aws', create: () => new AwsLeaks() },
  { name: 'azure', create: () => new AzureLeaks() },
  { name: 'openstack', create: () => new OpenStackLeaks() },
];

/** The installation id every test stores in its ZooKeeper, as a launcher would have. */
export const SYSTEM_ID = 'cleanup-test-installation';

/**
 * A node id that each bed's ZooKeeper handed out and whose node is gone again (`start` makes and
 * deletes nodes 0000000000 and 0000000001): what a real leak names. An id ZooKeeper never handed
 * out is evidence of lost data, and trips the breaker.
 */
export const GONE_NODE_ID = '0000000001';

/** `cloudpool.cleanup` settings of a test's nodepool.yaml. */
export interface CleanupSettingsYaml {
  minAge?: number;
  interval?: number;
  maxDeleteCount?: number;
}

/** What one `cloudpool cleanup --once` run did. */
export interface OnceResult {
  /** The pass of the cloud's provider, if it ran. */
  report: CleanupReport | undefined;
  outcomes: CleanupOutcome[];
  attention: string[];
}

/**
 * A cloud under test and a ZooKeeper chroot of its own holding this installation's id, with a
 * `nodepool.yaml` for both: what leak cleanup runs on, as `cloudpool cleanup` or a launcher.
 */
export class CleanupBed {
  readonly chroot = testChroot();
  client!: ZkClient;
  zk!: NodepoolZk;

  private readonly stops: Array<() => Promise<void>> = [];

  constructor(readonly cloud: LeakCloud) {}

  get provider(): string {
    return this.cloud.base.providerName;
  }

  async start(): Promise<void> {
    await this.cloud.start();
    this.client = await connectClient(this.chroot);
    this.zk = new NodepoolZk(this.client, { identifier: 'cleanup-test' });
    await this.zk.getSystemId(SYSTEM_ID);
    for (let i = 0; i < 2; i++) await this.zk.deleteNode(await this.zk.createNode({ state: 'used', provider: this.provider }));
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
    for (const root of ['/nodepool', '/cloudpool']) await this.client?.deleteRecursive(root);
    await this.client?.close();
    await this.cloud.stop();
  }

  /** Runs `stop` when the bed stops, before the cloud and ZooKeeper go (last added first). */
  onStop(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  /** Tags of a resource of this provider and installation for `nodeId`, plus `extra`. */
  ours(nodeId: string, extra: Record<string, string> = {}): Record<string, string> {
    return { [TAG.nodeId]: nodeId, [TAG.poolName]: 'main', [TAG.providerName]: this.provider, [TAG.systemId]: SYSTEM_ID, ...extra };
  }

  /** Tags of an image upload of this provider and installation, as Nodepool's builders tag one, plus `extra`. */
  upload(buildId: string, uploadId: string, extra: Record<string, string> = {}): Record<string, string> {
    return { [TAG.providerName]: this.provider, [TAG.systemId]: SYSTEM_ID, [TAG.buildId]: buildId, [TAG.uploadId]: uploadId, ...extra };
  }

  /**
   * Records an upload in ZooKeeper as a Nodepool builder does, at
   * `/nodepool/images/<image>/builds/<build>/providers/<provider>/images/<upload>`, with the
   * builders' `lock` znodes beside the build and the upload.
   */
  async recordUpload(buildId: string, uploadId: string, { provider = this.provider, image = 'ubuntu' } = {}): Promise<void> {
    const uploads = imageUploadsPath(image, buildId, provider);
    for (const path of [`${uploads}/${uploadId}`, `${uploads}/lock`, `${imageBuildsPath(image)}/lock`]) await this.client.mkdirp(path);
  }

  /** The nodepool.yaml text: this chroot, labels, the cloud's provider and `cloudpool.cleanup`. */
  configText({ minAge = 0, interval = 0.2, maxDeleteCount = 50 }: CleanupSettingsYaml = {}): string {
    const cleanup = `cloudpool:\n  cleanup:\n    interval: ${interval}\n    min-age: ${minAge}\n    max-delete-count: ${maxDeleteCount}\n`;
    return configText(this.chroot, `${cleanup}labels:\n  - name: small\n  - name: large\nproviders:\n${this.cloud.base.providerYaml()}`);
  }

  /** The configuration with no `cloudpool:` section: every cleanup setting at its default. */
  defaultsConfig(): NodepoolConfig {
    const text = configText(this.chroot, `labels:\n  - name: small\n  - name: large\nproviders:\n${this.cloud.base.providerYaml()}`);
    return loadConfig({ text, path: 'nodepool.yaml' }, { drivers: { [this.cloud.base.name]: this.cloud.base.driver } });
  }

  config(settings: CleanupSettingsYaml = {}): NodepoolConfig {
    return loadConfig({ text: this.configText(settings), path: 'nodepool.yaml' }, { drivers: { [this.cloud.base.name]: this.cloud.base.driver } });
  }

  /** One `cloudpool cleanup --once` run on this bed's ZooKeeper session (or `zk`'s). */
  async once(options: Partial<CleanupJobOptions> & { settings?: CleanupSettingsYaml; zk?: NodepoolZk } = {}): Promise<OnceResult> {
    const { settings, zk = this.zk, ...overrides } = options;
    const outcomes: CleanupOutcome[] = [];
    const { attention } = await runCleanupJob(zk, {
      config: this.config(settings),
      drivers: new Map([[this.cloud.base.name, this.cloud.base.driver]]),
      once: true,
      onOutcome: (outcome) => outcomes.push(outcome),
      logger: testLogger('cleanup-job'),
      clock: systemClock,
      identifier: 'cleanup-job-under-test',
      ...overrides,
    });
    const report = outcomes.flatMap((outcome) => ('report' in outcome ? [outcome.report] : []))[0];
    return { report, outcomes, attention };
  }
}

/**
 * The cloud's provider, started through its driver as a launcher starts it, reading node and
 * upload ids with `readReferences` (default: as a launcher, on this bed's ZooKeeper session);
 * stopped with the bed.
 */
export async function startProvider(
  bed: CleanupBed,
  readReferences = (tagged: ReadonlySet<string>) => readZooKeeperReferences(bed.zk, bed.provider, tagged),
  { clock = systemClock, nodepool = bed.config(), systemId = SYSTEM_ID }: { clock?: Clock; nodepool?: NodepoolConfig; systemId?: string } = {},
): Promise<Provider> {
  const config = nodepool.providers.get(bed.provider)!;
  const queue = new ApiQueue({ name: bed.provider, ratePerSecond: 1000, concurrency: 8 });
  const provider = bed.cloud.base.driver.getProvider(config, {
    systemId,
    queue,
    logger: testLogger(bed.provider),
    clock,
    cleanup: nodepool.cloudpool.cleanup,
    readReferences,
    loopIntervalMs: 0,
  });
  await provider.start();
  bed.onStop(async () => {
    provider.idle();
    await provider.stop();
    await queue.stop();
  });
  return provider;
}

/** Rules by resource key, from a pass's decisions. */
export function rulesOf(report: CleanupReport | undefined): Record<string, string> {
  return Object.fromEntries((report?.decisions ?? []).map((d) => [resourceKey(d.resource), d.rule]));
}

/** A started bed on a fresh cloud for each test of the calling `describe`, stopped after it. */
export function useCleanupBed(create: () => LeakCloud): () => CleanupBed {
  let bed: CleanupBed | undefined;
  beforeEach(async () => {
    bed = new CleanupBed(create());
    await bed.start();
  });
  afterEach(async () => {
    await bed?.stop();
    bed = undefined;
  });
  return () => {
    if (!bed) throw new Error('no cleanup bed outside a test');
    return bed;
  };
}
