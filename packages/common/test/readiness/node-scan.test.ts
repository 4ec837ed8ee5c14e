import net, { type AddressInfo } from 'node:net';
import { dialTcp, ManualClock, NodeScanError, scanNode, type Dialer, type NodeScanOptions } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';

const { Server, utils } = ssh2;

/** A real SSH server (ssh2's) on a free loopback port, offering the given host keys and refusing every login. */
async function sshServer(privateKeys: string[], host = '127.0.0.1', port = 0): Promise<{ server: net.Server; port: number }> {
  const sshd = new Server({ hostKeys: privateKeys }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (context) => context.reject());
  });
  const server = net.createServer((socket) => sshd.injectSocket(socket));
  await new Promise<void>((resolve) => server.listen(port, host, () => resolve()));
  servers.push(server);
  return { server, port: (server.address() as AddressInfo).port };
}

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const ed25519 = utils.generateKeyPairSync('ed25519');
const ecdsa = utils.generateKeyPairSync('ecdsa', { bits: 256 });
const rsa = utils.generateKeyPairSync('rsa', { bits: 2048 });
/** `"<type> <base64>"` of an OpenSSH public key line. */
const known = (pair: { public: string }) => pair.public.trim().split(/\s+/).slice(0, 2).join(' ');

/** A dialer that counts finished attempts, so a test can wait until the scan has tried (and failed) to connect. */
function countingDialer(): { dial: Dialer; attempts: () => number } {
  let attempts = 0;
  return {
    dial: (host, port, signal) => {
      const connecting = dialTcp(host, port, signal);
      connecting.then(
        () => (attempts += 1),
        () => (attempts += 1),
      );
      return connecting;
    },
    attempts: () => attempts,
  };
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function options(clock: ManualClock, extra: Partial<NodeScanOptions> = {}): NodeScanOptions {
  return { clock, timeoutMs: 60_000, attemptTimeoutMs: 10_000, retryIntervalMs: 1_000, ...extra };
}

describe('scanNode', () => {
  it('gathers every host key type the server offers, as "type base64", in ed25519, ecdsa, rsa order', async () => {
    const { port } = await sshServer([rsa.private, ed25519.private, ecdsa.private]);
    const keys = await scanNode({ host: '127.0.0.1', port, connectionType: 'ssh' }, options(new ManualClock()));
    expect(keys).toEqual([known(ed25519), known(ecdsa), known(rsa)]);
    expect(keys.map((key) => key.split(' ')[0])).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
  });

  it('gathers only the types the server has, and network_cli gathers keys like ssh', async () => {
    const { port } = await sshServer([ecdsa.private]);
    const keys = await scanNode({ host: '127.0.0.1', port, connectionType: 'network_cli' }, options(new ManualClock()));
    expect(keys).toEqual([known(ecdsa)]);
  });

  it('waits for an sshd that starts late, retrying refused connections on the injected clock', async () => {
    const clock = new ManualClock();
    const port = await closedPort();
    const { dial, attempts } = countingDialer();
    const scan = scanNode({ host: '127.0.0.1', port, connectionType: 'ssh' }, options(clock, { dial }));
    await waitFor(() => attempts() === 1 && clock.pendingTimers === 1);
    await clock.advanceSettling(1_000);
    await waitFor(() => attempts() === 2 && clock.pendingTimers === 1);
    await sshServer([ed25519.private], '127.0.0.1', port);
    await clock.advanceSettling(1_000);
    await expect(scan).resolves.toEqual([known(ed25519)]);
    expect(attempts()).toBeGreaterThanOrEqual(3);
  });

  it('fails with a timeout when nothing answers within the bound', async () => {
    const clock = new ManualClock();
    const port = await closedPort();
    const { dial, attempts } = countingDialer();
    const scan = scanNode({ host: '127.0.0.1', port, connectionType: 'ssh' }, options(clock, { dial, timeoutMs: 5_000 }));
    const outcome = scan.then(
      () => undefined,
      (error: unknown) => error,
    );
    for (let tick = 1; tick <= 5; tick++) {
      await waitFor(() => attempts() === tick && clock.pendingTimers === 1);
      await clock.advanceSettling(1_000);
    }
    const error = await outcome;
    expect(error).toBeInstanceOf(NodeScanError);
    expect((error as NodeScanError).timedOut).toBe(true);
    expect((error as Error).message).toMatch(/did not answer within 5s.*ECONNREFUSED/);
  });

  it('retries a port that accepts but speaks no SSH yet, until the real sshd answers', async () => {
    const clock = new ManualClock();
    // A port that accepts and hangs up at once, as a booting VM's half-started sshd may.
    const hangUp = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', () => resolve()));
    const { port } = hangUp.address() as AddressInfo;
    const { dial, attempts } = countingDialer();
    const scan = scanNode({ host: '127.0.0.1', port, connectionType: 'ssh' }, options(clock, { dial }));
    await waitFor(() => attempts() === 1 && clock.pendingTimers === 1);
    await new Promise((resolve) => hangUp.close(resolve));
    await sshServer([ed25519.private], '127.0.0.1', port);
    await clock.advanceSettling(1_000);
    await expect(scan).resolves.toEqual([known(ed25519)]);
  });

  it('only checks the port for winrm: no SSH is spoken and no keys are gathered', async () => {
    let accepted = 0;
    let received = 0;
    const plain = net.createServer((socket) => {
      accepted += 1;
      socket.on('data', (data) => (received += data.length));
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()));
    servers.push(plain);
    const { port } = plain.address() as AddressInfo;
    await expect(scanNode({ host: '127.0.0.1', port, connectionType: 'winrm' }, options(new ManualClock()))).resolves.toEqual([]);
    await waitFor(() => accepted === 1);
    expect(received).toBe(0);
  });

  it('stops when aborted', async () => {
    const clock = new ManualClock();
    const port = await closedPort();
    const abort = new AbortController();
    const { dial, attempts } = countingDialer();
    const scan = scanNode({ host: '127.0.0.1', port, connectionType: 'ssh' }, options(clock, { dial, signal: abort.signal }));
    await waitFor(() => attempts() === 1);
    abort.abort(new Error('launch timeout'));
    await expect(scan).rejects.toThrow(/stopped: launch timeout/);
  });

  it('scans many nodes at once, each getting its own keys', async () => {
    const pairs = Array.from({ length: 20 }, () => utils.generateKeyPairSync('ed25519'));
    const ports = await Promise.all(pairs.map(async (pair) => (await sshServer([pair.private])).port));
    const clock = new ManualClock();
    const results = await Promise.all(ports.map((port) => scanNode({ host: '127.0.0.1', port, connectionType: 'ssh' }, options(clock))));
    expect(results).toEqual(pairs.map((pair) => [known(pair)]));
  });
});
