import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOUDS, type CloudName } from '../support/clouds.js';
import { sleep, type Cloud, type Harness } from '../support/harness.js';
import { MachineLoad, processTreeUsage } from '../support/machine-load.js';
import { fmt, percentiles, type Benchmark, type Cell } from '../support/report.js';

/** The targets of issue #20 on this kind of machine. */
const TARGET = { readyMs: 1000, cpuMs: 1000, rssOneMb: 90, rssAllMb: 120 };
/** Starts per configuration and way of running, after one discarded warm-up start of each way. */
const STARTS = 3;
const READY_TIMEOUT_MS = 60_000;

const repo = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How the launcher is run: `build` is the production command (`cloudpool launcher`, the bin on
 * the compiled dist/); `tsx` the same CLI from its TypeScript sources through tsx, as it ran
 * before there was a build (the baseline).
 */
const MODES = {
  build: [path.join(repo, 'packages/launcher/bin/cloudpool.js')],
  tsx: ['--conditions=@cloudpool/source', '--import', 'tsx', path.join(repo, 'packages/launcher/src/cli/main.ts')],
} as const;
type Mode = keyof typeof MODES;

interface Start {
  readyMs: number;
  cpuMs: number;
  rssBytes: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function isReady(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

/**
 * One start of a launcher process on `clouds`: spawned, then `/ready` polled every 10 ms; at
 * the first 200, its wall time since the spawn, and the CPU and RSS of its process tree.
 */
async function startOnce(harness: Harness, clouds: Cloud[], mode: Mode): Promise<Start> {
  const port = await freePort();
  const configPath = path.join(harness.dir, `start-${port}.yaml`);
  await writeFile(configPath, await harness.configText({ chroot: harness.chroot('start'), clouds, count: 1, webappPort: port }));
  const aws = clouds.find((c) => c.info.cloud === 'aws')?.info;
  const cloudsDir = clouds.find((c) => c.files.cloudsDir)?.files.cloudsDir;
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' };
  delete env.AWS_PROFILE;
  if (aws?.cloud === 'aws') Object.assign(env, { AWS_ACCESS_KEY_ID: aws.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.secretAccessKey });
  if (cloudsDir) env.OS_CLIENT_CONFIG_FILE = path.join(cloudsDir, 'clouds.yaml');
  const began = performance.now();
  const child = spawn(process.execPath, [...MODES[mode], 'launcher', '-c', configPath], { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the launcher (${mode}) exited with ${child.exitCode} before it was ready: ${stderr}`);
      if (await isReady(port)) break;
      if (performance.now() - began > READY_TIMEOUT_MS) throw new Error(`the launcher (${mode}) was not ready within ${READY_TIMEOUT_MS / 1000} s: ${stderr}`);
      await sleep(10);
    }
    const readyMs = performance.now() - began;
    return { readyMs, ...processTreeUsage(child.pid!) };
  } finally {
    await stopProcess(child);
  }
}

/** Each single cloud, then all three. */
const CONFIGURATIONS: Array<{ name: string; clouds: readonly CloudName[] }> = [
  ...CLOUDS.map((cloud) => ({ name: cloud, clouds: [cloud] })),
  { name: 'all three', clouds: CLOUDS },
];

export const launcherStart: Benchmark = {
  name: 'launcher-start',
  description: `launcher start → /ready, CPU and RSS at ready (built vs. tsx), against the targets (≤ ${TARGET.readyMs / 1000} s, ≤ ${TARGET.cpuMs / 1000} s CPU, ≤ ${TARGET.rssOneMb}/${TARGET.rssAllMb} MB)`,
  async run(harness) {
    const mark = harness.mark();
    try {
      const sims = new Map<CloudName, Cloud>();
      for (const cloud of CLOUDS) sims.set(cloud, await harness.startCloud(cloud));
      await harness.zookeeper();
      const configurations = CONFIGURATIONS.map((c) => ({ ...c, sims: c.clouds.map((cloud) => sims.get(cloud)!) }));
      // Warm-up (tsx's transform cache, the OS page cache): one start of each way, not counted.
      for (const mode of Object.keys(MODES) as Mode[]) await startOnce(harness, configurations.at(-1)!.sims, mode);
      const load = new MachineLoad();
      const starts = new Map<string, Start[]>();
      for (let round = 0; round < STARTS; round++) {
        for (const configuration of configurations) {
          for (const mode of Object.keys(MODES) as Mode[]) {
            const key = `${configuration.name}/${mode}`;
            starts.set(key, [...(starts.get(key) ?? []), await startOnce(harness, configuration.sims, mode)]);
          }
        }
      }
      const { idleShare, cores } = load.idle();
      const median = (key: string, field: keyof Start) => percentiles(starts.get(key)!.map((s) => s[field])).median;
      const rows: Cell[][] = [];
      const json: Array<Record<string, unknown>> = [];
      for (const configuration of configurations) {
        const rssTargetMb = configuration.clouds.length > 1 ? TARGET.rssAllMb : TARGET.rssOneMb;
        for (const mode of Object.keys(MODES) as Mode[]) {
          const key = `${configuration.name}/${mode}`;
          const readyMs = median(key, 'readyMs');
          const cpuMs = median(key, 'cpuMs');
          const rssMb = median(key, 'rssBytes') / 2 ** 20;
          const base = `${configuration.name}/tsx`;
          rows.push([
            configuration.name,
            mode,
            readyMs / 1000,
            cpuMs / 1000,
            rssMb,
            readyMs / TARGET.readyMs,
            cpuMs / TARGET.cpuMs,
            rssMb / rssTargetMb,
            mode === 'tsx' ? undefined : `${fmt(readyMs / median(base, 'readyMs'), 2)} / ${fmt(cpuMs / median(base, 'cpuMs'), 2)} / ${fmt(rssMb / (median(base, 'rssBytes') / 2 ** 20), 2)}`,
          ]);
          json.push({ configuration: configuration.name, mode, readyMs, cpuMs, rssMb, rssTargetMb, starts: starts.get(key) });
        }
      }
      const built = (name: string) => json.find((r) => r.configuration === name && r.mode === 'build')!;
      const met = (r: Record<string, unknown>) =>
        (r.readyMs as number) <= TARGET.readyMs && (r.cpuMs as number) <= TARGET.cpuMs && (r.rssMb as number) <= (r.rssTargetMb as number);
      return {
        tables: [
          {
            title: `launcher-start: \`cloudpool launcher\` start → /ready, CPU and RSS at ready (median of ${STARTS} starts each)`,
            columns: ['drivers', 'run as', 'ready s', 'CPU s', 'RSS MB', 'ready/target', 'CPU/target', 'RSS/target', 'build ÷ tsx (ready / CPU / RSS)'],
            rows,
            notes: [
              `targets: start → ready ≤ ${TARGET.readyMs / 1000} s, CPU to ready ≤ ${TARGET.cpuMs / 1000} s, RSS at ready ≤ ${TARGET.rssOneMb} MB with one driver and ≤ ${TARGET.rssAllMb} MB with all three (ratio ≤ 1 meets it).`,
              'build: the production command on the compiled dist/; tsx: the same CLI run from its sources through tsx (the baseline). CPU and RSS of the launcher process with its children.',
              `Each launcher in its own process, the simulators in theirs, one ZooKeeper; /ready polled every 10 ms. Saturation check: the machine was ${fmt(idleShare * 100, 2)} % idle over the starts (${cores} cores).`,
              `Targets met (build): ${configurations.map((c) => `${c.name} ${met(built(c.name)) ? 'yes' : 'NO'}`).join(', ')}.`,
            ],
          },
        ],
        json: { target: TARGET, starts: STARTS, machineIdleShare: idleShare, runs: json },
        snippet: {
          rows: [
            [
              'launcher start, built (one driver)',
              `start → /ready s / CPU s / RSS MB (targets ${TARGET.readyMs / 1000} / ${TARGET.cpuMs / 1000} / ${TARGET.rssOneMb})`,
              ...CLOUDS.map((cloud) => {
                const r = built(cloud);
                return `${fmt((r.readyMs as number) / 1000, 2)} / ${fmt((r.cpuMs as number) / 1000, 2)} / ${fmt(r.rssMb as number, 3)}`;
              }) as [string, string, string],
            ],
          ],
          bullets: [
            (() => {
              const all = built('all three');
              const tsx = json.find((r) => r.configuration === 'all three' && r.mode === 'tsx')!;
              return `launcher start with all three drivers: ${fmt((all.readyMs as number) / 1000, 2)} s to /ready, ${fmt((all.cpuMs as number) / 1000, 2)} s CPU, ${fmt(all.rssMb as number, 3)} MB RSS (targets 1 s, 1 s, ${TARGET.rssAllMb} MB); run through tsx: ${fmt((tsx.readyMs as number) / 1000, 2)} s, ${fmt((tsx.cpuMs as number) / 1000, 2)} s, ${fmt(tsx.rssMb as number, 3)} MB. Machine ${fmt(idleShare * 100, 2)} % idle meanwhile (the times need an idle machine).`;
            })(),
          ],
        },
      };
    } finally {
      await harness.release(mark);
    }
  },
};
