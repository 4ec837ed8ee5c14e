import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsZooKeeper, startZooKeeperServer, type TlsZooKeeper } from '@cloudpool/common/testing';
import { ZkClient, type ZkClientConfig } from '../../src/zk/index.js';
import { testChroot } from '../zk/helpers.js';

let zk: TlsZooKeeper;

beforeAll(async () => {
  zk = await startTlsZooKeeper();
});

afterAll(async () => {
  await zk?.stop();
});

function connect(overrides: Partial<ZkClientConfig>): Promise<ZkClient> {
  return ZkClient.connect({ hosts: zk.hosts, tls: zk.pki.client, sessionTimeoutMs: 2000, connectTimeoutMs: 15_000, ...overrides });
}

describe('ZkClient over TLS (a server that serves only TLS and requires client certificates)', () => {
  it('connects with the client certificate, creating a missing chroot through a second TLS connection', async () => {
    const chroot = testChroot();
    const client = await connect({ chroot });
    const root = await connect({});
    try {
      expect(client.connectionState).toBe('connected');
      expect(await root.exists(chroot)).toBeDefined();
      await client.create('/inside', 'over tls');
      expect((await root.get(`${chroot}/inside`)).data.toString()).toBe('over tls');
    } finally {
      await root.deleteRecursive(chroot);
      await Promise.all([client.close(), root.close()]);
    }
  });

  it('turns a plaintext client away with a timeout that asks "is this a TLS port?" and says the server serves TLS', async () => {
    const error = await ZkClient.connect({ hosts: zk.hosts, connectTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ZkError', code: 'ConnectionLoss' });
    expect((error as Error).message).toContain('is this a TLS port?');
    expect((error as Error).message).toContain(`127.0.0.1:${zk.server.port} serves TLS: configure zookeeper-tls`);
  });

  it('names the CA file when it did not sign the server certificate, without waiting for the connect timeout', async () => {
    const other = await zk.pki.otherCa('unrelated-ca');
    const error = await connect({ tls: { ...zk.pki.client, ca: other.cert } }).catch((e: unknown) => e);
    // A ZkTlsError comes from the diagnosis; a timeout would be a ZkError('ConnectionLoss').
    expect(error).toMatchObject({ name: 'ZkTlsError', server: `127.0.0.1:${zk.server.port}` });
    expect((error as Error).message).toContain(`is not signed by the CA in ${other.cert}`);
  });

  it('names the client certificate the server refuses', async () => {
    const other = await zk.pki.otherCa('stranger-ca');
    const stranger = await other.issue('stranger');
    const error = await connect({ tls: { ...stranger, ca: zk.pki.client.ca } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ZkTlsError', server: `127.0.0.1:${zk.server.port}` });
    expect((error as Error).message).toContain(`refused the client certificate ${stranger.cert}`);
  });

  it('names an expired client certificate before connecting', async () => {
    const expired = await zk.pki.ca.issue('expired-client', { days: -1 });
    const error = await connect({ tls: { ...zk.pki.client, ...expired } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ZkTlsError', file: expired.cert });
    expect((error as Error).message).toMatch(/zookeeper-tls cert: .*expired-client\.pem holds a certificate \(CN=expired-client\) that expired on/);
  });

  it('names a missing file, a key of another certificate, an encrypted key and a file that is not PEM', async () => {
    const missing = path.join(zk.pki.dir, 'no-such.key');
    await expect(connect({ tls: { ...zk.pki.client, key: missing } })).rejects.toMatchObject({
      file: missing,
      message: `zookeeper-tls key: cannot read ${missing} (ENOENT)`,
    });

    const otherKey = (await zk.pki.ca.issue('someone-else')).key;
    await expect(connect({ tls: { ...zk.pki.client, key: otherKey } })).rejects.toMatchObject({
      file: otherKey,
      message: expect.stringContaining(`${otherKey} is not the private key of the certificate in ${zk.pki.client.cert}`),
    });

    const encrypted = path.join(zk.pki.dir, 'encrypted.key');
    await promisify(execFile)('openssl', ['pkey', '-in', zk.pki.client.key, '-aes256', '-passout', 'pass:secret', '-out', encrypted]);
    await expect(connect({ tls: { ...zk.pki.client, key: encrypted } })).rejects.toMatchObject({
      file: encrypted,
      message: expect.stringContaining('holds an encrypted private key'),
    });

    const notPem = path.join(zk.pki.dir, 'not-pem.crt');
    await writeFile(notPem, 'this is not a certificate\n');
    await expect(connect({ tls: { ...zk.pki.client, ca: notPem } })).rejects.toMatchObject({
      file: notPem,
      message: `zookeeper-tls ca: ${notPem} holds no PEM certificate`,
    });
  });

  it('takes a CA bundle holding an expired CA as long as one is valid; an all-expired bundle is named', async () => {
    const dir = zk.pki.dir;
    const openssl = (args: string[]) => promisify(execFile)('openssl', args, { cwd: dir });
    // `req -x509` refuses a negative validity; `x509 -req -signkey` self-signs one.
    await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'old-ca.key', '-out', 'old-ca.csr', '-subj', '/CN=old-ca']);
    await openssl(['x509', '-req', '-in', 'old-ca.csr', '-signkey', 'old-ca.key', '-days', '-1', '-out', 'old-ca.pem']);
    const oldCa = await readFile(path.join(dir, 'old-ca.pem'), 'utf8');
    const bundle = path.join(dir, 'bundle.pem');
    await writeFile(bundle, oldCa + (await readFile(zk.pki.client.ca, 'utf8')));
    const client = await connect({ tls: { ...zk.pki.client, ca: bundle } });
    await client.close();

    const expiredOnly = path.join(dir, 'expired-only.pem');
    await writeFile(expiredOnly, oldCa);
    await expect(connect({ tls: { ...zk.pki.client, ca: expiredOnly } })).rejects.toMatchObject({
      file: expiredOnly,
      message: expect.stringContaining('holds a certificate (CN=old-ca) that expired on'),
    });
  });

  it('names the server when it is a plaintext port', async () => {
    const plaintext = await startZooKeeperServer();
    try {
      const error = await connect({ hosts: [{ host: '127.0.0.1', port: plaintext.port }] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ZkTlsError', server: `127.0.0.1:${plaintext.port}` });
      expect((error as Error).message).toContain('is it a plaintext ZooKeeper port?');
    } finally {
      await plaintext.stop();
    }
  });

  it('neither blocks the event loop nor hangs when a peer never answers the TLS handshake', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    try {
      const error = await connect({ hosts: [{ host: '127.0.0.1', port }], connectTimeoutMs: 2000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ZkError', code: 'ConnectionLoss' });
      expect((error as Error).message).toContain(`could not connect to ZooKeeper at 127.0.0.1:${port} within 2000 ms over TLS`);
      // The C client's own handshake loop blocked the thread until the peer answered: no ticks.
      expect(ticks).toBeGreaterThan(10);
    } finally {
      clearInterval(ticker);
      silent.close();
    }
  });
});
