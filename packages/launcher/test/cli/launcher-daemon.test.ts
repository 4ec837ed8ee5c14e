import { rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { listComponents } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DaemonTuning } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { configText, fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { cloudpool, testIo, useTempDir } from './cli-test-kit.js';

/**
 * A config with one fake provider serving `labels`; `extra` goes at the top level. Leak cleanup
 * runs every second: a provider stopped during its first pass waits out one interval.
 */
function body(labels: string[], options: { providerKeys?: string; extra?: string } = {}): string {
  return `${options.extra ?? ''}cloudpool:
  cleanup:
    interval: 1
labels:
${labels.map((name) => `  - name: ${name}\n`).join('')}providers:
${fakeProvider('fake-a', `      - name: main\n        labels:\n${labels.map((name) => label(name)).join('')}`, options.providerKeys)}`;
}

/** A loopback port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

describe('cloudpool launcher: the daemon', () => {
  const harness = useLauncherHarness();
  const tempDir = useTempDir();
  let file: string;

  const running: Array<{ signals: { send(signal: 'SIGTERM'): void }; exit: Promise<number> }> = [];

  beforeEach(async () => {
    file = `${tempDir()}/nodepool.yaml`;
  });
  afterEach(async () => {
    // A test that failed midway leaves its daemon running.
    for (const daemon of running.splice(0)) {
      daemon.signals.send('SIGTERM');
      await daemon.exit;
    }
  });

  const write = (text: string) => writeFile(file, configText(harness().chroot, text));

  /** Starts `cloudpool launcher` in-process; returns its io and the promise of its exit code. */
  const startDaemon = (args: string[] = ['--no-web'], daemon: DaemonTuning = {}) => {
    const test = testIo({ drivers: new Map([['fake', harness().driver]]), daemon: { hostname: 'daemon-test', ...daemon } });
    const exit = runCli(['launcher', '-c', file, ...args], test.io);
    const logs = () => test.stdout.lines.map((line) => JSON.parse(line) as LogLine);
    const daemonUnderTest = { ...test, exit, logs };
    running.push(daemonUnderTest);
    return daemonUnderTest;
  };

  /** The labels the pool components of this chroot offer, once exactly one is registered. */
  const poolLabels = async () => {
    const pools = await listComponents(harness().requester.client, 'pool');
    return pools.length === 1 ? (pools[0]!.content.supported_labels as string[]).join(',') : undefined;
  };

  it('reloads when an editor replaces the file, reports on SIGUSR2, and on SIGTERM finishes in-flight work and exits 0', async () => {
    await write(body(['small'], { providerKeys: '    boot-time: 1\n' }));
    const daemon = startDaemon();
    await waitFor(async () => (await poolLabels()) === 'small');

    // As editors save: a new file renamed over the old one.
    await writeFile(`${file}.swp`, configText(harness().chroot, body(['small', 'large'], { providerKeys: '    boot-time: 1\n' })));
    await rename(`${file}.swp`, file);
    await waitFor(async () => (await poolLabels()) === 'small,large');
    expect(daemon.logs().map((line) => line.msg)).toContain('configuration applied');

    const request = await harness().request(['small']);
    // The external id is written once the launch runs in the provider (the node is building before that).
    await waitFor(async () => (await harness().nodes()).some((node) => node.state === 'building' && node.external_id !== null));
    daemon.signals.send('SIGUSR2');
    const { report } = await waitFor(() => daemon.logs().find((line) => line.msg === 'diagnostics report'));
    expect(report).toMatchObject({
      launcher: 'daemon-test',
      zookeeper: { state: 'connected' },
      providers: [{ name: 'fake-a', driver: 'fake', pools: [{ id: 'fake-a-main', activeRequests: [request] }] }],
      stateMachines: [{ provider: 'fake-a', launches: 1, deletes: 0 }],
      locks: { requests: [request], nodes: [expect.stringMatching(/^\d{10}$/)] },
    });

    daemon.signals.send('SIGTERM');
    expect(await daemon.exit).toBe(0);
    expect((await harness().requester.getRequest(request))?.state).toBe('fulfilled');
    expect(await listComponents(harness().requester.client, 'launcher')).toEqual([]);
    expect(daemon.stderr.text).toBe('');
  });

  it('reloads on SIGHUP, and keeps the configuration in force when the new file is broken', async () => {
    await write(body(['small']));
    // The file watch never fires within this test: only SIGHUP reloads.
    const daemon = startDaemon(['--no-web'], { reloadDebounceMs: 60_000 });
    await waitFor(async () => (await poolLabels()) === 'small');

    await writeFile(file, 'labels: [\n');
    daemon.signals.send('SIGHUP');
    await waitFor(() => daemon.logs().some((line) => line.msg.includes('configuration not reloaded')));
    expect(await poolLabels()).toBe('small');

    await write(body(['small', 'medium']));
    daemon.signals.send('SIGHUP');
    await waitFor(async () => (await poolLabels()) === 'small,medium');

    daemon.signals.send('SIGINT');
    expect(await daemon.exit).toBe(0);
  });

  it('serves the web API on webapp.port until it stops', async () => {
    const port = await freePort();
    await write(body(['small'], { extra: `webapp:\n  port: ${port}\n  listen_address: 127.0.0.1\n` }));
    const daemon = startDaemon([]);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/ready`).catch(() => undefined))?.status === 200);
    expect(daemon.logs().find((line) => line.msg.startsWith('web server listening'))?.url).toBe(url);
    daemon.signals.send('SIGTERM');
    expect(await daemon.exit).toBe(0);
    await expect(fetch(`${url}/ready`)).rejects.toThrow();
  });

  it('does not start on a missing config file: one line and exit 1', async () => {
    const { code, stderr } = await cloudpool(['launcher', '-c', file]);
    expect(code).toBe(1);
    expect(stderr).toBe(`cloudpool: cannot read the configuration ${file}: no such file (-c names another file)\n`);
  });
});
