import type { EventEmitter } from 'node:events';
import type { TimerClock } from '@cloudpool/common';
import type { Logger } from 'pino';
import type { LauncherEvents } from '../context.js';
import type { NodeNotification } from './node-notification.js';

export interface WebhookSettings {
  /** Notifications waiting for delivery at most; when full, the oldest is dropped (and counted). */
  capacity: number;
  /** Sends of one notification at most (the first and the retries). */
  maxAttempts: number;
  /** Wait before the first retry; doubles on each further one, up to `maxBackoffMs`. */
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** A send without an answer within this long counts as failed (and is retried). */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  capacity: 1000,
  maxAttempts: 6,
  firstBackoffMs: 1000,
  maxBackoffMs: 60_000,
  timeoutMs: 10_000,
};

/** What the webhook did since the launcher started. */
export interface WebhookStats {
  /** Waiting now (not counting the one being sent). */
  queued: number;
  delivered: number;
  /** Sends that failed and were tried again. */
  retries: number;
  /** Notifications given up after `maxAttempts` sends, or refused by the receiver (a 4xx other than 408/429). */
  failed: number;
  /** Notifications pushed out of a full queue before they were sent. */
  dropped: number;
}

/** The URL as it may be logged: scheme, host, port and path; user, password, query and fragment left out. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** A status worth trying again: the receiver's trouble or a request to slow down. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * POSTs every notification as JSON (`content-type: application/json`, one notification per
 * request, in order) to the configured webhook, read from the configuration in force at each
 * send (a reload that sets, changes or removes it applies from the next notification). Never
 * blocks a launch: the bus listener only appends to a bounded queue (drop-oldest when full);
 * one send runs at a time in the background, with a timeout, retried with exponential backoff
 * on the given clock. The URL may hold credentials (`https://user:token@host/...`), so logs
 * name it by `redactedUrl` only, and the credentials go as Basic authorization.
 */
export class WebhookSink {
  private readonly queue: NodeNotification[] = [];
  private sending = false;
  private closed = false;
  private readonly counts = { delivered: 0, retries: 0, failed: 0, dropped: 0 };
  private readonly detach: () => void;
  private readonly settings: WebhookSettings;
  /** Pending backoff or timeout timers, cleared by `close()`. */
  private readonly timers = new Set<unknown>();
  private idleWaiters: Array<() => void> = [];
  /** Aborts the send in flight, on `close()`. */
  private readonly closing = new AbortController();

  constructor(
    events: EventEmitter<LauncherEvents>,
    private readonly url: () => string | undefined,
    private readonly clock: TimerClock,
    private readonly logger: Logger,
    settings: Partial<WebhookSettings> = {},
  ) {
    this.settings = { ...DEFAULT_WEBHOOK_SETTINGS, ...settings };
    const onNotification = (notification: NodeNotification) => this.enqueue(notification);
    events.on('nodeState', onNotification);
    this.detach = () => events.off('nodeState', onNotification);
  }

  stats(): WebhookStats {
    return { queued: this.queue.length, ...this.counts };
  }

  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void> {
    if (!this.sending && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops: no new notifications are taken, timers are cleared, what is queued is not sent. */
  close(): void {
    this.closed = true;
    this.detach();
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.closing.abort(new Error('the launcher is stopping'));
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private enqueue(notification: NodeNotification): void {
    if (this.closed || this.url() === undefined) return;
    if (this.queue.length >= this.settings.capacity) {
      this.queue.shift();
      this.counts.dropped += 1;
    }
    this.queue.push(notification);
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      for (let next = this.queue.shift(); next !== undefined && !this.closed; next = this.queue.shift()) await this.deliver(next);
    } finally {
      this.sending = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Sends one notification until it is delivered, refused, or out of attempts. Never rejects. */
  private async deliver(notification: NodeNotification): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const url = this.url();
      if (url === undefined || this.closed) return;
      const outcome = await this.send(url, notification);
      if (outcome === 'delivered') {
        this.counts.delivered += 1;
        return;
      }
      const where = redactedUrl(url);
      if (outcome.retryable && attempt < this.settings.maxAttempts) {
        const backoff = Math.min(this.settings.maxBackoffMs, this.settings.firstBackoffMs * 2 ** (attempt - 1));
        this.logger.warn({ webhook: where, notification: notification.id, attempt }, `webhook send failed (${outcome.reason}); trying again in ${backoff} ms`);
        this.counts.retries += 1;
        await this.sleep(backoff);
        continue;
      }
      this.counts.failed += 1;
      this.logger.error({ webhook: where, notification: notification.id, attempt }, `webhook send failed (${outcome.reason}); notification not delivered`);
      return;
    }
  }

  private async send(url: string, notification: NodeNotification): Promise<'delivered' | { retryable: boolean; reason: string }> {
    const { target, authorization } = splitCredentials(url);
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(new Error(`no answer within ${this.settings.timeoutMs} ms`)), this.settings.timeoutMs);
    this.timers.add(timer);
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(notification),
        signal: AbortSignal.any([abort.signal, this.closing.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return 'delivered';
      return { retryable: retryableStatus(response.status), reason: `HTTP ${response.status}` };
    } catch (error) {
      // fetch's own errors never carry the URL's credentials: they were moved into a header.
      const reason = abort.signal.aborted ? String((abort.signal.reason as Error).message) : errorText(error);
      return { retryable: true, reason };
    } finally {
      this.clock.clearTimeout(timer);
      this.timers.delete(timer);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** The URL without user and password, and those as a Basic authorization header (fetch refuses URLs with credentials). */
function splitCredentials(url: string): { target: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { target: url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { target: parsed.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
