import { EventEmitter } from 'node:events';
import { ManualClock, settle } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { LauncherEvents } from '../../src/context.js';
import type { NodeNotification } from '../../src/notifications/node-notification.js';
import { WebhookSink, redactedUrl } from '../../src/notifications/webhook-sink.js';
import { Receiver } from './webhook-receiver.js';

const notification = (n: number) => ({ id: `1-${n}`, node_id: `000000000${n}`, state: 'ready' }) as NodeNotification;

/** A sink on a manual clock, its log lines kept. */
function sink(url: string, settings: ConstructorParameters<typeof WebhookSink>[4] = {}) {
  const events = new EventEmitter<LauncherEvents>();
  const clock = new ManualClock();
  const log: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void log.push(line) });
  const webhook = new WebhookSink(events, () => url, clock, logger, settings);
  return { events, clock, log, webhook };
}

let receiver: Receiver;
const sinks: WebhookSink[] = [];
afterEach(async () => {
  for (const webhook of sinks.splice(0)) webhook.close();
  await receiver?.stop();
});

describe('the notification webhook', () => {
  it('retries a failing receiver with exponential backoff on its clock, then delivers, in order', async () => {
    receiver = await Receiver.start();
    receiver.answers.push(503, 500, 429);
    const { events, clock, log, webhook } = sink(receiver.url('hook-user:s3cret@'), { firstBackoffMs: 1000, maxBackoffMs: 3000 });
    sinks.push(webhook);
    const start = clock.now();
    events.emit('nodeState', notification(1));
    events.emit('nodeState', notification(2));
    const sends = async (count: number) => waitFor(() => receiver.received.length >= count || undefined, 5000);
    /** Waits until the sink sleeps before its `count`th retry (the counter moves as the backoff timer is set). */
    const backingOff = async (count: number) => waitFor(() => webhook.stats().retries >= count || undefined, 5000);
    await sends(1);
    await backingOff(1);
    // Nothing more until the clock passes the first backoff (1 s), then 2 s, then the cap (3 s instead of 4 s).
    await settle();
    expect(receiver.received).toHaveLength(1);
    await clock.advanceSettling(999);
    expect(receiver.received).toHaveLength(1);
    await clock.advanceSettling(1);
    await sends(2);
    await backingOff(2);
    await clock.advanceSettling(2000);
    await sends(3);
    await backingOff(3);
    await clock.advanceSettling(2999);
    expect(receiver.received).toHaveLength(3);
    await clock.advanceSettling(1);
    await sends(5);
    await webhook.idle();
    expect(clock.now() - start).toBe(1000 + 2000 + 3000);
    expect(receiver.received.map((r) => r.body.id)).toEqual(['1-1', '1-1', '1-1', '1-1', '1-2']);
    expect(webhook.stats()).toEqual({ queued: 0, delivered: 2, retries: 3, failed: 0, dropped: 0 });
    // The URL's credentials go as Basic authorization, never into the log (nor its query).
    expect(receiver.received[0]).toMatchObject({ authorization: `Basic ${Buffer.from('hook-user:s3cret').toString('base64')}`, contentType: 'application/json' });
    expect(log.length).toBe(3);
    expect(log.join('\n')).not.toMatch(/s3cret|hook-user|query-secret/);
    expect(log[0]).toContain(redactedUrl(receiver.url()));
  });

  it('gives up after its attempts, and at once on a refusal, counting both as failed', async () => {
    receiver = await Receiver.start();
    receiver.answers.push(500, 500, 404);
    const { events, clock, webhook } = sink(receiver.url(), { maxAttempts: 2, firstBackoffMs: 10 });
    sinks.push(webhook);
    events.emit('nodeState', notification(1));
    events.emit('nodeState', notification(2));
    await waitFor(() => webhook.stats().retries >= 1 || undefined, 5000);
    await clock.advanceSettling(10);
    await waitFor(() => receiver.received.length >= 3 || undefined, 5000);
    await webhook.idle();
    expect(receiver.received.map((r) => r.body.id)).toEqual(['1-1', '1-1', '1-2']);
    expect(webhook.stats()).toMatchObject({ delivered: 0, failed: 2, retries: 1 });
  });

  it('never blocks the emitter: a receiver that never answers fills the bounded queue, the oldest is dropped and counted, and its timeout frees it', async () => {
    receiver = await Receiver.start();
    receiver.answers.push('hang');
    const { events, clock, webhook } = sink(receiver.url(), { capacity: 3, timeoutMs: 10_000, firstBackoffMs: 1000 });
    sinks.push(webhook);
    for (let n = 1; n <= 6; n++) events.emit('nodeState', notification(n));
    // The emits returned at once; the first is in flight, 2 and 3 were pushed out by 4, 5, 6.
    expect(webhook.stats()).toEqual({ queued: 3, delivered: 0, retries: 0, failed: 0, dropped: 2 });
    await waitFor(() => receiver.received.length >= 1 || undefined, 5000);
    // The timeout (on the sink's clock) ends the hanging send; it is retried after the backoff, then the rest go.
    await clock.advanceSettling(10_000);
    await waitFor(() => webhook.stats().retries === 1 || undefined, 5000);
    await clock.advanceSettling(1000);
    await waitFor(() => receiver.received.length >= 5 || undefined, 5000);
    await webhook.idle();
    expect(receiver.received.map((r) => r.body.id)).toEqual(['1-1', '1-1', '1-4', '1-5', '1-6']);
    expect(webhook.stats()).toEqual({ queued: 0, delivered: 4, retries: 1, failed: 0, dropped: 2 });
  });
});
