import type { IncomingHttpHeaders } from 'node:http';
import { readImageTree } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import { wantsJson } from './accept.js';
import { dibImageList, imageList, imageStatus } from './image-status.js';
import { labelList, nodeList, requestList, type StatusList } from './nodepool-status.js';
import type { Reply } from './reply.js';
import { renderTable } from './text-table.js';

const LISTS: Record<string, (context: LauncherContext, query: URLSearchParams) => Promise<StatusList> | StatusList> = {
  '/node-list': (context, query) => nodeList(context, query.get('node_id') || undefined),
  '/request-list': (context) => requestList(context),
  '/label-list': (context) => labelList(context),
  // nodepool-builder's records, read from ZooKeeper per rendering (each kept a second, below).
  '/image-list': async (context) => imageList(await readImageTree(context.client, imageRecordWarning(context)), context.clock.now()),
  '/dib-image-list': async (context) => dibImageList(await readImageTree(context.client, imageRecordWarning(context)), context.clock.now()),
  '/image-status': async (context) => imageStatus(await readImageTree(context.client, imageRecordWarning(context))),
};

/** A builder record that does not parse is left out of the lists and named in the log. */
function imageRecordWarning(context: LauncherContext): (error: Error) => void {
  return (error) => context.logger.warn({ err: error }, error.message);
}

/** Seconds a rendered list is served again, as Nodepool's webapp `cache_expiry`. */
const CACHE_EXPIRY_SECONDS = 1;

/**
 * Nodepool's status endpoints, byte for byte where it matters to clients: the JSON list of
 * records (with `Accept: application/json`, as `application/json`) or the text table (as
 * `text/plain; charset=UTF-8`), with `?fields=a,b` choosing the table's columns (Nodepool
 * ignores it for JSON, and so does this), CORS open to all, and each rendering cached and
 * marked cacheable for one second, so a dashboard polling many launchers costs ZooKeeper
 * little. A request with `If-Modified-Since` at or after the rendering gets a 304.
 */
export class NodepoolEndpoints {
  private readonly cache = new Map<string, { at: number; body: string }>();

  constructor(private readonly context: LauncherContext) {}

  /** The reply for a Nodepool list path, or undefined for any other path. */
  async serve(url: URL, headers: IncomingHttpHeaders): Promise<Reply | undefined> {
    const list = LISTS[url.pathname];
    if (!list) return undefined;
    const json = wantsJson(headers.accept);
    const query = [...url.searchParams].sort(([a], [b]) => a.localeCompare(b));
    const key = JSON.stringify([url.pathname, query, json]);
    const now = this.context.clock.now();
    for (const [k, entry] of this.cache) if (now - entry.at >= CACHE_EXPIRY_SECONDS * 1000) this.cache.delete(k);
    let entry = this.cache.get(key);
    if (!entry) {
      const result = await list(this.context, url.searchParams);
      const fields = url.searchParams.get('fields')?.split(',');
      entry = { at: now, body: json ? JSON.stringify(result.rows) : renderTable(result.columns, result.tableRows ?? result.rows, fields) };
      this.cache.set(key, entry);
    }
    const lastModified = Math.floor(entry.at / 1000) * 1000;
    const since = headers['if-modified-since'] ? Date.parse(headers['if-modified-since']) : NaN;
    const common = {
      'access-control-allow-origin': '*',
      'cache-control': `public, max-age=${CACHE_EXPIRY_SECONDS}`,
      'last-modified': new Date(lastModified).toUTCString(),
      expires: new Date(lastModified + CACHE_EXPIRY_SECONDS * 1000).toUTCString(),
    };
    if (lastModified <= since) return { status: 304, headers: common, body: '' };
    return { status: 200, headers: { ...common, 'content-type': json ? 'application/json' : 'text/plain; charset=UTF-8' }, body: entry.body };
  }
}
