import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig, NodepoolZk, systemClock, ZkClient, type CloudInstance, type Provider } from '@cloudpool/common';
import { ProxyProcess, startZooKeeperEnsemble, type ZooKeeperEnsemble } from '@cloudpool/common/testing';
import { builtinDrivers } from '@cloudpool/launcher';
import { Ec2Simulator, PUBLIC_IMAGES } from '@cloudpool/simulator';
import { soakLogger } from './soak-logger.js';
import { ProviderRuntime } from '../packages/launcher/src/providers/provider-runtime.js';

/** The simulated VMs' sshd port (the cloud image's `connection-port`). */
const SOAK_SSH_PORT = 2222;

export const PROVIDER = 'ec2-sim';
export const LABEL = 'soak-small';
export const CLEANUP_INTERVAL_S = 2;
export const SESSION_TIMEOUT_S = 4;

export interface BedOptions {
  /** ZooKeeper servers: 1 (standalone) or 3 (an ensemble). */
  servers: 1 | 3;
  /** Launchers connect through a TCP proxy that faults can cut (standalone only). */
  proxied: boolean;
  launchers: number;
  maxServers: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.join(here, '..');

/** A launcher child process. */
class LauncherProcess {
  private child: ChildProcess | undefined;
  /** How this launcher ended when nobody asked it to (a crash: exit code or signal), in order. */
  readonly crashes: string[] = [];
  constructor(
    readonly name: string,
    private readonly configPath: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--conditions=@cloudpool/source', '--import', 'tsx', path.join(here, 'launcher-child.ts'), this.configPath, this.name], {
      cwd: repoRoot,
      env: this.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    child.once('exit', (code, signal) => {
      // kill() and stop() forget the child first; any other end is a crash, and nobody restarts it.
      if (this.child !== child) return;
      this.child = undefined;
      const how = signal ?? `exit code ${String(code)}`;
      this.crashes.push(how);
      process.stdout.write(`  launcher ${this.name} crashed: ${how}\n`);
    });
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      lines.once('line', () => resolve());
      child.once('exit', (code) => reject(new Error(`launcher ${this.name} exited with ${code} before starting`)));
    });
  }

  /** kill -9. */
  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * What a soak run needs: a ZooKeeper (standalone behind an optional proxy, or a 3-server
 * ensemble), the EC2 simulator, launcher processes on one pool, a Zuul-side ZooKeeper client
 * connected directly, and a cloud view through the aws driver's listing.
 */
export class SoakBed {
  readonly launchers: LauncherProcess[] = [];
  zuul!: NodepoolZk;
  provider!: Provider;
  private zuulClient!: ZkClient;
  private runtime!: ProviderRuntime;
  proxy: ProxyProcess | undefined;
  private peakTimer: NodeJS.Timeout | undefined;
  /** Most instances alive (pending or running) at one sample, every 50 ms. */
  peakInstances = 0;

  private constructor(
    readonly options: BedOptions,
    readonly zk: ZooKeeperEnsemble,
    readonly ec2: Ec2Simulator,
    private readonly dir: string,
  ) {}

