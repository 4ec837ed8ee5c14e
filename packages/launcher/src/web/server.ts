import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Launcher } from '../launcher.js';
import { LauncherMetrics } from '../metrics/launcher-metrics.js';
import { QuotaReader } from '../metrics/quota-reader.js';
import { statsdMappingText } from '../metrics/statsd-names.js';
import { wantsJson } from './accept.js';
import { loadDashboardPage } from './dashboard-page.js';
import { streamEvents } from './event-stream.js';
import { NodepoolEndpoints } from './nodepool-endpoints.js';
import { Readiness, type ReadyBody } from './readiness.js';
import { RecentActivity } from './recent-activity.js';
import { TEXT_PLAIN, textReply, type Reply } from './reply.js';
import { statusSnapshot } from './status-snapshot.js';

export interface WebServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  logger: Logger;
}

export interface WebServer {
  /** `http://<host>:<port>`, with the port actually bound. */
  url: string;
  /** Stops listening, ends open connections and detaches from the launcher. */
  close(): Promise<void>;
}

/**
 * The launcher's web surface (Nodepool's `webapp`, default port 8005):
 *
 * | path | what |
 * |---|---|
 * | `/node-list`, `/request-list`, `/label-list` | Nodepool's status lists: JSON with `Accept: application/json`, a text table otherwise; `?fields=a,b` picks table columns, `/node-list?node_id=` one node |
 * | `/ready` | `OK` (200) once every configured provider has started, 503 before (see Readiness); with `Accept: application/json` the same status with `{ready, waitingFor, providers: [{provider, state, since, reason}]}`, each provider's health |
 * | `/metrics` | Prometheus metrics of this launcher |
 * | `/metrics/help` | every metric, and which Prometheus series each Nodepool statsd name became |
 * | `/`, `/dashboard` | a live dashboard page, which follows `/events?status` |
 * | `/api/status` | the dashboard's data as JSON |
 * | `/events` | node state-change notifications as server-sent events, with a replay window (event-stream.ts) |
 *
 * Only GET and HEAD are served; nothing here changes the launcher.
 */
export async function startWebServer(launcher: Launcher, options: WebServerOptions): Promise<WebServer> {
  const { logger } = options;
  const page = await loadDashboardPage();
  const quota = new QuotaReader(launcher);
  const metrics = new LauncherMetrics(launcher, quota);
  const activity = new RecentActivity(launcher);
  const readiness = new Readiness(launcher);
  const nodepool = new NodepoolEndpoints(launcher.context);

  const status = () => statusSnapshot(launcher, { quota, activity, ready: readiness.isReady() });
  const dashboard = (): Reply => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page });
  const routes: Record<string, (request: IncomingMessage) => Promise<Reply> | Reply> = {
    '/': dashboard,
    '/dashboard': dashboard,
    '/api/status': async () => {
      return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(await status()) };
    },
    '/ready': (request) => {
      if (wantsJson(request.headers.accept)) return readyJson(readiness.body());
      return readiness.isReady() ? textReply(200, 'OK') : notReady(readiness.waitingFor());
    },
    '/metrics': async () => ({ status: 200, headers: { 'content-type': metrics.contentType }, body: await metrics.text() }),
    '/metrics/help': () => textReply(200, `${metrics.helpText()}\n\n${statsdMappingText()}\n`),
    // GET /events streams (below); this answers HEAD.
    '/events': () => ({ status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' }, body: '' }),
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname === '/events' && request.method === 'GET') {
      streamEvents(request, response, { buffer: launcher.notifications.buffer, events: launcher.context.events, status });
      return;
    }
    let reply: Reply;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply = textReply(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
    } else {
      const route = routes[url.pathname];
      reply = route
        ? await route(request)
        : ((await nodepool.serve(url, request.headers)) ?? textReply(404, 'Not Found'));
    }
    response.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
    response.end(request.method === 'HEAD' ? undefined : reply.body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url }, 'web request failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': TEXT_PLAIN });
      response.end('Internal Server Error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ url }, `web server listening on ${url}`);

  return {
    url,
    close: async () => {
      metrics.close();
      activity.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function readyJson(body: ReadyBody): Reply {
  return {
    status: body.ready ? 200 : 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...(body.ready ? {} : { 'retry-after': '1' }) },
    body: JSON.stringify(body),
  };
}

function notReady(waitingFor: string[]): Reply {
  const detail = waitingFor.length > 0 ? `: waiting for provider${waitingFor.length > 1 ? 's' : ''} ${waitingFor.join(', ')}` : '';
  return textReply(503, `Service Unavailable${detail}`, { 'retry-after': '1' });
}
