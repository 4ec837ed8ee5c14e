import { readFile } from 'node:fs/promises';
import { loadConfig, type Driver, type NodepoolConfig } from '@cloudpool/common';
import { createOpenStackDriver } from '@cloudpool/openstack';
import { startAllClouds, writeClientFiles, type AllClouds, type KnobsPatch } from '@cloudpool/simulator';
import { builtinDrivers } from '@cloudpool/launcher';

const BOOT_MS = 2_500;
/** The simulated VMs' sshd port (the cloud images' `connection-port`): unprivileged. */
const DEMO_SSH_PORT = 2222;
const WRITE_MEDIAN_MS = 200;
const RATES = { read: { perSecond: 20, burst: 20 }, write: { perSecond: 5, burst: 10 } };
/**
 * Realistic but quick: a boot takes 2.5 s, a write about 200 ms, other calls a few ms, and each
 * cloud enforces rate limits below the providers' own rates, so the launcher's queues meet
 * throttling and must back off.
 */
const DEMO_KNOBS: KnobsPatch = {
  bootTimeMs: BOOT_MS,
  deleteTimeMs: 1_000,
  latency: { default: { medianMs: 15, p95Ms: 60 }, write: { medianMs: WRITE_MEDIAN_MS, p95Ms: 2 * WRITE_MEDIAN_MS } },
  rateLimits: RATES,
};

/** How every simulated cloud of the demo behaves, in a sentence. */
export const CLOUD_BEHAVIOUR =
  `each cloud boots a server in ${BOOT_MS / 1000} s, answers a write in ~${WRITE_MEDIAN_MS} ms, ` +
  `and throttles beyond ${RATES.write.perSecond} writes/s or ${RATES.read.perSecond} reads/s`;

/** Leak cleanup tuned for a two-minute demo: a pass every 2 s, leaks deletable once 3 s old. */
export const DEMO_CLEANUP = { intervalSeconds: 2, minAgeSeconds: 3 } as const;

/** The clouds of the demo, in the order it shows them: title, simulator and the provider of each. */
export interface DemoCloud {
  key: 'ec2' | 'azure' | 'openstack';
  title: string;
  provider: string;
  /** The provider's (first) pool. */
  pool: string;
}

/**
 * The three simulated clouds with their client files, and the launcher configuration on them:
 * the `nodepool.yaml` the simulators write, with quick leak cleanup added.
 */
export interface DemoClouds {
  sims: AllClouds;
  config: NodepoolConfig;
  drivers: Map<string, Driver>;
  all: DemoCloud[];
  /** Instances a cloud holds now (being deleted counts as held), read from the simulator, not its API. */
  instancesIn(cloud: DemoCloud['key']): number;
  /** Stops the simulators and gives back the AWS variables the demo set. */
  stop(): Promise<void>;
}

const INSTANCES: Record<DemoCloud['key'], (sims: AllClouds) => number> = {
  ec2: ({ ec2 }) => {
    const { pending, running, 'shutting-down': stopping } = ec2.resources().instances;
    return pending + running + stopping;
  },
  azure: ({ azure }) => azure.resources().virtualMachines ?? 0,
  openstack: ({ openstack }) => openstack.resources().servers,
};

const TITLES = { aws: ['ec2', 'EC2'], azure: ['azure', 'Azure'], openstack: ['openstack', 'OpenStack'] } as const;

/** Starts the simulators, writes their client files into `directory` and loads the configuration. */
export async function startDemoClouds(directory: string, zookeeperPort: number): Promise<DemoClouds> {
  const sims = await startAllClouds({
    ec2: { knobs: DEMO_KNOBS },
    // NICs of deleted VMs stay reserved for 180 s on Azure: too long for a demo.
    azure: { knobs: { ...DEMO_KNOBS, azure: { lroRetryAfterSeconds: 0, nicReservationMs: 500 } } },
    openstack: { knobs: DEMO_KNOBS },
    // Every VM runs an sshd: the launcher waits for it and gathers its host keys, as Nodepool does.
    ssh: { port: DEMO_SSH_PORT },
  });
  let restoreEnv = () => {};
  try {
    const files = await writeClientFiles(directory, sims, { host: '127.0.0.1', port: zookeeperPort });
    restoreEnv = useEnvFile(await readFile(files.awsEnv, 'utf8'));
    const drivers = await builtinDrivers();
    drivers.set('openstack', createOpenStackDriver({ cloudsYaml: () => ({ configFile: files.cloudsYaml, directories: [], env: {} }) }));
    const text = `${await readFile(files.nodepoolYaml, 'utf8')}
cloudpool:
  cleanup:
    interval: ${DEMO_CLEANUP.intervalSeconds}
    min-age: ${DEMO_CLEANUP.minAgeSeconds}
`;
    const config = loadConfig({ text, path: files.nodepoolYaml }, { drivers, env: {} });
    const all = [...config.providers.values()].map((provider) => {
      const [key, title] = TITLES[provider.driver as keyof typeof TITLES];
      return { key, title, provider: provider.name, pool: [...provider.pools.keys()][0]! };
    });
    const stop = async () => {
      restoreEnv();
      await sims.stop();
    };
    return { sims, config, drivers, all, instancesIn: (cloud) => INSTANCES[cloud](sims), stop };
  } catch (error) {
    restoreEnv();
    await sims.stop();
    throw error;
  }
}

/**
 * Sets the `KEY=value` lines of an env file in this process, as a shell's `set -a; . file`
 * would before starting a launcher (the `aws` driver reads credentials only through the SDK's
 * default chain); `AWS_PROFILE` is unset meanwhile, or the SDK would skip those variables.
 * Returns a function that puts back what was there.
 */
function useEnvFile(text: string): () => void {
  const wanted: Record<string, string | undefined> = { AWS_PROFILE: undefined };
  for (const line of text.split('\n')) {
    const separator = line.indexOf('=');
    if (separator > 0) wanted[line.slice(0, separator)] = line.slice(separator + 1);
  }
  const previous = Object.fromEntries(Object.keys(wanted).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(wanted);
  return () => apply(previous);
}
