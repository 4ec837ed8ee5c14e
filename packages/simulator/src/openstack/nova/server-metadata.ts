import { json } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { ServerRecord } from '../model.js';
import { checkMetadataCount, findServer, requireVmState } from './common.js';
import type { RouteAdder } from '../router.js';
import type { ApiContext, RouteSpec, ServiceEnv } from '../service.js';
import { isRecord, readJson, requireMember, stringMap } from '../wire.js';

/** Nova changes metadata only in these vm_states, and only with no task running. */
const METADATA_VM_STATES = ['active', 'paused', 'suspended', 'stopped'];

/**
 * The server metadata API: list, replace all (`PUT`), merge (`POST`), and one item at a time
 * (`GET|PUT|DELETE /servers/{id}/metadata/{key}`).
 */
export function addServerMetadataRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv): void {
  const server = (context: ApiContext, action?: string): ServerRecord => {
    const found = findServer(env.state, context.params.id ?? '');
    if (action) requireVmState(found, env.clock.now(), action, METADATA_VM_STATES, true);
    return found;
  };
  const replace = (context: ApiContext, merge: boolean) => {
    const metadata = stringMap(requireMember(readJson(context.request), 'metadata'), 'metadata');
    const target = server(context, 'update metadata');
    const updated = merge ? { ...target.metadata, ...metadata } : metadata;
    checkMetadataCount(updated);
    target.metadata = updated;
    target.updatedAt = env.clock.now();
    return json(200, { metadata: updated });
  };
  router
    .add('GET', '/servers/:id/metadata', {
      action: 'nova.servers.metadata.list',
      kind: 'read',
      handle: (context) => json(200, { metadata: server(context).metadata }),
    })
    .add('PUT', '/servers/:id/metadata', { action: 'nova.servers.metadata.replace', kind: 'write', handle: (context) => replace(context, false) })
    .add('POST', '/servers/:id/metadata', { action: 'nova.servers.metadata.update', kind: 'write', handle: (context) => replace(context, true) })
    .add('GET', '/servers/:id/metadata/:key', {
      action: 'nova.servers.metadata.get',
      kind: 'read',
      handle: (context) => {
        const key = context.params.key ?? '';
        const value = server(context).metadata[key];
        if (value === undefined) throw new ApiError(404, 'Metadata item was not found');
        return json(200, { meta: { [key]: value } });
      },
    })
    .add('PUT', '/servers/:id/metadata/:key', {
      action: 'nova.servers.metadata.set',
      kind: 'write',
      handle: (context) => {
        const key = context.params.key ?? '';
        const body = readJson(context.request);
        const meta = stringMap(isRecord(body) ? body.meta : undefined, 'meta');
        const keys = Object.keys(meta);
        if (keys.length > 1) throw new ApiError(400, 'Request body contains too many items');
        if (keys[0] !== key) throw new ApiError(400, 'Request body and URI mismatch');
        const target = server(context, 'update metadata');
        const updated = { ...target.metadata, ...meta };
        checkMetadataCount(updated);
        target.metadata = updated;
        target.updatedAt = env.clock.now();
        return json(200, { meta });
      },
    })
    .add('DELETE', '/servers/:id/metadata/:key', {
      action: 'nova.servers.metadata.delete',
      kind: 'write',
      handle: (context) => {
        const key = context.params.key ?? '';
        const target = server(context, 'delete metadata');
        if (!(key in target.metadata)) throw new ApiError(404, 'Metadata item was not found');
        const { [key]: _removed, ...rest } = target.metadata;
        target.metadata = rest;
        target.updatedAt = env.clock.now();
        return { status: 204 };
      },
    });
}
