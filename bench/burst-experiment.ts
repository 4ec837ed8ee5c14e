import { Harness } from './support/harness.js';
import { runLifecycle } from './support/lifecycle.js';
const h = await Harness.create();
try {
  for (const cloud of ['openstack', 'azure'] as const) {
    const r = await runLifecycle(h, { clouds: [cloud], launchers: 1, nodes: 100, submitForMs: 40_000, createsOnly: true, readyTimeoutMs: 45_000, deleteTimeoutMs: 0 });
    const c = r.clouds[0]!;
    const calls = Object.fromEntries(Object.entries(c.calls).map(([a, v]) => [a, v.total]));
    console.log(cloud, 'first create at', c.creates.firstMs, 'ms; by 20 s:', c.creates.series.find(([ms]) => ms >= 20_000)?.[1], 'by 40 s:', c.creates.count, 'ready launches:', c.launchMs.length);
    console.log('   calls', JSON.stringify(calls));
  }
} finally { await h.close(); }
