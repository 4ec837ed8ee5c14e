import { SERVICE_PATHS } from '../keystone/catalog.js';
import { ApiError } from '../errors.js';
import type { ServerRecord } from '../model.js';
import type { OpenStackState } from '../openstack-state.js';
import { serverState } from '../resource-status.js';
import type { ServiceEnv } from '../service.js';

/** The fault of a server the scheduler could not place (the gate's capacity fault). */
export const NO_VALID_HOST = { code: 500, message: 'No valid host was found. There are not enough hosts available.' };

/** Nova's availability zone for servers that ask for none. */
export const DEFAULT_AVAILABILITY_ZONE = 'nova';

/** The compute endpoint, e.g. `http://127.0.0.1:40123/compute/v2.1`. */
export function computeUrl(env: ServiceEnv): string {
  return `${env.baseUrl()}${SERVICE_PATHS.compute}/v2.1`;
}

/** A version-less link into the compute API, as Nova's `bookmark` links are. */
export function bookmarkHref(computeEndpoint: string, collection: string, id: string): string {
  return `${computeEndpoint.replace(/\/v2\.1$/, '')}/${collection}/${id}`;
}

/** Nova's `links` of a resource: `self` (versioned) and `bookmark`. */
export function resourceLinks(computeEndpoint: string, collection: string, id: string): Array<{ href: string; rel: string }> {
  return [
    { href: `${computeEndpoint}/${collection}/${id}`, rel: 'self' },
    { href: bookmarkHref(computeEndpoint, collection, id), rel: 'bookmark' },
  ];
}

/** A live server, or Nova's 404. */
export function findServer(state: OpenStackState, id: string): ServerRecord {
  const server = state.servers.get(id);
  if (!server) throw new ApiError(404, `Instance ${id} could not be found.`);
  return server;
}

/**
 * Nova refuses some actions unless the server is in one of `vmStates` (409), e.g. tags and
 * metadata cannot change while it builds: that is why microversion 2.52 allows tags on create.
 * With `idleOnly`, a running task (such as `deleting`) is refused too.
 */
export function requireVmState(server: ServerRecord, now: number, action: string, vmStates: readonly string[], idleOnly = false): void {
  const { vmState, taskState } = serverState(server, now);
  if (!vmStates.includes(vmState)) {
    throw new ApiError(409, `Cannot '${action}' instance ${server.id} while it is in vm_state ${vmState}`);
  }
  if (idleOnly && taskState !== null) {
    throw new ApiError(409, `Cannot '${action}' instance ${server.id} while it is in task_state ${taskState}`);
  }
}

/** Nova's JSON-schema validation message. */
export function invalidInput(field: string, value: unknown, reason: string): ApiError {
  return new ApiError(400, `Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${reason}`);
}

/** Checks one server tag as Nova's schema does (1 to 60 characters, no `/` or `,`). */
export function validateTag(tag: unknown): string {
  if (typeof tag !== 'string' || tag.length < 1 || tag.length > 60 || /[/,]/.test(tag)) {
    throw invalidInput('tags', tag, "Tags must be 1 to 60 characters long and cannot contain '/' or ','");
  }
  return tag;
}

/** Nova's per-server tag limit. */
export const MAX_SERVER_TAGS = 50;

/** Checks a full tag list (`PUT /servers/{id}/tags`, `tags` on create). */
export function validateTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw invalidInput('tags', tags, `${JSON.stringify(tags)} is not of type 'array'`);
  if (tags.length > MAX_SERVER_TAGS) throw new ApiError(400, `The number of tags exceeded the per-server limit ${MAX_SERVER_TAGS}`);
  return tags.map(validateTag);
}

/** Nova's default per-server metadata limit (`maxServerMeta`). */
export const MAX_SERVER_METADATA = 128;

export function checkMetadataCount(metadata: Record<string, string>): void {
  if (Object.keys(metadata).length > MAX_SERVER_METADATA) {
    throw new ApiError(403, `Maximum number of metadata items exceeds ${MAX_SERVER_METADATA}`);
  }
}
