import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pino } from 'pino';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { dialTcp, ManualClock, QuotaSet, StateMachineProvider, type Dialer, type PoolConfig, type PoolLabelConfig, type ProviderConfig } from '@cloudpool/common';
import { FakeAdapter, FakeCloud, passthroughQueue } from '@cloudpool/common/testing';
import { fakeProviderConfig } from './provider-fixture.js';

const { Server, utils } = ssh2;

const label: PoolLabelConfig = { name: 'small', poolName: 'main', cloudImage: 'image', tags: {}, hostKeyChecking: true, settings: { cores: 1, ram: 1024 } };
const pool: PoolConfig = { name: 'main', providerName: 'fake', limits: QuotaSet.of({ instances: 10 }), priority: 100, nodeAttributes: {}, azs: [], labels: new Map([['small', label]]), settings: {} };

function providerConfig(common: Partial<ProviderConfig['common']>): ProviderConfig {
  const cloudImages = new Map([['image', { name: 'image', pythonPath: 'auto', connectionType: 'ssh', connectionPort: 22, settings: {} }]]);
  return fakeProviderConfig(pool, { common: { launchRetries: 1, ...common }, cloudImages });
}

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The shared launch path with the fake cloud (instances at `10.0.0.1`) and the scan's dialer given. */
async function provider(clock: ManualClock, dial: Dialer, common: Partial<ProviderConfig['common']> = {}): Promise<StateMachineProvider> {
  const cloud = new FakeCloud({ clock, bootTimeMs: 2_000, deleteTimeMs: 0 });
  const made = new StateMachineProvider(providerConfig(common), new FakeAdapter(cloud, { providerName: 'fake', queue: passthroughQueue }), {
    systemId: 'sys',
    queue: passthroughQueue,
    logger: pino({ level: 'silent' }),
    clock,
    cleanup: { interval: 60, minAge: 0, dryRun: false, adoptNodepoolResources: false, maxDeleteShare: 1, maxDeleteCount: 10 },
    readReferences: async () => ({ nodeIds: new Set() }),
    loopIntervalMs: 0,
    nodeScan: { dial },
  });
  await made.start();
  return made;
}

async function launchOne(made: StateMachineProvider, clock: ManualClock, stepMs: number) {
  const handler = made.getRequestHandler(pool, '100-0000000001');
  handler.launch('0000000001', label, { externalId: () => undefined });
  for (let step = 0; step < 400 && !handler.launchesComplete(); step++) {
    made.tick();
    await new Promise((resolve) => setTimeout(resolve, 2));
    await clock.advanceSettling(stepMs);
  }
  return handler.results()[0]!;
}

describe('the shared launch path with host-key-checking', () => {
  it("scans the running node at its interface address and port, and its result carries the server's keys", async () => {
    const key = utils.generateKeyPairSync('ed25519');
    const sshd = new Server({ hostKeys: [key.private] }, (client) => client.on('error', () => undefined));
    const server = net.createServer((socket) => sshd.injectSocket(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    servers.push(server);
    const dialed: string[] = [];
    // The fake cloud's address stands for the sshd on loopback.
    const dial: Dialer = (host, port, signal) => {
      dialed.push(`${host}:${port}`);
      return dialTcp('127.0.0.1', (server.address() as AddressInfo).port, signal);
    };
    const clock = new ManualClock();
    const result = await launchOne(await provider(clock, dial), clock, 500);
    expect(result).toMatchObject({ status: 'ready', hostKeys: [key.public.split(' ').slice(0, 2).join(' ')] });
    expect(new Set(dialed)).toEqual(new Set(['10.0.0.1:22']));
  });

  it('ends a scan that never gets an answer at launch-timeout, aborting its connection attempt', async () => {
    const aborted: unknown[] = [];
    // A black hole: the connection attempt neither succeeds nor fails until given up.
    const dial: Dialer = (_host, _port, signal) =>
      new Promise<Duplex>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted.push(signal.reason);
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        });
      });
    const clock = new ManualClock();
    const result = await launchOne(await provider(clock, dial, { launchTimeout: 30, bootTimeout: 300 }), clock, 1_000);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringMatching(/launch timeout of 30s exceeded/) });
    // The attempt in flight was given up for the launch timeout itself (earlier ones at their own 10 s bound).
    expect((aborted.at(-1) as Error).message).toMatch(/launch timeout of 30s exceeded/);
  });
});
