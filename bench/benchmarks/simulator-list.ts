import { awsDriver } from '@cloudpool/aws';
import { createAzureDriver } from '@cloudpool/azure';
import { ApiQueue, loadConfig, ManualClock, TAG, type Driver, type Provider, type ProviderContext } from '@cloudpool/common';
import { createOpenStackDriver, providerServerTag } from '@cloudpool/openstack';
import { CLOUDS, PROFILES, type CloudName } from '../support/clouds.js';
import type { Cloud, Harness } from '../support/harness.js';
import { cloudCells, joined, type Benchmark, type Cell } from '../support/report.js';
import type { PlantedInstance } from '../support/sim-host.js';

export const LIST_INSTANCES = 10_000;
export const SYSTEM_ID = 'cloudpool-bench';
const ROUNDS = 2;

/** `count` instances of the cloud's bench provider, tagged as cloudpool tags them; `nodeIds[i]` names the node of the i-th. */
export function providerInstances(cloud: CloudName, nodeIds: string[]): PlantedInstance[] {
  const { provider } = PROFILES[cloud];
  return nodeIds.map((nodeId) => ({
    tags: { [TAG.providerName]: provider, [TAG.poolName]: 'main', [TAG.nodeId]: nodeId, [TAG.systemId]: SYSTEM_ID },
    ...(cloud === 'openstack' ? { serverTags: [providerServerTag(provider)] } : {}),
  }));
}

const quiet = () => undefined;
const quietLogger = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, fatal: quiet, child: () => quietLogger } as unknown as ProviderContext['logger'];

/** The cloud's provider made by its driver in this process, as a launcher makes it, on a clock of our own (to expire its list cache). */
async function providerFor(harness: Harness, cloud: Cloud, clock: ManualClock): Promise<Provider> {
  const { info, files } = cloud;
  const drivers: Record<string, Driver> = {
    aws: awsDriver,
    azure: createAzureDriver(info.cloud === 'azure' ? { ca: info.ca } : {}),
    openstack: createOpenStackDriver(files.cloudsDir ? { cloudsYaml: () => ({ directories: [files.cloudsDir!], env: {} }) } : {}),
  };
  if (info.cloud === 'aws') {
    process.env.AWS_ACCESS_KEY_ID = info.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = info.secretAccessKey;
  }
  const config = loadConfig({ text: await harness.configText({ chroot: '/unused', clouds: [cloud], count: 0 }) }, { drivers, env: {} });
  const providerConfig = config.providers.get(cloud.profile.provider)!;
  const provider = drivers[info.cloud]!.getProvider(providerConfig, {
    systemId: SYSTEM_ID,
    queue: new ApiQueue({ name: cloud.profile.provider, ratePerSecond: 1_000_000, concurrency: 16 }),
    logger: quietLogger,
    clock,
    cleanup: config.cloudpool.cleanup,
    readReferences: async () => ({ nodeIds: new Set() }),
    loopIntervalMs: 0,
  });
  await provider.start();
  return provider;
}

interface ListMeasure {
  cloud: CloudName;
  instances: number;
  pages: number;
  bytes: number;
  simulatorCpuMs: number;
  serialiseCpuMs: number;
  clientCpuMs: number;
  wallMs: number;
}

export const simulatorList: Benchmark = {
  name: 'simulator-list',
  description: `simulator CPU to list ${LIST_INSTANCES} instances through each SDK, against serialising the same answers`,
  async run(harness) {
    const measures: ListMeasure[] = [];
    for (const name of CLOUDS) {
      const mark = harness.mark();
      try {
        // No latency and no rate limit: only the simulator's own work is measured.
        const cloud = await harness.startCloud(name, { latency: { default: { medianMs: 0, p95Ms: 0 } }, rateLimits: {} });
        await cloud.plant(providerInstances(name, Array.from({ length: LIST_INSTANCES }, (_, i) => String(i + 1).padStart(10, '0'))));
        const clock = new ManualClock(Date.now());
        const provider = await providerFor(harness, cloud, clock);
        try {
          const warm = await provider.listNodes();
          if (warm.length !== LIST_INSTANCES) throw new Error(`${name}: listed ${warm.length} of ${LIST_INSTANCES} instances`);
          const rounds: ListMeasure[] = [];
          for (let round = 0; round < ROUNDS; round++) {
            clock.advance(60_000);
            await cloud.startCapture();
            const simBefore = await cloud.cpuMs();
            const clientBefore = process.cpuUsage();
            const began = Date.now();
            const listed = await provider.listNodes();
            const wallMs = Date.now() - began;
            const client = process.cpuUsage(clientBefore);
            const simulatorCpuMs = (await cloud.cpuMs()) - simBefore;
            const capture = await cloud.stopCapture();
            rounds.push({
              cloud: name,
              instances: listed.length,
              pages: capture.responses,
              bytes: capture.bytes,
              simulatorCpuMs,
              serialiseCpuMs: capture.serialiseCpuMs,
              clientCpuMs: (client.user + client.system) / 1000,
              wallMs,
            });
          }
          // The round with the least simulator CPU (the least disturbed by anything else on the machine).
          measures.push(rounds.reduce((best, r) => (r.simulatorCpuMs < best.simulatorCpuMs ? r : best)));
        } finally {
          await provider.stop();
        }
      } finally {
        await harness.release(mark);
      }
    }
    const rows: Cell[][] = measures.map((m) => [
      m.cloud,
      m.instances,
      m.pages,
      m.bytes / 1e6,
      m.simulatorCpuMs,
      m.serialiseCpuMs,
      m.simulatorCpuMs / m.serialiseCpuMs,
      m.clientCpuMs,
      m.wallMs,
    ]);
    return {
      tables: [
        {
          title: `simulator-list: simulator CPU to list ${LIST_INSTANCES} instances through the driver's SDK, against serialising the same answers`,
          columns: ['cloud', 'instances', 'responses', 'MB', 'simulator CPU ms', 'serialise CPU ms', 'ratio', 'client CPU ms', 'wall ms'],
          rows,
          notes: [
            `A fresh listing as the driver makes it (all pages; Azure also its NIC and public IP lists), best of ${ROUNDS} after a warm-up; the simulator in its own process.`,
            'serialise: the same response bodies, parsed beforehand, written back to JSON/XML (best of 3) in the simulator process.',
          ],
        },
      ],
      json: measures,
      snippet: {
        rows: [['simulator-list', `simulator CPU ÷ CPU of serialising the same answers (${LIST_INSTANCES} instances)`, ...cloudCells(measures, (m) => joined([m.simulatorCpuMs / m.serialiseCpuMs]))]],
      },
    };
  },
};
