import { listComponents, loadConfig, TAG, type NodeRecord, type NodeRequestRecord, type NodepoolConfig, type PoolComponentContent } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { Launcher, type LauncherEvents } from '@cloudpool/launcher';
import { afterEach, beforeEach } from 'vitest';
import { configText, FAST_TIMINGS, LauncherHarness } from '../../../packages/launcher/test/support/launcher-harness.js';
import { AwsCloud } from './aws-cloud.js';
import { AzureCloud } from './azure-cloud.js';
import { DISKIMAGE, type CloudUnderTest, type HeldResource, type ProviderOptions } from './cloud-under-test.js';
import { OpenStackCloud } from './openstack-cloud.js';
import { testLogger } from './test-logger.js';

/** Every cloud the launcher runs on, for `describe.each`. */
export const CLOUDS: ReadonlyArray<{ name: string; create: () => CloudUnderTest }> = [
  { name: 'aws', create: () => new AwsCloud() },
  { name: 'azure', create: () => new AzureCloud() },
  { name: 'openstack', create: () => new OpenStackCloud() },
];

type LaunchEvent = LauncherEvents['launch'][0];
type RequestEvent = LauncherEvents['request'][0];
type DeletionEvent = LauncherEvents['nodeDeleted'][0];

/**
 * Launchers on one cloud under test, served by its real driver, on the run's ZooKeeper under a
 * chroot of their own, with a requester that talks to ZooKeeper as Zuul does (`zk`). Collects
 * what every launcher reports (launch results, request outcomes, node deletions) and every
 * state its node cache saw each node in.
 */
export class CloudHarness {
  readonly zk = new LauncherHarness();
  readonly launches: LaunchEvent[] = [];
  readonly requests: RequestEvent[] = [];
  readonly deletions: DeletionEvent[] = [];
  /** The states each node's record was seen in, by node id. */
  readonly nodeStates = new Map<string, Set<string>>();
  /** Every line the launchers logged, at any level. */
  readonly logs: string[] = [];

  constructor(readonly cloud: CloudUnderTest) {}

  /** The id of the provider's one pool, as declines and pool components name it. */
  get poolId(): string {
    return `${this.cloud.providerName}-main`;
  }

  async start(): Promise<void> {
    await Promise.all([this.cloud.start(), this.zk.connect()]);
  }

  /** Starts a launcher whose `nodepool.yaml` has labels `small` and `large` and the cloud's provider. */
  async startLauncher(options: ProviderOptions = {}, name = `launcher-${this.zk.launchers.length + 1}`): Promise<Launcher> {
    const { cloud } = this;
    const launcher = await Launcher.start({
      config: this.config(options),
      drivers: new Map([[cloud.name, cloud.driver]]),
      logger: testLogger(name, {}, (line) => this.logs.push(line)),
      timings: FAST_TIMINGS,
      hostname: name,
    });
    this.zk.launchers.push(launcher);
    launcher.context.events.on('launch', (event) => this.launches.push(event));
    launcher.context.events.on('request', (event) => this.requests.push(event));
    launcher.context.events.on('nodeDeleted', (event) => this.deletions.push(event));
    const seen = (node: NodeRecord) => this.nodeStates.set(node.id, (this.nodeStates.get(node.id) ?? new Set()).add(node.state));
    launcher.context.nodes.on('added', seen);
    launcher.context.nodes.on('updated', seen);
    return launcher;
  }

  /** The loaded `nodepool.yaml` of `startLauncher` (also for a reload). */
  config(options: ProviderOptions = {}): NodepoolConfig {
    return loadConfig({ text: this.configText(options), path: 'nodepool.yaml' }, { drivers: { [this.cloud.name]: this.cloud.driver } });
  }

  /** The `nodepool.yaml` a launcher of `startLauncher(options)` reads: labels `small` and `large` and the cloud's provider. */
  configText(options: ProviderOptions = {}): string {
    const { cloud } = this;
    const diskimages = options.diskimage ? `diskimages:\n  - name: ${DISKIMAGE}\n    username: ${cloud.username}\n    elements: [vm]\n` : '';
    return configText(this.zk.chroot, `labels:\n  - name: small\n  - name: large\n${diskimages}providers:\n${cloud.providerYaml(options)}`);
  }

  /** Whether the pool component says the pool is paused. */
  async poolPaused(): Promise<boolean> {
    const pools = await listComponents(this.zk.requester.client, 'pool');
    return pools.some((pool) => (pool.content as PoolComponentContent).id === this.poolId && (pool.content as PoolComponentContent).paused);
  }

  /**
   * What Zuul does when it is done with requests: marks their nodes used, then deletes the
   * requests. Resolves once the launchers reported every one of those nodes deleted (which
   * they do after removing its record).
   */
  async release(requests: NodeRequestRecord[]): Promise<void> {
    const ids = requests.flatMap((request) => request.nodes);
    for (const id of ids) await this.zk.markUsed(id);
    for (const request of requests) await this.zk.requester.deleteRequest(request.id);
    await waitFor(() => ids.every((id) => this.deletions.some((deletion) => deletion.node === id)), 20_000);
  }

  /** The resources the cloud holds for `nodeId` (found by its node id tag). */
  async resourcesOf(nodeId: string): Promise<HeldResource[]> {
    return (await this.cloud.resources()).filter((resource) => resource.tags[TAG.nodeId] === nodeId);
  }

  async stop(): Promise<void> {
    await this.zk.stop();
    await this.cloud.stop();
  }
}

/** A started harness on a fresh cloud for each test of the calling `describe`, stopped after it. */
export function useCloudHarness(create: () => CloudUnderTest): () => CloudHarness {
  let harness: CloudHarness | undefined;
  beforeEach(async () => {
    harness = new CloudHarness(create());
    await harness.start();
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });
  return () => {
    if (!harness) throw new Error('no cloud harness outside a test');
    return harness;
  };
}
