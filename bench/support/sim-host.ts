/**
 * A child process running one simulated cloud, so that its CPU time is its own and the
 * launchers talk to it over loopback as to a real cloud. Started by `startCloud` (harness.ts)
 * with the cloud's name and knobs as arguments; answers the calls below over IPC.
 */
import type { HandlerResult, KnobsPatch, SimRequest, SimulatedCloud } from '@cloudpool/simulator';
import { AzureSimulator, Ec2Simulator, OpenStackSimulator } from '@cloudpool/simulator';
import { SSH_PORT } from './clouds.js';
import { exitSoon, serve } from './ipc.js';
import { parseXml, toXml } from './xml.js';

export type CloudName = 'aws' | 'azure' | 'openstack';

/** What a launcher needs to reach the simulator as it would reach the real cloud. */
export type ConnectionInfo =
  | { cloud: 'aws'; endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }
  | { cloud: 'azure'; authFile: unknown; ca: string; resourceGroup: string; location: string }
  | { cloud: 'openstack'; cloudsYaml: string; cloudName: string; regionName: string };

/** One instance to plant: its tags (metadata on OpenStack) and, on OpenStack, its Nova tags. */
export interface PlantedInstance {
  tags: Record<string, string>;
  serverTags?: string[];
}

export interface CaptureResult {
  responses: number;
  bytes: number;
  /** CPU (ms) of the best of 3 re-serialisations of every captured body to its wire format (as bytes). */
  serialiseCpuMs: number;
}

const [cloud, knobsJson] = process.argv.slice(2) as [CloudName, string];
const knobs = JSON.parse(knobsJson) as KnobsPatch;
/** Every VM runs an sshd, so time-to-ready includes the launcher's readiness scan. */
const ssh = { port: SSH_PORT };

function makeSimulator(): SimulatedCloud {
  switch (cloud) {
    case 'aws':
      return new Ec2Simulator({ knobs, ssh });
    case 'azure':
      // The benchmarks set their own boot and delete times; the rest of Azure's pace is off.
      return new AzureSimulator({ timing: 'fast', knobs, ssh });
    case 'openstack':
      return new OpenStackSimulator({ knobs, neutronL3: true, ssh });
  }
}

const sim = makeSimulator();
await sim.start();

// Every answer the cloud gives passes here; while capturing, list bodies are kept.
let captured: Array<{ type: string; body: string }> | undefined;
const handling = sim as unknown as { handle(request: SimRequest): Promise<HandlerResult> };
const handle = handling.handle.bind(sim);
handling.handle = async (request) => {
  const result = await handle(request);
  if (captured && typeof result === 'object' && result.body !== undefined) {
    captured.push({ type: result.headers?.['content-type'] ?? '', body: result.body.toString() });
  }
  return result;
};

function connectionInfo(): ConnectionInfo {
  if (sim instanceof Ec2Simulator) return { cloud: 'aws', ...sim.connectionInfo() };
  if (sim instanceof AzureSimulator) {
    const info = sim.connectionInfo();
    return { cloud: 'azure', authFile: info.authFile, ca: info.ca, resourceGroup: info.resourceGroup, location: info.location };
  }
  const info = (sim as OpenStackSimulator).connectionInfo();
  return { cloud: 'openstack', cloudsYaml: info.yaml, cloudName: info.cloudName, regionName: info.regionName };
}

/** Plants running instances, in batches so that a large seed does not stall the server for long. */
async function plant(instances: PlantedInstance[]): Promise<number> {
  for (let start = 0; start < instances.length; start += 500) {
    const batch = instances.slice(start, start + 500);
    if (sim instanceof Ec2Simulator) sim.seed({ instances: batch.map(({ tags }) => ({ tags, instanceType: 't3.medium' })) });
    else if (sim instanceof AzureSimulator) sim.seed({ virtualMachines: batch.map(({ tags }) => ({ tags, vmSize: 'Standard_B2s' })) });
    else {
      (sim as OpenStackSimulator).seed({
        servers: batch.map(({ tags, serverTags }, i) => ({ name: `planted-${start + i}`, metadata: tags, ...(serverTags ? { tags: serverTags } : {}) })),
      });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return instances.length;
}

/** CPU ms of `work`, the best of `times` runs. */
function bestCpuMs(times: number, work: () => void): number {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

serve({
  info: () => connectionInfo(),
  counters: () => sim.counters.snapshot(),
  plant: (instances: PlantedInstance[]) => plant(instances),
  cpu: () => process.cpuUsage(),
  startCapture: () => void (captured = []),
  /** Stops capturing and times the serialisation of what was captured, as the baseline of the list benchmark. */
  stopCapture: (): CaptureResult => {
    const bodies = captured ?? [];
    captured = undefined;
    const json = bodies.filter((b) => b.type.includes('json')).map((b) => JSON.parse(b.body) as unknown);
    const xml = bodies.filter((b) => b.type.includes('xml')).map((b) => parseXml(b.body));
    let sink = 0;
    const serialiseCpuMs = bestCpuMs(3, () => {
      for (const value of json) sink += Buffer.byteLength(JSON.stringify(value));
      for (const tree of xml) sink += Buffer.byteLength(toXml(tree));
    });
    // Using the output keeps the work from being optimised away.
    if (sink < 0) throw new Error('unreachable');
    return { responses: bodies.length, bytes: bodies.reduce((sum, b) => sum + Buffer.byteLength(b.body), 0), serialiseCpuMs };
  },
  stop: async () => {
    await sim.stop();
    exitSoon();
  },
});
