import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LauncherEvents } from '../context.js';
import type { NodeNotification } from '../notifications/node-notification.js';
import type { NotificationBuffer } from '../notifications/notification-buffer.js';

export interface EventStreamOptions {
  buffer: NotificationBuffer;
  events: EventEmitter<LauncherEvents>;
  /** The dashboard's snapshot, sent as `status` events to clients that ask with `?status`. */
  status: () => Promise<unknown>;
  /** Ms between comment lines that keep idle connections open through proxies. */
  keepaliveMs?: number;
  /** Ms between `status` events when nothing happens (quota and API counters change without events). */
  statusEveryMs?: number;
  /** Least ms between two `status` events. */
  statusThrottleMs?: number;
}

/** A client this far behind (bytes not yet taken by the socket) is cut off; it comes back with `Last-Event-ID`. */
const MAX_BACKLOG_BYTES = 1 << 20;

/** The launcher events after which the dashboard's snapshot is sent again. */
const STATUS_TRIGGERS = ['nodeState', 'launch', 'request', 'cleanupPass'] as const;

/**
 * `GET /events`: node notifications as a server-sent-event stream (`text/event-stream`), each
 * as `event: node`, `id: <notification id>`, `data: <the notification as JSON>`. A client that
 * sends `Last-Event-ID` (browsers do when they reconnect; `?last-event-id=` does the same) first
 * gets what it missed from the replay window (all of the window when that id has left it or
 * belongs to an earlier launcher process); a new client starts with what comes next. With
 * `?status`, the stream also carries `event: status` with the dashboard's snapshot (at once,
 * after launcher events at most every `statusThrottleMs`, and every `statusEveryMs`).
 */
export function streamEvents(request: IncomingMessage, response: ServerResponse, options: EventStreamOptions): void {
  const url = new URL(request.url ?? '/', 'http://local');
  const header = request.headers['last-event-id'];
  const lastId = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('last-event-id') ?? undefined;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();
  let open = true;
  const cleanups: Array<() => void> = [];
  const close = () => {
    if (!open) return;
    open = false;
    for (const cleanup of cleanups) cleanup();
    response.end();
  };
  const write = (text: string) => {
    if (!open) return;
    response.write(text);
    if (response.writableLength > MAX_BACKLOG_BYTES) close();
  };
  const sendNode = (notification: NodeNotification) => write(`event: node\nid: ${notification.id}\ndata: ${JSON.stringify(notification)}\n\n`);

  write('retry: 2000\n\n');
  for (const notification of options.buffer.since(lastId)) sendNode(notification);
  cleanups.push(options.buffer.subscribe(sendNode));

  const keepalive = setInterval(() => write(': keepalive\n\n'), options.keepaliveMs ?? 15_000);
  cleanups.push(() => clearInterval(keepalive));
  if (url.searchParams.has('status')) followStatus(options, write, cleanups);
  request.on('close', close);
  response.on('error', close);
}

/** Sends the snapshot now, after launcher events (throttled) and on a timer. */
function followStatus(options: EventStreamOptions, write: (text: string) => void, cleanups: Array<() => void>): void {
  const throttleMs = options.statusThrottleMs ?? 250;
  let sending = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastSent = 0;
  const send = async () => {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    try {
      lastSent = Date.now();
      write(`event: status\ndata: ${JSON.stringify(await options.status())}\n\n`);
    } catch (error) {
      write(`event: status-error\ndata: ${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n\n`);
    } finally {
      sending = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void send();
    }, Math.max(0, lastSent + throttleMs - Date.now()));
  };
  for (const name of STATUS_TRIGGERS) {
    options.events.on(name, schedule);
    cleanups.push(() => options.events.off(name, schedule));
  }
  const periodic = setInterval(schedule, options.statusEveryMs ?? 5000);
  cleanups.push(() => {
    clearInterval(periodic);
    if (timer !== undefined) clearTimeout(timer);
  });
  void send();
}