  static async start(options: BedOptions): Promise<SoakBed> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-soak-'));
    const zk = await startZooKeeperEnsemble(options.servers);
    // SSH mode: every VM runs an sshd that the launcher's readiness scan must reach, as in production.
    const ec2 = new Ec2Simulator({ knobs: { bootTimeMs: 800, deleteTimeMs: 300, latency: { default: { medianMs: 5, p95Ms: 20 } } }, ssh: { port: SOAK_SSH_PORT } });
    await ec2.start();
    const bed = new SoakBed(options, zk, ec2, dir);
    await bed.setUp();
    return bed;
  }

  private async setUp(): Promise<void> {
    const { options, zk, ec2 } = this;
    const direct = zk.clientPorts.map((port) => ({ host: '127.0.0.1', port }));
    if (options.proxied) this.proxy = await ProxyProcess.start(direct[0]!);
    const launcherHosts = this.proxy ? [this.proxy.hostPort] : direct;
    const info = ec2.connectionInfo();
    const text = nodepoolYaml(launcherHosts, info.endpoint, info.region, options.maxServers);
    const configPath = path.join(this.dir, 'nodepool.yaml');
    await writeFile(configPath, text);
    const env = {
      ...process.env,
      AWS_PROFILE: undefined,
      NODE_NO_WARNINGS: '1',
      AWS_ENDPOINT_URL: info.endpoint,
      AWS_ACCESS_KEY_ID: info.accessKeyId,
      AWS_SECRET_ACCESS_KEY: info.secretAccessKey,
      AWS_REGION: info.region,
    };
    // The cloud view of this process uses the same credentials (the SDK reads them from the environment).
    for (const [key, value] of Object.entries(env)) {
      if (!key.startsWith('AWS_')) continue;
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    for (let i = 0; i < options.launchers; i++) this.launchers.push(new LauncherProcess(`soak-launcher-${i + 1}`, configPath, env));
    await Promise.all(this.launchers.map((launcher) => launcher.start()));
    this.zuulClient = await ZkClient.connect({ hosts: direct, sessionTimeoutMs: 10_000 });
    this.zuul = new NodepoolZk(this.zuulClient, { identifier: 'zuul' });
    const drivers = await builtinDrivers();
    const config = loadConfig({ text: await readFile(configPath, 'utf8'), path: configPath }, { drivers, env: {} });
    this.runtime = new ProviderRuntime(config.providers.get(PROVIDER)!, drivers.get('aws')!, {
      zk: this.zuul,
      systemId: await this.zuul.getSystemId(),
      logger: soakLogger({ soak: 'cloud view' }),
      clock: systemClock,
      config: () => config,
      timings: { providerLoopMs: 100 },
    });
    await this.runtime.start();
    this.provider = this.runtime.provider;
    this.peakTimer = setInterval(() => {
      const { pending, running } = this.ec2.resources().instances;
      this.peakInstances = Math.max(this.peakInstances, pending + running);
    }, 50);
  }

  /** Runs a ZooKeeper call of the Zuul-like client, again after a connection loss (ZooKeeper restarts too), as kazoo's retry does. */
  retry<T>(operation: () => Promise<T>): Promise<T> {
    return this.zuulClient.retryOnConnectionLoss(operation);
  }

  /** The instances of this provider in the cloud, by the driver's listing (all pages or an error). */
  async instances(): Promise<CloudInstance[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.provider.listNodes();
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(500);
      }
    }
  }

  /** Stops everything; a step that does not end within 30 s is reported and left behind, so one hang cannot stop the soak. */
  async stop(): Promise<void> {
    clearInterval(this.peakTimer);
    const step = async (name: string, work: () => Promise<unknown> | undefined) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          process.stdout.write(`  soak bed: ${name} did not end within 30 s; going on\n`);
          resolve();
        }, 30_000);
      });
      await Promise.race([Promise.resolve(work()).catch((error: unknown) => process.stdout.write(`  soak bed: ${name} failed: ${String(error)}\n`)), late]);
      clearTimeout(timer);
    };
    await step('stopping the launchers', () => Promise.all(this.launchers.map((l) => l.stop())));
    await step('stopping the cloud view', () => this.runtime?.stop());
    await step('closing the Zuul client', () => this.zuulClient?.close());
    await step('closing the proxy', () => this.proxy?.close());
    await step('stopping the EC2 simulator', () => this.ec2.stop());
    await step('stopping ZooKeeper', () => this.zk.stop());
    await rm(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function nodepoolYaml(hosts: Array<{ host: string; port: number }>, endpoint: string, region: string, maxServers: number): string {
  return `zookeeper-servers:
${hosts.map((h) => `  - host: ${h.host}\n    port: ${h.port}`).join('\n')}
zookeeper-timeout: ${SESSION_TIMEOUT_S}
labels:
  - name: ${LABEL}
cloudpool:
  cleanup:
    interval: ${CLEANUP_INTERVAL_S}
    min-age: 3
providers:
  - name: ${PROVIDER}
    driver: aws
    region-name: ${JSON.stringify(region)}
    endpoint: ${JSON.stringify(endpoint)}
    rate: 50
    launch-retries: 3
    cloud-images:
      - name: ubuntu-jammy
        image-id: ${JSON.stringify(jammyAmiId())}
        username: ubuntu
        connection-port: ${SOAK_SSH_PORT}
    pools:
      - name: main
        max-servers: ${maxServers}
        labels:
          - name: ${LABEL}
            cloud-image: ubuntu-jammy
            instance-type: t3.small
            key-name: zuul
`;
}

function jammyAmiId(): string {
  return PUBLIC_IMAGES.find((image) => image.name.includes('ubuntu-jammy-22.04-amd64'))!.id;
}
