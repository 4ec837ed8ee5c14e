import type { CloudInstance, NodeRequestRecord } from '@cloudpool/common';
import { LABEL, sleep, type SoakBed } from './soak-bed.js';

/** What the Zuul-like client saw of one request. */
export interface RequestOutcome {
  id: string;
  result: 'served' | 'failed' | 'stuck';
  /** Handed-out nodes that were not ready, not allocated to this request, or had no live instance. */
  broken: string[];
  /** Nodes deleted (record or instance) while this client held them in use. */
  deletedInUse: string[];
}

const ALIVE = new Set(['building', 'ready']);

/**
 * The node's instance from the cloud listing; the listing is cached about a second, so an
 * instance missing from it is looked for again in a fresh one before it counts as missing.
 */
async function liveInstance(bed: SoakBed, externalId: unknown): Promise<CloudInstance | undefined> {
  for (let attempt = 1; ; attempt++) {
    const instance = (await bed.instances()).find((i) => i.externalId === externalId);
    if ((instance && ALIVE.has(instance.state)) || attempt === 3) return instance;
    await sleep(1500);
  }
}

/**
 * Acts as Zuul does with a node request: submits it, waits for `fulfilled` or `failed`, then
 * locks each node, checks it (ready, allocated to this request, its instance alive), marks it
 * `in-use`, holds it, checks it is still there, marks it `used`, unlocks, and deletes the request.
 */
export async function runRequest(bed: SoakBed, nodes: number, options: { settleMs: number; holdMs: number }): Promise<RequestOutcome> {
  const id = await bed.retry(() => bed.zuul.submitRequest({ node_types: Array<string>(nodes).fill(LABEL), requestor: 'soak-zuul' }));
  const outcome: RequestOutcome = { id, result: 'stuck', broken: [], deletedInUse: [] };
  const deadline = Date.now() + options.settleMs;
  let request: NodeRequestRecord | undefined;
  for (;;) {
    request = await bed.zuul.getRequest(id).catch(() => undefined);
    if (request && (request.state === 'fulfilled' || request.state === 'failed')) break;
    if (Date.now() > deadline) return outcome;
    await sleep(100);
  }
  if (request.state === 'failed') {
    outcome.result = 'failed';
    await bed.retry(() => bed.zuul.deleteRequest(id));
    return outcome;
  }
  outcome.result = 'served';
  const locks = [];
  for (const nodeId of request.nodes as Array<string | null>) {
    if (typeof nodeId !== 'string') {
      outcome.broken.push(String(nodeId));
      continue;
    }
    const locked = await bed.retry(() => bed.zuul.lockNode(nodeId, { timeoutMs: 10_000 })).catch(() => undefined);
    if (!locked) {
      outcome.broken.push(`${nodeId} (cannot lock)`);
      continue;
    }
    const node = locked.node;
    const instance = await liveInstance(bed, node.external_id);
    if (node.state !== 'ready' || node.allocated_to !== id || !instance || !ALIVE.has(instance.state)) {
      outcome.broken.push(`${nodeId} (${node.state}, allocated to ${String(node.allocated_to)}, instance ${instance?.state ?? 'missing'})`);
    }
    node.state = 'in-use';
    locked.node = await bed.retry(() => bed.zuul.updateNode(node));
    locks.push(locked);
  }
  await sleep(options.holdMs);
  for (const locked of locks) {
    const now = await bed.retry(() => bed.zuul.getNode(locked.node.id));
    const instance = await liveInstance(bed, locked.node.external_id);
    if (!now || now.state !== 'in-use' || !instance || !ALIVE.has(instance.state)) outcome.deletedInUse.push(locked.node.id);
    if (now) {
      now.state = 'used';
      await bed.retry(() => bed.zuul.updateNode(now)).catch(() => undefined);
    }
    await locked.lock.release().catch(() => undefined);
  }
  await bed.retry(() => bed.zuul.deleteRequest(id));
  return outcome;
}
