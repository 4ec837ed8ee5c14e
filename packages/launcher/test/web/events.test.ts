import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import type { LauncherEvents } from '../../src/context.js';
import type { NodeNotification } from '../../src/notifications/node-notification.js';
import { NotificationBuffer } from '../../src/notifications/notification-buffer.js';
import type { WebServer } from '../../src/web/server.js';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { useWebServers } from './web-test-support.js';

const CONFIG = `labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 5\n        labels:\n${label('small')}`)}`;

interface SseMessage {
  event?: string;
  id?: string;
  data: string;
}

/** An open `/events` stream, parsed into messages as they arrive. */
class SseClient {
  readonly messages: SseMessage[] = [];
  private readonly abort = new AbortController();
  contentType: string | null = null;

  static async open(server: WebServer, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(new URL(path, server.url), { headers, signal: client.abort.signal });
    client.contentType = response.headers.get('content-type');
    void client.read(response.body!);
    return client;
  }

  nodes(): NodeNotification[] {
    return this.messages.filter((m) => m.event === 'node').map((m) => JSON.parse(m.data) as NodeNotification);
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const chunk of body) {
        text += decoder.decode(chunk, { stream: true });
        for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const message: SseMessage = { data: '' };
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(': ');
            const value = rest.join(': ');
            if (field === 'event') message.event = value;
            else if (field === 'id') message.id = value;
            else if (field === 'data') message.data = value;
          }
          if (message.event) this.messages.push(message);
        }
      }
    } catch {
      // aborted by close()
    }
  }
}

describe('web: /events', () => {
  const harness = useLauncherHarness();
  const startWeb = useWebServers();

  it('streams node notifications live, and replays what a client missed after its Last-Event-ID', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG);
    const web = await startWeb(launcher);
    const live = await SseClient.open(web, '/events');
    expect(live.contentType).toBe('text/event-stream; charset=utf-8');
    const head = await fetch(new URL('/events', web.url), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const [node] = (await h.waitForRequest(await h.request(['small']))).nodes;
    await waitFor(() => live.nodes().length >= 3 || undefined, 10_000);
    const seen = live.nodes();
    expect(seen.map((n) => [n.node_id, n.state, n.status])).toEqual([
      [node, 'init', 'start'],
      [node, 'building', 'success'],
      [node, 'ready', 'end'],
    ]);
    expect(live.messages.filter((m) => m.event === 'node').map((m) => m.id)).toEqual(seen.map((n) => n.id));
    live.close();

    // A client that saw the first notification gets the other two; the header and the query parameter mean the same.
    const resumed = await SseClient.open(web, '/events', { 'last-event-id': seen[0]!.id });
    const byQuery = await SseClient.open(web, `/events?last-event-id=${encodeURIComponent(seen[0]!.id)}`);
    // An id from another launcher process (or older than the window): the whole window.
    const stranger = await SseClient.open(web, '/events', { 'last-event-id': '1-99' });
    await waitFor(() => (resumed.nodes().length >= 2 && byQuery.nodes().length >= 2 && stranger.nodes().length >= 3) || undefined, 5000);
    expect(resumed.nodes().map((n) => n.id)).toEqual([seen[1]!.id, seen[2]!.id]);
    expect(byQuery.nodes().map((n) => n.id)).toEqual([seen[1]!.id, seen[2]!.id]);
    expect(stranger.nodes().map((n) => n.id)).toEqual(seen.map((n) => n.id));
    // A new client without an id starts live: nothing replayed.
    const fresh = await SseClient.open(web, '/events?status');
    await waitFor(() => fresh.messages.find((m) => m.event === 'status'), 5000);
    expect(fresh.nodes()).toEqual([]);
    expect(JSON.parse(fresh.messages.find((m) => m.event === 'status')!.data)).toMatchObject({ launcher: 'launcher-1' });
    for (const client of [resumed, byQuery, stranger, fresh]) client.close();
  });
});

describe('web: /events with a client that stops reading', () => {
  const harness = useLauncherHarness();
  const startWeb = useWebServers();

  it('cuts that client off once its backlog passes the bound, and keeps serving the others', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG);
    const web = await startWeb(launcher);
    const reader = await SseClient.open(web, '/events');
    const { port } = new URL(web.url);
    const stalled = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.write('GET /events HTTP/1.1\r\nHost: test\r\n\r\n');
    stalled.pause();
    const ended = new Promise<void>((resolve) => stalled.once('end', () => resolve()));
    await waitFor(() => launcher.notifications.buffer.subscribers() >= 2 || undefined, 5000);
    // 20 MB of notifications: more than the socket buffers take, then more than the 1 MB bound.
    const padding = 'x'.repeat(10_000);
    const count = 2000;
    for (let n = 1; n <= count; n++) {
      launcher.context.events.emit('nodeState', { id: `9-${n}`, error: padding } as unknown as NodeNotification);
      if (n % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => launcher.notifications.buffer.subscribers() === 1 || undefined, 10_000);
    stalled.resume();
    await ended;
    await waitFor(() => reader.nodes().length === count || undefined, 10_000);
    expect(reader.nodes().at(-1)!.id).toBe(`9-${count}`);
    reader.close();
    stalled.destroy();
  });
});

describe('the replay window', () => {
  const notification = (n: number) => ({ id: `7-${n}` }) as NodeNotification;

  it('keeps the last `capacity` notifications, and replays all of them for an id that fell out', () => {
    const events = new EventEmitter<LauncherEvents>();
    const buffer = new NotificationBuffer(events, 3);
    const live: string[] = [];
    buffer.subscribe((n) => live.push(n.id));
    for (let n = 1; n <= 5; n++) events.emit('nodeState', notification(n));
    expect(live).toEqual(['7-1', '7-2', '7-3', '7-4', '7-5']);
    expect(buffer.since('7-4').map((n) => n.id)).toEqual(['7-5']);
    expect(buffer.since('7-5')).toEqual([]);
    expect(buffer.since('7-1').map((n) => n.id)).toEqual(['7-3', '7-4', '7-5']);
    expect(buffer.since(undefined)).toEqual([]);
    buffer.close();
    events.emit('nodeState', notification(6));
    expect(buffer.since('7-5')).toEqual([]);
    expect(live).toHaveLength(5);
  });
});
