import { json, type SimResponse } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { ServerRecord } from '../model.js';
import type { RouteAdder } from '../router.js';
import type { ApiContext, RouteSpec, ServiceEnv } from '../service.js';
import { findServer, invalidInput } from './common.js';

/**
 * `POST /servers/{id}/action`. Nova picks the action by the body's one key; the simulator serves
 * `os-getConsoleOutput` (any other action is Nova's 400 "There is no such action").
 */
export function addServerActionRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv): void {
  router.add('POST', '/servers/:id/action', {
    action: 'nova.servers.action.os-getConsoleOutput',
    kind: 'read',
    handle: (context) => serverAction(env, context),
  });
}

function serverAction(env: ServiceEnv, context: ApiContext): SimResponse {
  const body = parseBody(context);
  const [name] = Object.keys(body);
  if (name !== 'os-getConsoleOutput') throw new ApiError(400, `There is no such action: ${name ?? ''}`);
  const length = consoleLength(body[name]);
  const server = findServer(env.state, context.params.id ?? '');
  // A server that never got a host (its build failed in the scheduler) has no console: InstanceNotReady.
  if (server.fault) throw new ApiError(409, `Instance ${server.id} is not ready.`);
  const lines = consoleLines(env, server);
  return json(200, { output: `${(length === undefined || length < 0 ? lines : lines.slice(-length)).join('\n')}\n` });
}

function parseBody(context: ApiContext): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(context.request.body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'Malformed request body');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'Malformed request body');
  return body as Record<string, unknown>;
}

/**
 * Nova's schema of `os-getConsoleOutput`: an object whose only key is `length`, an integer (or
 * a string of one) of at least -1, or null; absent or null (and -1) mean every line.
 */
function consoleLength(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidInput('os-getConsoleOutput', value, `${JSON.stringify(value)} is not of type 'object'`);
  }
  const extra = Object.keys(value).filter((key) => key !== 'length');
  if (extra.length > 0) throw invalidInput('os-getConsoleOutput', value, `Additional properties are not allowed ('${extra.join("', '")}' was unexpected)`);
  const length = (value as { length?: unknown }).length;
  if (length === undefined || length === null) return undefined;
  const parsed = typeof length === 'number' && Number.isInteger(length) ? length : typeof length === 'string' && /^-?[0-9]+$/.test(length) ? Number(length) : undefined;
  if (parsed === undefined) throw invalidInput('length', length, `${JSON.stringify(length)} is not valid under any of the given schemas`);
  if (parsed < -1) throw invalidInput('length', length, `${parsed} is less than the minimum of -1`);
  return parsed;
}

/** The simulated VM's boot log: kernel, cloud-init's addresses, and whether its sshd came up (SSH mode). */
function consoleLines(env: ServiceEnv, server: ServerRecord): string[] {
  const addresses = env.state.serverAddresses(server);
  const lines = [
    '[    0.000000] Linux version 6.1.0-cloudpool-sim (simulated kernel)',
    `[    1.024000] cloud-init[512]: Cloud-init v. 23.1 running 'init' for ${server.name}`,
    ...addresses.map((address, index) => `[    1.536000] cloud-init[512]: ci-info: | eth${index} | True | ${address} |`),
  ];
  const { ssh } = env.state;
  if (!ssh) return lines;
  if (!ssh.running(server.id)) return [...lines, '[    2.048000] systemd[1]: ssh.service: not started yet'];
  return [...lines, ...addresses.map((address) => `[    2.048000] sshd[640]: Server listening on ${address} port ${ssh.port}.`)];
}
