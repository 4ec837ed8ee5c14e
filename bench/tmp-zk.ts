import { Harness } from './support/harness.js';
import { lightRun } from './support/scenarios.js';
const harness = await Harness.create();
try {
  for (const launchers of (process.env.LAUNCHERS ?? "1,2").split(",").map(Number)) {
    const result = await lightRun(harness, launchers);
    const nodes = result.clouds.reduce((s, c) => s + c.deleted, 0);
    const sum = (k: 'reads' | 'writes' | 'watchesSet' | 'watchEvents') => result.launchers.reduce((s, l) => s + l.zk[k], 0) / nodes;
    console.log(launchers, 'launchers', nodes, 'nodes', 'reads', sum('reads').toFixed(1), 'writes', sum('writes').toFixed(1), 'watches', sum('watchesSet').toFixed(1), 'events', sum('watchEvents').toFixed(1));
    const byPath: Record<string, number> = {};
    for (const l of result.launchers) for (const [p, n] of Object.entries(l.zkPaths)) byPath[p] = (byPath[p] ?? 0) + n / nodes;
    console.log(Object.entries(byPath).sort((a, b) => b[1] - a[1]).filter(([p]) => process.env.GREP ? p.includes(process.env.GREP) : true).slice(0, 12).map(([p, n]) => `  ${n.toFixed(2)} ${p}`).join('\n'));
  }
} finally {
  await harness.close();
}
