import { cpuUsage } from 'node:process';
import { awsDriver } from '@cloudpool/aws';
import { interfaceAddress, loadConfig, scanNode, systemClock, type LaunchResult, type PoolConfig, type Provider, type ProviderContext } from '@cloudpool/common';
import { passthroughQueue } from '@cloudpool/common/testing';
import { Ec2Simulator, PUBLIC_IMAGES } from '@cloudpool/simulator';
import { SSH_PORT } from '../support/clouds.js';
import { percentiles, type Benchmark, type Cell } from '../support/report.js';

/** Nodes launched at once in each half of the run. */
const NODES = 40;
/** A quick cloud, so that the scan's share is visible: a 1 s boot, creates answered at once. */
const BOOT_TIME_MS = 1_000;
const JAMMY = PUBLIC_IMAGES.find((image) => image.name.includes('jammy-22.04-amd64'))!.id;

/**
 * What the readiness scan costs per node: the same EC2 simulator (SSH mode, each VM an sshd of
 * its own) and the same `aws` provider launch `NODES` nodes at once with `host-key-checking:
 * false`, then `NODES` with it on; the difference of the median launch times (create → ready)
 * is the scan's wall cost, given as a ratio to the launch time without it. Then the launcher's
 * CPU per scan: `NODES` scans of the running nodes at once (this process also runs their sshd,
 * so the figure is an upper bound of the launcher's share).
 */
export const nodeScan: Benchmark = {
  name: 'node-scan',
  description: `the readiness scan's cost per node (port check + 3 SSH handshakes): launch time with ÷ without it, ${NODES} nodes at once`,
  async run() {
    const sim = await new Ec2Simulator({ knobs: { bootTimeMs: BOOT_TIME_MS }, ssh: { port: SSH_PORT } }).start();
    const { accessKeyId, secretAccessKey, region, endpoint } = sim.connectionInfo();
    process.env.AWS_ACCESS_KEY_ID = accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = secretAccessKey;
    try {
      const without = await launchAll(providerFor(endpoint, region, false), 0);
      const withScan = await launchAll(providerFor(endpoint, region, true), NODES);
      const addresses = withScan.ready.map((result) => interfaceAddress(result.instance)!);
      const cpu = cpuUsage();
      const wallStart = performance.now();
      await Promise.all(addresses.map((host) => scanNode({ host, port: SSH_PORT, connectionType: 'ssh' }, { clock: systemClock, timeoutMs: 30_000 })));
      const scanWallMs = performance.now() - wallStart;
      const used = cpuUsage(cpu);
      const cpuPerScanMs = (used.user + used.system) / 1000 / addresses.length;
      const a = percentiles(without.launchMs);
      const b = percentiles(withScan.launchMs);
      const costMs = b.median - a.median;
      const rows: Cell[][] = [
        ['host-key-checking: false', without.ready.length, a.median / 1000, a.p95 / 1000, 1],
        ['host-key-checking: true', withScan.ready.length, b.median / 1000, b.p95 / 1000, b.median / a.median],
      ];
      return {
        tables: [
          {
            title: `node-scan: launch time (create → ready) of ${NODES} nodes at once, aws driver on the EC2 simulator (boot ${BOOT_TIME_MS / 1000} s)`,
            columns: ['readiness', 'nodes ready', 'launch median s', 'p95 s', '÷ without scan (median)'],
            rows,
            notes: [
              `scan cost per node: ${(costMs / 1000).toFixed(3)} s of wall time (${((costMs / a.median) * 100).toFixed(1)} % of a launch without it); ` +
                `CPU per scan ${cpuPerScanMs.toFixed(1)} ms (launcher and sshd sides, ${addresses.length} scans at once in ${(scanWallMs / 1000).toFixed(2)} s).`,
            ],
          },
        ],
        json: { nodes: NODES, bootTimeMs: BOOT_TIME_MS, without, withScan: { launchMs: withScan.launchMs }, costMs, cpuPerScanMs, scanWallMs },
        snippet: {
          rows: [
            [
              'node-scan',
              'launch time with ÷ without the readiness scan, median (scan wall s per node; CPU ms per scan)',
              `${(b.median / a.median).toFixed(2)} (${(costMs / 1000).toFixed(2)} s; ${cpuPerScanMs.toFixed(1)} ms)`,
              '–',
              '–',
            ],
          ],
        },
      };
    } finally {
      await sim.stop();
    }
  },
};

/** The `aws` provider of a one-pool `nodepool.yaml` on the simulator. */
function providerFor(endpoint: string, region: string, hostKeyChecking: boolean): { provider: Provider; pool: PoolConfig } {
  const text = `zookeeper-servers:\n  - host: 127.0.0.1\n    port: 2181\nlabels:\n  - name: small\nproviders:
  - name: scan-bench
    driver: aws
    region-name: ${region}
    endpoint: ${endpoint}
    rate: 1000
    boot-timeout: 60
    cloud-images:
      - name: jammy
        image-id: ${JAMMY}
        username: ubuntu
        connection-port: ${SSH_PORT}
    pools:
      - name: main
        max-servers: ${2 * NODES}
        host-key-checking: ${hostKeyChecking}
        labels:
          - name: small
            cloud-image: jammy
            instance-type: t3.medium
            key-name: zuul
`;
  const config = loadConfig({ text, path: 'node-scan-bench.yaml' }, { drivers: { aws: awsDriver }, env: {} });
  const providerConfig = config.providers.get('scan-bench')!;
  const provider = awsDriver.getProvider(providerConfig, {
    systemId: 'node-scan-bench',
    queue: passthroughQueue,
    logger: silentLogger(),
    clock: systemClock,
    cleanup: config.cloudpool.cleanup,
    readReferences: () => Promise.reject(new Error('no leak cleanup in this benchmark')),
    loopIntervalMs: 20,
  });
  return { provider, pool: providerConfig.pools.get('main')! };
}

/** Launches `NODES` nodes at once (ids from `offset`) and waits for every one; launch times in ms. */
async function launchAll({ provider, pool }: { provider: Provider; pool: PoolConfig }, offset: number) {
  await provider.start();
  try {
    const handler = provider.getRequestHandler(pool, '100-0000000001');
    const label = pool.labels.get('small')!;
    const started = new Map<string, number>();
    for (let n = 1; n <= NODES; n++) {
      const nodeId = String(offset + n).padStart(10, '0');
      started.set(nodeId, performance.now());
      handler.launch(nodeId, label, { externalId: () => undefined });
    }
    // Each launch's end, as the provider loop (every 20 ms) reports it.
    const finished = new Map<string, number>();
    while (!handler.launchesComplete()) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const result of handler.results()) if (!finished.has(result.nodeId)) finished.set(result.nodeId, performance.now());
    }
    const results = handler.results();
    for (const result of results) if (!finished.has(result.nodeId)) finished.set(result.nodeId, performance.now());
    const ready = results.filter((result): result is Extract<LaunchResult, { status: 'ready' }> => result.status === 'ready');
    if (ready.length !== NODES) throw new Error(`node-scan: ${NODES - ready.length} launches failed: ${JSON.stringify(results.find((r) => r.status !== 'ready'))}`);
    return { ready, launchMs: ready.map((result) => finished.get(result.nodeId)! - started.get(result.nodeId)!) };
  } finally {
    await provider.stop();
  }
}

/** A logger that drops everything (the provider calls `child` and the level methods). */
function silentLogger(): ProviderContext['logger'] {
  const logger: Record<string, unknown> = { child: () => logger };
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) logger[level] = () => undefined;
  return logger as unknown as ProviderContext['logger'];
}
