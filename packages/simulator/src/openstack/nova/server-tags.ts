import { json, type SimResponse } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { ServerRecord } from '../model.js';
import { computeUrl, findServer, MAX_SERVER_TAGS, requireVmState, validateTag, validateTags } from './common.js';
import type { RouteAdder } from '../router.js';
import type { ApiContext, RouteSpec, ServiceEnv } from '../service.js';
import { isRecord, readJson } from '../wire.js';

/** Nova lets tags change in these vm_states only (not while building or in error). */
const TAGGABLE_VM_STATES = ['active', 'paused', 'rescued', 'resized', 'soft-delete', 'stopped', 'suspended', 'shelved', 'shelved_offloaded'];

/**
 * The server tags API (microversion 2.26 and later; 404 before, as Nova has no such resource):
 * list, replace all, delete all, check one, add one, delete one.
 */
export function addServerTagRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv): void {
  const taggedServer = (context: ApiContext, action?: string): ServerRecord => {
    if (!context.version.atLeast('2.26')) throw new ApiError(404, 'The resource could not be found.');
    const server = findServer(env.state, context.params.id ?? '');
    if (action) requireVmState(server, env.clock.now(), action, TAGGABLE_VM_STATES);
    return server;
  };
  const tags = (server: ServerRecord): SimResponse => json(200, { tags: server.tags });
  router
    .add('GET', '/servers/:id/tags', { action: 'nova.servers.tags.list', kind: 'read', handle: (context) => tags(taggedServer(context)) })
    .add('PUT', '/servers/:id/tags', {
      action: 'nova.servers.tags.replace',
      kind: 'write',
      handle: (context) => {
        const body = readJson(context.request);
        const newTags = validateTags(isRecord(body) ? body.tags : undefined);
        const server = taggedServer(context, 'update tags');
        env.state.servers.setTags(server, newTags);
        return tags(server);
      },
    })
    .add('DELETE', '/servers/:id/tags', {
      action: 'nova.servers.tags.clear',
      kind: 'write',
      handle: (context) => {
        env.state.servers.setTags(taggedServer(context, 'delete tags'), []);
        return { status: 204 };
      },
    })
    .add('GET', '/servers/:id/tags/:tag', {
      action: 'nova.servers.tags.check',
      kind: 'read',
      handle: (context) => {
        const server = taggedServer(context);
        const tag = context.params.tag ?? '';
        if (!server.tags.includes(tag)) throw tagNotFound(server, tag);
        return { status: 204 };
      },
    })
    .add('PUT', '/servers/:id/tags/:tag', {
      action: 'nova.servers.tags.add',
      kind: 'write',
      handle: (context) => {
        const server = taggedServer(context, 'update tag');
        const tag = validateTag(context.params.tag);
        if (server.tags.includes(tag)) return { status: 204 };
        if (server.tags.length >= MAX_SERVER_TAGS) throw new ApiError(400, `The number of tags exceeded the per-server limit ${MAX_SERVER_TAGS}`);
        env.state.servers.addTag(server, tag);
        return { status: 201, headers: { Location: `${computeUrl(env)}/servers/${server.id}/tags/${encodeURIComponent(tag)}` } };
      },
    })
    .add('DELETE', '/servers/:id/tags/:tag', {
      action: 'nova.servers.tags.delete',
      kind: 'write',
      handle: (context) => {
        const server = taggedServer(context, 'delete tag');
        const tag = context.params.tag ?? '';
        if (!server.tags.includes(tag)) throw tagNotFound(server, tag);
        env.state.servers.removeTag(server, tag);
        return { status: 204 };
      },
    });
}

function tagNotFound(server: ServerRecord, tag: string): ApiError {
  return new ApiError(404, `Instance ${server.id} has no tag '${tag}'`);
}
