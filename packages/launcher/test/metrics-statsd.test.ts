import { createSocket, type Socket } from 'node:dgram';
import { waitFor } from '@cloudpool/common/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../src/cli/program.js';
import { StatsdReporter, statsdSettings } from '../src/metrics/statsd-reporter.js';
import { testIo, useTempDir } from './cli/cli-test-kit.js';
import { configText, fakeProvider, label, useLauncherHarness } from './support/launcher-harness.js';

/** A statsd server on loopback that keeps every line that arrives. */
async function udpListener(): Promise<{ socket: Socket; port: number; lines: string[] }> {
  const socket = createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (message) => lines.push(...message.toString().split('\n').filter((line) => line !== '')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, lines };
}

describe("statsd: Nodepool's metrics over UDP", () => {
  const harness = useLauncherHarness();
  const tempDir = useTempDir();
  const closing: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  it('reads STATSD_HOST, STATSD_PORT and STATSD_PREFIX as Nodepool does', () => {
    expect(statsdSettings({})).toBeUndefined();
    expect(statsdSettings({ STATSD_HOST: 'graphite.example.com' })).toEqual({ host: 'graphite.example.com', port: 8125 });
    expect(statsdSettings({ STATSD_HOST: '127.0.0.1', STATSD_PORT: '9125', STATSD_PREFIX: 'ci' })).toEqual({ host: '127.0.0.1', port: 9125, prefix: 'ci' });
    expect(() => statsdSettings({ STATSD_HOST: 'h', STATSD_PORT: 'eighty' })).toThrow(/STATSD_PORT must be a port number/);
  });

  it('sends launch timers and counters, node gauges by state, provider and label, max_servers and API task timers, prefixed', async () => {
    const listener = await udpListener();
    closing.push(() => new Promise<void>((resolve) => listener.socket.close(() => resolve())));
    const h = harness();
    const launcher = await h.startLauncher(
      `labels:\n  - name: small\nproviders:\n${fakeProvider('fake-a', `      - name: main\n        max-servers: 4\n        labels:\n${label('small')}`)}`,
    );
    const reporter = new StatsdReporter(launcher, { host: '127.0.0.1', port: listener.port, prefix: 'ci' }, pino({ level: 'silent' }), { intervalMs: 100 });
    closing.push(() => reporter.close());

    const request = await h.waitForRequest(await h.request(['small'], { requestor: 'zuul.example.com:scheduler' }));
    expect(request.state).toBe('fulfilled');
    const has = (pattern: RegExp) => listener.lines.some((line) => pattern.test(line));
    await waitFor(() => has(/^ci\.nodepool\.nodes\.ready:1\|g$/));

    for (const key of ['nodepool.launch.ready', 'nodepool.launch.provider.fake-a.ready', 'nodepool.launch.requestor.zuul_example_com_scheduler.ready']) {
      expect(has(new RegExp(`^ci\\.${key.replaceAll('.', '\\.')}:\\d+\\|ms$`)), `${key} timer`).toBe(true);
      expect(listener.lines, `${key} counter`).toContain(`ci.${key}:1|c`);
    }
    expect(listener.lines).toContain('ci.nodepool.provider.fake-a.nodes.ready:1|g');
    expect(listener.lines).toContain('ci.nodepool.label.small.nodes.ready:1|g');
    expect(listener.lines).toContain('ci.nodepool.nodes.deleting:0|g');
    expect(listener.lines).toContain('ci.nodepool.provider.fake-a.max_servers:4|g');
    expect(has(/^ci\.nodepool\.task\.fake-a\.[\w-]+:\d+\|ms$/)).toBe(true);
    expect(has(/^ci\.nodepool\.task\.fake-a\.[\w-]+:1\|c$/)).toBe(true);
  });

  it('the launcher daemon sends them when STATSD_HOST and STATSD_PORT are set in its environment', async () => {
    const listener = await udpListener();
    closing.push(() => new Promise<void>((resolve) => listener.socket.close(() => resolve())));
    const file = path.join(tempDir(), 'nodepool.yaml');
    await writeFile(file, configText(harness().chroot, `labels:\n  - name: small\nproviders:\n${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}`)}`));
    const test = testIo({ drivers: new Map([['fake', harness().driver]]) });
    test.io.env = { STATSD_HOST: '127.0.0.1', STATSD_PORT: String(listener.port) };
    const exit = runCli(['launcher', '-c', file, '--no-web'], test.io);
    try {
      const request = await harness().waitForRequest(await harness().request(['small']), ['fulfilled', 'failed'], 30_000);
      expect(request.state).toBe('fulfilled');
      await waitFor(() => listener.lines.includes('nodepool.launch.ready:1|c'));
    } finally {
      test.signals.send('SIGTERM');
      expect(await exit).toBe(0);
    }
  });
});
