import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CloudError, ManualClock, ProviderHealthMonitor, REFUSED_CREDENTIALS_BACKOFF } from '../../src/index.js';
import { passthroughQueue } from '../../src/testing/passthrough-queue.js';

const refusal = () => new CloudError('auth', 'AuthFailure: AWS was not able to validate the provided access credentials', { action: 'DescribeInstances', code: 'AuthFailure', credentialsRefused: true });

/** A monitor over a pass-through queue, and a call that answers as the test says (counting what reached the "cloud"). */
function setup() {
  const clock = new ManualClock();
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const monitor = new ProviderHealthMonitor({ provider: 'p', clock, logger });
  const queue = monitor.watch(passthroughQueue);
  let answer: () => Promise<string> = () => Promise.resolve('ok');
  let sent = 0;
  const call = () =>
    queue.run({ action: 'DescribeInstances', kind: 'read' }, () => {
      sent++;
      return answer();
    });
  return { clock, lines, monitor, call, answer: (next: () => Promise<string>) => (answer = next), sent: () => sent };
}

describe('ProviderHealthMonitor', () => {
  it('turns auth-failing on the first refusal, holds calls back (doubling), and ok on the next success', async () => {
    const { clock, lines, monitor, call, answer, sent } = setup();
    const start = clock.now();
    expect(monitor.health()).toEqual({ state: 'ok', since: start });

    answer(() => Promise.reject(refusal()));
    await expect(call()).rejects.toMatchObject({ credentialsRefused: true });
    expect(monitor.health()).toEqual({ state: 'auth-failing', since: start, reason: refusal().message });

    // Held back: nothing reaches the cloud during the window, and every caller gets an auth error.
    for (let i = 0; i < 5; i++) await expect(call()).rejects.toMatchObject({ kind: 'auth', credentialsRefused: true, message: expect.stringContaining('no call to the cloud for 10 s') });
    expect(sent()).toBe(1);

    clock.advance(REFUSED_CREDENTIALS_BACKOFF.firstMs);
    await expect(call()).rejects.toMatchObject({ credentialsRefused: true });
    expect(sent()).toBe(2);
    clock.advance(REFUSED_CREDENTIALS_BACKOFF.firstMs); // the window doubled to 20 s
    await expect(call()).rejects.toMatchObject({ message: expect.stringContaining('20 s') });
    expect(sent()).toBe(2);

    answer(() => Promise.resolve('fixed'));
    clock.advance(REFUSED_CREDENTIALS_BACKOFF.firstMs);
    await expect(call()).resolves.toBe('fixed');
    expect(monitor.health()).toEqual({ state: 'ok', since: clock.now() });
    expect(sent()).toBe(3);

    // Logged once per change, not per refusal.
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual([
      'provider p: the cloud refuses its credentials: AuthFailure: AWS was not able to validate the provided access credentials; its calls back off from 10 s up to 10 min',
      'provider p: the cloud accepts its credentials again',
    ]);
  });

  it('lets one call try after the window while the others stay held back', async () => {
    const { clock, monitor, call, answer, sent } = setup();
    answer(() => Promise.reject(refusal()));
    await call().catch(() => undefined);
    clock.advance(REFUSED_CREDENTIALS_BACKOFF.firstMs);
    let release!: () => void;
    answer(() => new Promise<string>((resolve) => (release = () => resolve('ok'))));
    const probe = call();
    await expect(call()).rejects.toMatchObject({ credentialsRefused: true });
    expect(sent()).toBe(2);
    release();
    await expect(probe).resolves.toBe('ok');
    expect(monitor.health().state).toBe('ok');
  });

  it('is not turned by other errors, nor by a permission the credentials lack', async () => {
    const { monitor, call, answer } = setup();
    answer(() => Promise.reject(new CloudError('auth', 'UnauthorizedOperation: You are not authorized', { code: 'UnauthorizedOperation' })));
    await call().catch(() => undefined);
    answer(() => Promise.reject(new CloudError('transient', 'no answer')));
    await call().catch(() => undefined);
    expect(monitor.health().state).toBe('ok');
    // A refusal flag on another kind than auth means nothing.
    expect(new CloudError('transient', 'x', { credentialsRefused: true }).credentialsRefused).toBe(false);
  });
});
