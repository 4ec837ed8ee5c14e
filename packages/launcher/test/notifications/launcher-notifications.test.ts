import { waitFor } from '@cloudpool/common/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Launcher } from '../../src/launcher.js';
import { LauncherMetrics } from '../../src/metrics/launcher-metrics.js';
import { QuotaReader } from '../../src/metrics/quota-reader.js';
import type { NodeNotification } from '../../src/notifications/node-notification.js';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { Receiver } from './webhook-receiver.js';

const CONFIG = `labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 5\n        labels:\n${label('small')}`, '    launch-retries: 1\n')}`;

/** Collects the launcher's notifications from now on. */
function record(launcher: Launcher): NodeNotification[] {
  const seen: NodeNotification[] = [];
  launcher.context.events.on('nodeState', (n) => seen.push(n));
  return seen;
}

const brief = (n: NodeNotification) => [n.previous_state, n.state, n.event, n.status, n.source];

describe('node notifications of a launcher', () => {
  const harness = useLauncherHarness();

  it('report a node from creation to deletion: the launcher’s writes and Zuul’s, each once, in order', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG);
    const seen = record(launcher);
    const request = await h.request(['small']);
    const [node] = (await h.waitForRequest(request)).nodes;
    await waitFor(() => seen.find((n) => n.state === 'ready'), 10_000);
    const locked = (await h.requester.lockNode(node!, { timeoutMs: 5000 }))!;
    locked.node.state = 'in-use';
    locked.node = await h.requester.updateNode(locked.node);
    await waitFor(() => seen.find((n) => n.state === 'in-use'), 10_000);
    locked.node.state = 'used';
    await h.requester.updateNode(locked.node);
    await locked.lock.release();
    await waitFor(async () => (await h.requester.getNode(node!)) === undefined && seen.some((n) => n.state === 'deleted'), 10_000);

    expect(seen.map(brief)).toEqual([
      [null, 'init', 'create', 'start', 'launcher'],
      ['init', 'building', 'launch', 'success', 'launcher'],
      ['building', 'ready', 'done', 'end', 'launcher'],
      ['ready', 'in-use', 'use', 'success', 'zookeeper'],
      ['in-use', 'used', 'release', 'success', 'zookeeper'],
      ['used', 'deleting', 'delete', 'start', 'launcher'],
      ['deleting', 'deleted', 'done', 'end', 'launcher'],
    ]);
    for (const n of seen) {
      expect(n).toMatchObject({ node_id: node, provider: 'fake-a', pool: 'main', label: 'small', launcher: 'launcher-1', error: null });
      expect(Date.parse(n.timestamp)).not.toBeNaN();
      expect(n.state_time).toBeGreaterThan(0);
    }
    expect(seen.slice(0, 3).map((n) => n.request_id)).toEqual([request, request, request]);
    const ids = seen.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map((id) => Number(id.split('-')[1]))).toEqual(ids.map((_, i) => i + 1));
  });

  it('carry the launch failure as the error of an ERROR notification', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG);
    const seen = record(launcher);
    h.driver.cloud('fake-a').failNextBoots.push({ kind: 'permanent', message: 'image does not boot' });
    await h.waitForRequest(await h.request(['small']));
    const failed = await waitFor(() => seen.find((n) => n.state === 'failed'), 10_000);
    expect(failed).toMatchObject({ previous_state: 'building', event: 'fail', status: 'error', error: expect.stringContaining('image does not boot') });
  });
});

describe('node notifications of a paused pool freeing room', () => {
  const harness = useLauncherHarness();

  it('report the oldest unused ready node going to deleting in the free-room task, then the waiting request served', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG.replace('max-servers: 5', 'max-servers: 1'));
    const seen = record(launcher);
    const spare = await h.requester.createNode({ state: 'ready', provider: 'fake-a', pool: 'main', type: ['small'], launcher: 'launcher-1', resources: { instances: 1, cores: 1, ram: 1024 } });
    await waitFor(() => launcher.context.nodes.get(spare), 5000);
    const request = await h.request(['small'], { reuse: false });
    expect((await h.waitForRequest(request)).state).toBe('fulfilled');
    const freed = seen.find((n) => n.node_id === spare && n.state === 'deleting');
    expect(freed).toMatchObject({ previous_state: 'ready', event: 'delete', status: 'start', source: 'launcher' });
  });
});

describe('node notifications of a failed delete', () => {
  const harness = useLauncherHarness();

  it('report an ERROR delete-fail with the cloud’s error, leaving the node deleting, then the delete that worked', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG);
    const seen = record(launcher);
    const [node] = (await h.waitForRequest(await h.request(['small']))).nodes;
    const cloud = h.driver.cloud('fake-a');
    cloud.failDeletesWith = 'permanent';
    await h.markUsed(node!);
    const failure = await waitFor(() => seen.find((n) => n.event === 'delete-fail'), 10_000);
    expect(failure).toMatchObject({ node_id: node, previous_state: 'deleting', state: 'deleting', status: 'error', source: 'launcher' });
    expect(failure.error).toBe('fake delete failure');
    cloud.failDeletesWith = undefined;
    await waitFor(() => seen.find((n) => n.state === 'deleted'), 10_000);
    const lifecycle = seen.filter((n) => n.event !== 'delete-fail').map((n) => `${n.previous_state}>${n.state}`);
    expect(lifecycle.slice(-3)).toEqual(['ready>used', 'used>deleting', 'deleting>deleted']);
  });
});

describe('a webhook that never answers or always fails', () => {
  const harness = useLauncherHarness();
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.stop();
  });

  const withWebhook = (url: string) => `${CONFIG}cloudpool:\n  notifications:\n    webhook: ${url}\n`;

  it.each([
    ['never answers', 'hang' as const],
    ['always fails', 500],
  ])('that %s does not hold up launches', async (_what, answer) => {
    const h = harness();
    receiver = await Receiver.start();
    receiver.answers.push(...Array<number | 'hang'>(50).fill(answer));
    const launcher = await h.startLauncher(withWebhook(receiver.url('user:pw@')));
    const seen = record(launcher);
    const first = await h.waitForRequest(await h.request(['small', 'small']));
    const second = await h.waitForRequest(await h.request(['small']));
    expect([first.state, second.state]).toEqual(['fulfilled', 'fulfilled']);
    await waitFor(() => seen.filter((n) => n.state === 'ready').length === 3 || undefined, 5000);
    // Nine notifications (three nodes: init, building, ready) and nothing delivered: the first is
    // being sent (or waiting for its retry), the other eight are queued behind it.
    const stats = launcher.notifications.webhook.stats();
    expect(seen).toHaveLength(9);
    expect(stats).toMatchObject({ delivered: 0, failed: 0, dropped: 0, queued: 8 });
    expect(receiver.received.map((r) => r.body.id)).toEqual(receiver.received.map(() => seen[0]!.id));
    const metrics = new LauncherMetrics(launcher, new QuotaReader(launcher));
    const text = await metrics.text();
    metrics.close();
    expect(text).toContain('cloudpool_notification_webhook_queued 8');
    expect(text).toContain('cloudpool_notification_webhook_total{outcome="delivered"} 0');
    expect(text).toContain('cloudpool_notification_webhook_total{outcome="dropped"} 0');
  });
});
