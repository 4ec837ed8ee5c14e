import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { Clock, NodepoolZk, NodeRecord, NodeRequestRecord } from '@cloudpool/common';
import { MIN_READY_REQUESTOR } from '../../pool/pool-worker.js';
import { CliError } from '../cli-error.js';
import { loadConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { nodeRows, nodeTable } from '../node-list.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';
import { withZooKeeper } from '../zookeeper.js';
import { requestRow } from '../../web/nodepool-status.js';

interface RequestOptions {
  priority: string;
  requestor: string;
  tenant?: string;
  wait?: boolean;
  timeout?: number;
}

/** How often the request is read while waiting. */
const POLL_INTERVAL_MS = 200;

/**
 * `request <label>...`: submits a node request as Zuul does (an ephemeral sequential znode
 * `<priority>-<seq>`, so it lasts as long as this command's session). Without `--wait` the
 * command returns once a launcher has taken the request; the request is then withdrawn, and the
 * nodes launched for it become ready nodes for anyone. With `--wait` it returns when the request
 * is fulfilled (printing the nodes) or failed (exit 1).
 */
export function registerRequest(program: Command, io: CliIo): void {
  withCommonOptions(program.command('request'))
    .description('submit a node request as Zuul does; it lasts while this command runs')
    .argument('<label...>', 'one node of each label')
    .option('--priority <nnn>', 'priority, lower served first (Zuul uses 100, 200, 300)', parsePriority, '100')
    .option('--requestor <name>', 'who asks, as Zuul writes it', parseRequestor, 'cloudpool-cli')
    .option('--tenant <name>', 'tenant, for tenant-resource-limits')
    .option('--wait', 'wait until the request is fulfilled or failed, and print its nodes')
    .option('--timeout <seconds>', 'give up waiting after this long', parseSeconds)
    .action(async (labels: string[], options: RequestOptions, command: Command) => {
      const { config } = await loadConfigFile(configPath(command), io);
      await withZooKeeper(config, async (zk) => {
        const fields = { node_types: labels, requestor: options.requestor, ...(options.tenant ? { tenant_name: options.tenant } : {}) };
        const id = await zk.submitRequest(fields, options.priority);
        io.stderr.write(`Request ${id} submitted for ${labels.join(', ')}\n`);
        const until = options.wait ? ['fulfilled', 'failed'] : ['pending', 'fulfilled', 'failed'];
        const request = await waitForState(zk, id, until, options.timeout, io.clock);
        const nodes = request.state === 'fulfilled' ? await fulfilledNodes(zk, request) : [];
        const rows = await nodeRows(zk, nodes, io.clock.now());
        printResult(io, wantsJson(command), { request: requestRow(request), nodes: rows }, () =>
          request.state === 'fulfilled' ? nodeTable(rows) : `Request ${id}: ${request.state}\n`,
        );
        if (request.state === 'failed') throw new CliError(`request ${id} failed: declined by ${request.declined_by.join(', ') || 'every pool'}`);
        if (!options.wait) io.stderr.write(`Request ${id} is withdrawn as this command exits; nodes launched for it become ready nodes for anyone\n`);
      });
    });
}

/** Reads the request until its state is one of `states`; throws when it vanished or `timeoutSeconds` passed. */
async function waitForState(
  zk: NodepoolZk,
  id: string,
  states: string[],
  timeoutSeconds: number | undefined,
  clock: Clock,
): Promise<NodeRequestRecord> {
  const deadline = timeoutSeconds === undefined ? Infinity : clock.now() + timeoutSeconds * 1000;
  for (;;) {
    const request = await zk.getRequest(id);
    if (!request) throw new CliError(`request ${id} disappeared from ZooKeeper`);
    if (states.includes(request.state)) return request;
    if (clock.now() > deadline) throw new CliError(`request ${id} is still ${request.state} after ${timeoutSeconds} s; withdrawn`);
    await sleep(POLL_INTERVAL_MS);
  }
}

async function fulfilledNodes(zk: NodepoolZk, request: NodeRequestRecord): Promise<NodeRecord[]> {
  const nodes = await Promise.all(request.nodes.map((id) => zk.getNode(id)));
  return nodes.filter((node): node is NodeRecord => node !== undefined);
}

/** `100`, or `50` as `050`: Nodepool's three-digit priority prefix. */
function parsePriority(value: string): string {
  const priority = Number(value);
  if (!Number.isInteger(priority) || priority < 0 || priority > 999) throw new InvalidArgumentError('expected a whole number from 0 to 999');
  return String(priority).padStart(3, '0');
}

function parseRequestor(value: string): string {
  if (value === MIN_READY_REQUESTOR) throw new InvalidArgumentError("reserved for launchers' min-ready requests");
  return value;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return seconds;
}
