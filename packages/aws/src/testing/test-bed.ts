import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { ApiQueue, ManualClock, nodeTags, providerOwnership, type CreateHooks, type CreateRequest, type PoolLabelConfig, type ProviderContext } from '@cloudpool/common';
import type { RawCloudResource } from '@cloudpool/common/testing';
import { AwsAdapter, type AwsAdapterTimings, type AwsProviderView } from '../adapter.js';
import { sdkHostAndFleetPort } from '../sdk/host-fleet-port.js';
import { sdkEc2Port, sdkServiceQuotasPort } from '../sdk/sdk-port.js';
import type { AwsLabelSettings, AwsSettings } from '../config.js';
import { Ec2Simulator, type Ec2SimulatorOptions } from '@cloudpool/simulator';
import { POOL_NAME, PROVIDER_NAME, providerView, SYSTEM_ID } from './provider-fixture.js';

/** Simulated time it takes an instance to boot or to terminate. */
export const BOOT_TIME_MS = 2_000;
export const DELETE_TIME_MS = 2_000;

/** A logger that keeps what was logged; stands in for pino's wherever a provider context needs one. */
export function recordingLogger() {
  const records: Array<{ level: string; args: unknown[] }> = [];
  const log = (level: string) => (...args: unknown[]) => void records.push({ level, args });
  const logger = {
    records,
    warnings: () => records.filter((record) => record.level === 'warn'),
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
    child: () => logger,
  };
  return logger;
}

export interface AwsTestBedOptions {
  sim?: Ec2SimulatorOptions;
  config?: AwsProviderView;
  timings?: Partial<AwsAdapterTimings>;
  /** `cloudpool.cleanup.adopt-nodepool-resources` (default off). */
  adoptNodepoolResources?: boolean;
}

/** A started EC2 simulator on a manual clock, an adapter on it through the real SDK and a real ApiQueue. */
export async function startAwsTestBed(options: AwsTestBedOptions = {}) {
  const clock = new ManualClock();
  const sim = await new Ec2Simulator({ clock, knobs: { bootTimeMs: BOOT_TIME_MS, deleteTimeMs: DELETE_TIME_MS }, ...options.sim }).start();
  const { endpoint, region, accessKeyId, secretAccessKey } = sim.connectionInfo();
  const clientConfig = { endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 };
  const ec2 = new EC2Client(clientConfig);
  const serviceQuotas = new ServiceQuotasClient(clientConfig);
  const queue = new ApiQueue({ name: PROVIDER_NAME, ratePerSecond: 10_000, burst: 10_000, concurrency: 32 });
  const logger = recordingLogger();
  const config = options.config ?? providerView();
  const context = { queue, systemId: SYSTEM_ID, clock, logger: logger as unknown as ProviderContext['logger'] };
  const adapter = new AwsAdapter({
    config,
    ec2: sdkEc2Port(ec2, queue),
    serviceQuotas: sdkServiceQuotasPort(serviceQuotas, queue),
    hostsAndFleets: sdkHostAndFleetPort(ec2, queue),
    context,
    owner: providerOwnership(config.name, { systemId: SYSTEM_ID, cleanup: { adoptNodepoolResources: options.adoptNodepoolResources ?? false } }),
    timings: { terminateWindowMs: 5, ...options.timings },
  });
  const pool = config.pools.get(POOL_NAME)!;
  let sequence = 0;

  return {
    sim,
    clock,
    queue,
    logger,
    adapter,
    config,
    context,
    pool,
    /** The ec2 client of the test itself, to look at the simulator around the adapter. */
    ec2,
    label(name = 'small'): PoolLabelConfig<AwsLabelSettings> {
      return pool.labels.get(name)!;
    },
    /** A create request as the framework makes it. */
    request(labelName = 'small', overrides: Partial<CreateRequest<AwsSettings>> = {}): CreateRequest<AwsSettings> {
      const nodeId = overrides.nodeId ?? String(++sequence).padStart(10, '0');
      const label = pool.labels.get(labelName)!;
      const tags = nodeTags({ nodeId, poolName: POOL_NAME, providerName: PROVIDER_NAME, systemId: SYSTEM_ID }, label.tags);
      return { nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags, ...overrides };
    },
    /** Lets boots and terminations finish and the adapter's instance list expire. */
    settle(ms = 10_000): void {
      clock.advance(ms);
    },
    rawResources: () => rawResources(ec2),
    async stop(): Promise<void> {
      await adapter.stop();
      await queue.stop();
      ec2.destroy();
      serviceQuotas.destroy();
      await sim.stop();
    },
  };
}

export type AwsTestBed = Awaited<ReturnType<typeof startAwsTestBed>>;

/** Every resource the simulator holds, read through the SDK around the adapter. */
async function rawResources(ec2: EC2Client): Promise<RawCloudResource[]> {
  const [instances, volumes, interfaces, images, snapshots, addresses] = await Promise.all([
    ec2.send(new DescribeInstancesCommand({})),
    ec2.send(new DescribeVolumesCommand({})),
    ec2.send(new DescribeNetworkInterfacesCommand({})),
    ec2.send(new DescribeImagesCommand({ Owners: ['self'] })),
    ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] })),
    ec2.send(new DescribeAddressesCommand({})),
  ]);
  const raw = (type: string, id: string | undefined, tags: Tag[] | undefined): RawCloudResource => ({
    type,
    id: id ?? '',
    tags: Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  });
  return [
    ...(instances.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => raw('instance', i.InstanceId, i.Tags)),
    ...(volumes.Volumes ?? []).map((v) => raw('volume', v.VolumeId, v.Tags)),
    ...(interfaces.NetworkInterfaces ?? []).map((n) => raw('network-interface', n.NetworkInterfaceId, n.TagSet)),
    ...(images.Images ?? []).map((i) => raw('image', i.ImageId, i.Tags)),
    ...(snapshots.Snapshots ?? []).map((s) => raw('snapshot', s.SnapshotId, s.Tags)),
    ...(addresses.Addresses ?? []).map((a) => raw('public-ip', a.AllocationId, a.Tags)),
  ];
}

/** Hooks that record the external id reported. */
export function recordingHooks(): CreateHooks & { reported: string[] } {
  const reported: string[] = [];
  return { reported, onExternalId: (id: string) => void reported.push(id), signal: new AbortController().signal };
}
