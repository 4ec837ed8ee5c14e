import { NodepoolZk, ZkClient, type ZkClientConfig } from '@cloudpool/common';
import { parseHosts, startTlsZooKeeper } from '@cloudpool/common/testing';
import { fmt, type Benchmark, type Cell } from '../support/report.js';

/** Connections made per transport (alternating, so both see the same machine load). */
const CONNECTS = 20;
/** Small operations (1 KB get/set) per measurement. */
const OPERATIONS = 3000;
/** Node request cycles (submit, lock, read, fulfil, unlock, delete) per measurement. */
const REQUEST_CYCLES = 300;
/** Reads of one 256 KB znode (many TLS records per reply) per measurement. */
const LARGE_READS = 200;
const ROUNDS = 3;

type Transport = 'plaintext' | 'tls';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `count` calls of `operation`, `inFlight` at a time; resolves the calls per second. */
async function rate(count: number, inFlight: number, operation: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await operation(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

interface Workload {
  name: string;
  unit: string;
  run(client: ZkClient, zk: NodepoolZk): Promise<number>;
}

const WORKLOADS: Workload[] = [
  {
    name: '1 KB get/set, 1 in flight',
    unit: 'operations/s',
    run: (client) => rate(OPERATIONS / 3, 1, (i) => (i % 2 === 0 ? client.get('/small') : client.set('/small', Buffer.alloc(1024, i)))),
  },
  {
    name: '1 KB get/set, 64 in flight',
    unit: 'operations/s',
    run: (client) => rate(OPERATIONS, 64, (i) => (i % 2 === 0 ? client.get('/small') : client.set('/small', Buffer.alloc(1024, i)))),
  },
  {
    name: '256 KB get, 8 in flight',
    unit: 'reads/s',
    run: (client) => rate(LARGE_READS, 8, () => client.get('/large')),
  },
  {
    name: 'node request cycle, 16 in flight',
    unit: 'requests/s',
    run: (_client, zk) =>
      rate(REQUEST_CYCLES, 16, async () => {
        const id = await zk.submitRequest({ node_types: ['small'] });
        const lock = await zk.lockRequest(id);
        const request = await zk.getRequest(id);
        if (!lock || !request) throw new Error(`request ${id} vanished`);
        request.state = 'fulfilled';
        await zk.updateRequest(request);
        await lock.release();
        await zk.deleteRequest(id);
      }),
  },
];

export const zookeeperTls: Benchmark = {
  name: 'zookeeper-tls',
  description: 'ZooKeeper over TLS (client certificates, TLSv1.2) against plaintext: connect time and request throughput',
  async run(harness) {
    const plaintextServer = await harness.zookeeper();
    const tlsServer = await startTlsZooKeeper();
    try {
      const configs: Record<Transport, ZkClientConfig> = {
        plaintext: { hosts: parseHosts(plaintextServer.connectString), sessionTimeoutMs: 10_000 },
        tls: { hosts: tlsServer.hosts, tls: tlsServer.pki.client, sessionTimeoutMs: 10_000 },
      };
      const transports: Transport[] = ['plaintext', 'tls'];

      // Warm both servers (JIT, TLS session setup on the server side) before timing.
      for (const transport of transports) await (await ZkClient.connect(configs[transport])).close();
      const connectMs: Record<Transport, number[]> = { plaintext: [], tls: [] };
      for (let i = 0; i < CONNECTS; i++) {
        for (const transport of i % 2 === 0 ? transports : [...transports].reverse()) {
          const started = performance.now();
          const client = await ZkClient.connect(configs[transport]);
          connectMs[transport].push(performance.now() - started);
          await client.close();
        }
      }

      const chroot = harness.chroot('zookeeper-tls');
      const sessions = {} as Record<Transport, { client: ZkClient; zk: NodepoolZk }>;
      for (const transport of transports) {
        const client = await ZkClient.connect({ ...configs[transport], chroot });
        await client.create('/small', Buffer.alloc(1024)).catch(() => undefined);
        await client.create('/large', Buffer.alloc(256 * 1024, 7)).catch(() => undefined);
        sessions[transport] = { client, zk: new NodepoolZk(client, { identifier: `bench-${transport}` }) };
      }
      const rates: Record<string, Record<Transport, number[]>> = {};
      try {
        for (let round = 0; round < ROUNDS; round++) {
          for (const workload of WORKLOADS) {
            const entry = (rates[workload.name] ??= { plaintext: [], tls: [] });
            for (const transport of round % 2 === 0 ? transports : [...transports].reverse()) {
              const { client, zk } = sessions[transport];
              entry[transport].push(await workload.run(client, zk));
            }
          }
        }
      } finally {
        for (const { client } of Object.values(sessions)) await client.close();
      }

      const connect = { plaintext: median(connectMs.plaintext), tls: median(connectMs.tls) };
      const rows: Cell[][] = [['connect (first session)', 'ms, median', connect.plaintext, connect.tls, connect.tls / connect.plaintext]];
      const throughput = WORKLOADS.map((workload) => {
        const plaintext = median(rates[workload.name]!.plaintext);
        const tls = median(rates[workload.name]!.tls);
        rows.push([workload.name, `${workload.unit}, median`, plaintext, tls, tls / plaintext]);
        return { workload: workload.name, unit: workload.unit, plaintext, tls, ratio: tls / plaintext };
      });
      const requestCycle = throughput.find((t) => t.unit === 'requests/s')!;
      const pipelined = throughput.find((t) => t.workload.includes('64 in flight'))!;
      return {
        tables: [
          {
            title: 'zookeeper-tls: the same work over TLS and over plaintext, interleaved in one run',
            columns: ['measure', 'unit', 'plaintext', 'TLS', 'TLS / plaintext'],
            rows,
            notes: [
              `${CONNECTS} connects per transport; ${ROUNDS} rounds of each workload (medians). TLS: a TLS-only server (Netty,`,
              'TLSv1.2, client certificate required), plaintext: the run\'s server (NIO); same JVM settings, one session each.',
            ],
          },
        ],
        json: { connectMs, connect, throughput, rounds: ROUNDS },
        snippet: {
          bullets: [
            `zookeeper-tls: over TLS a connect takes ${fmt(connect.tls / connect.plaintext, 2)}× the plaintext time (median ${fmt(connect.tls, 2)} ms vs ${fmt(connect.plaintext, 2)} ms); ` +
              `node request cycles run at ${fmt(requestCycle.ratio, 2)}× and pipelined 1 KB operations at ${fmt(pipelined.ratio, 2)}× the plaintext rate.`,
          ],
        },
      };
    } finally {
      await tlsServer.stop();
    }
  },
};
