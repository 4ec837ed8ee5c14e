/**
 * cloudpool's benchmarks: `./scripts/bench.sh` (or `pnpm bench`) runs them all, `./scripts/bench.sh <name>...` some.
 * Each prints its tables and writes `bench/results/<name>.json`; the README snippet
 * (`bench/results/README-snippet.md`) is rebuilt from the results present.
 */
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { apiEconomy } from './benchmarks/api-economy.js';
import { cleanupPass } from './benchmarks/cleanup-pass.js';
import { launcherStart } from './benchmarks/launcher-start.js';
import { launchThroughput } from './benchmarks/launch-throughput.js';
import { memory } from './benchmarks/memory.js';
import { nodeScan } from './benchmarks/node-scan.js';
import { simulatorList } from './benchmarks/simulator-list.js';
import { timeToReady } from './benchmarks/time-to-ready.js';
import { zookeeperCost } from './benchmarks/zookeeper-cost.js';
import { zookeeperTls } from './benchmarks/zookeeper-tls.js';
import { Harness } from './support/harness.js';
import { childWarnings } from './support/ipc.js';
import { markdownTable, printTable, RESULTS_DIR, writeResult, writeText, type Benchmark, type Snippet } from './support/report.js';

const BENCHMARKS: Benchmark[] = [launcherStart, simulatorList, launchThroughput, apiEconomy, zookeeperCost, zookeeperTls, timeToReady, nodeScan, cleanupPass, memory];

interface SavedResult {
  name: string;
  description: string;
  finishedAt: string;
  durationMs: number;
  snippet: Snippet;
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = asked.length > 0 ? BENCHMARKS.filter((b) => asked.includes(b.name)) : BENCHMARKS;
  const started = Date.now();
  console.log(`cloudpool benchmarks: ${selected.map((b) => b.name).join(', ')} (${os.cpus().length} cores, Node ${process.version})`);
  const harness = await Harness.create();
  const stop = () => void harness.close().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const benchmark of selected) {
      const began = Date.now();
      console.log(`\n=== ${benchmark.name}: ${benchmark.description}`);
      const result = await benchmark.run(harness);
      for (const table of result.tables) printTable(table);
      const durationMs = Date.now() - began;
      const file = await writeResult(benchmark.name, {
        name: benchmark.name,
        description: benchmark.description,
        finishedAt: new Date().toISOString(),
        durationMs,
        machine: { cores: os.cpus().length, node: process.version },
        snippet: result.snippet,
        results: result.json,
      } satisfies SavedResult & Record<string, unknown>);
      console.log(`(${(durationMs / 1000).toFixed(0)} s; ${file})`);
    }
  } finally {
    await harness.close();
  }
  const warnings = childWarnings();
  if (warnings.size > 0) {
    console.log('\nWarnings printed by the launcher and simulator processes (number of processes):');
    for (const [warning, processes] of warnings) console.log(`  ${processes} × ${warning}`);
  }
  await writeSnippet();
  console.log(`\nall done in ${((Date.now() - started) / 1000).toFixed(0)} s; README snippet: ${RESULTS_DIR}README-snippet.md`);
}

/** The README snippet, from the latest result of every benchmark present. */
async function writeSnippet(): Promise<void> {
  const saved = new Map<string, SavedResult>();
  for (const file of await readdir(RESULTS_DIR)) {
    if (!file.endsWith('.json')) continue;
    const result = JSON.parse(await readFile(`${RESULTS_DIR}${file}`, 'utf8')) as SavedResult;
    if (BENCHMARKS.some((b) => b.name === result.name)) saved.set(result.name, result);
  }
  const present = BENCHMARKS.filter((b) => saved.has(b.name)).map((b) => saved.get(b.name)!);
  const rows = present.flatMap((r) => r.snippet.rows ?? []);
  const bullets = present.flatMap((r) => (r.snippet.bullets ?? []).map((line) => `- ${line}`));
  const dates = [...new Set(present.map((r) => r.finishedAt.slice(0, 10)))].join(', ');
  const text = [
    '## Benchmarks',
    '',
    'cloudpool against the physical limit of each cloud\'s API budget, on the simulators (create latency median 1 s,',
    'boot 5 s, 10 requests/s per provider), a real ZooKeeper, and launchers in their own processes. Every figure is a',
    'ratio to a bound measured or computed in the same run; absolute times depend on the machine.',
    '',
    ...markdownTable(['benchmark', 'ratio', 'aws', 'azure', 'openstack'], rows),
    '',
    ...bullets,
    '',
    'Baseline, quoted from issue #20 (Nodepool\'s launcher measured side by side with cloudpool on the same machine, config',
    'and workload: one AWS provider, `rate: 2`, an EC2 emulator, Zuul\'s requests over ZooKeeper): start → `/ready` 2.2 s',
    '(cloudpool then 2.7 s), CPU used by then 1.5 s (3.1 s), RSS at ready 180 MB (308 MB), peak RSS over 60 node',
    'lifecycles 192 MB (313 MB).',
    '',
    `Measured ${dates} on ${os.cpus().length} cores, Node ${process.versions.node.split('.')[0]}. Reproduce: \`./scripts/bench.sh\` (all, about 8.5 minutes on 2 cores) or`,
    '`./scripts/bench.sh <name>` (launcher-start, simulator-list, launch-throughput, api-economy, zookeeper-cost, zookeeper-tls,',
    'time-to-ready, cleanup-pass, memory); each prints its tables and writes `bench/results/<name>.json`. Needs Java and Debian\'s',
    '`zookeeper` jars (or `ZOOKEEPER_CLASSPATH`).',
    '',
  ].join('\n');
  await writeText('README-snippet.md', text);
}

await main();
