import { json, type SimResponse } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { ServerRecord } from '../model.js';
import { computeUrl, findServer, NO_VALID_HOST } from './common.js';
import { createServer } from './server-create.js';
import { serverDetail, serverSummary, serverViewEnv } from './server-views.js';
import { serverState } from '../resource-status.js';
import type { RouteAdder } from '../router.js';
import type { ApiContext, RouteSpec, ServiceEnv } from '../service.js';
import { nextPageHref, pageLimit } from '../wire.js';

/** `POST /servers`, `GET /servers`, `GET /servers/detail`, `GET|DELETE /servers/{id}`. */
export function addServerRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv): void {
  router
    .add('POST', '/servers', {
      action: 'nova.servers.create',
      kind: 'write',
      isCreate: true,
      handle: (context) => createServer(env, context, undefined),
      onNoCapacity: (context) => createServer(env, context, NO_VALID_HOST),
    })
    .add('GET', '/servers', { action: 'nova.servers.list', kind: 'read', handle: (context) => listServers(env, context, false) })
    .add('GET', '/servers/detail', { action: 'nova.servers.detail', kind: 'read', handle: (context) => listServers(env, context, true) })
    .add('GET', '/servers/:id', {
      action: 'nova.servers.get',
      kind: 'read',
      handle: (context) => json(200, { server: serverDetail(findServer(env.state, context.params.id ?? ''), serverViewEnv(env, context), true) }),
    })
    .add('DELETE', '/servers/:id', {
      action: 'nova.servers.delete',
      kind: 'write',
      handle: (context) => {
        env.state.requestServerDeletion(findServer(env.state, context.params.id ?? ''), env.knobs().deleteTimeMs);
        return { status: 204 };
      },
    });
}

/**
 * `GET /servers[/detail]` in Nova's order (newest first) with `limit`/`marker` paging and the
 * filters `name` (a case-insensitive regular expression), `status`, `image`, `flavor` and,
 * from 2.26, `tags`, `tags-any`, `not-tags`, `not-tags-any` (comma-separated). Nova honours no
 * metadata filter for non-admin users, so neither does the simulator: clients filter metadata themselves.
 */
function listServers(env: ServiceEnv, context: ApiContext, detailed: boolean): SimResponse {
  const { query } = context;
  const limit = pageLimit(query, env.knobs().maxPageSize);
  const now = env.clock.now();
  const matches = listFilter(query, now);
  const tagList = (name: string) => (context.version.atLeast('2.26') ? query.get(name)?.split(',').filter(Boolean) : undefined);
  const page = env.state.servers.page({
    tags: tagList('tags'),
    tagsAny: tagList('tags-any'),
    notTags: tagList('not-tags'),
    notTagsAny: tagList('not-tags-any'),
    ...(matches ? { matches } : {}),
    ...(query.has('marker') ? { marker: query.get('marker') ?? '' } : {}),
    limit,
  });
  if (page.kind === 'marker-not-found') throw new ApiError(400, `marker [${query.get('marker') ?? ''}] not found`);
  const views = serverViewEnv(env, context);
  const body: Record<string, unknown> = {
    servers: page.servers.map((server) => (detailed ? serverDetail(server, views) : serverSummary(server, views))),
  };
  const last = page.servers.at(-1);
  if (last && page.servers.length === limit) {
    const collection = `${computeUrl(env)}/servers${detailed ? '/detail' : ''}`;
    body.servers_links = [{ href: nextPageHref(collection, query, last.id), rel: 'next' }];
  }
  return json(200, body);
}

function listFilter(query: URLSearchParams, now: number): ((server: ServerRecord) => boolean) | undefined {
  const tests: Array<(server: ServerRecord) => boolean> = [];
  const name = query.get('name');
  if (name !== null) {
    const pattern = nameRegex(name);
    tests.push((server) => pattern.test(server.name));
  }
  const status = query.get('status');
  if (status !== null) tests.push((server) => serverState(server, now).status === status.toUpperCase());
  const image = query.get('image');
  if (image !== null) tests.push((server) => server.imageId === image.slice(image.lastIndexOf('/') + 1));
  const flavor = query.get('flavor');
  if (flavor !== null) tests.push((server) => server.flavor.id === flavor);
  if (tests.length === 0) return undefined;
  return (server) => tests.every((test) => test(server));
}

/** Nova matches `name` as a regular expression (MySQL REGEXP, case-insensitive); an invalid one as text. */
function nameRegex(name: string): RegExp {
  try {
    return new RegExp(name, 'i');
  } catch {
    return new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
}
