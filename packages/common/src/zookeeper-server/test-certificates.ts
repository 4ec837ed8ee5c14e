import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ZkHost, ZkTlsConfig } from '../zk/index.js';
import { startZooKeeperServer, type ZooKeeperServer } from './local-zookeeper.js';

const run = promisify(execFile);

/**
 * Certificates made at test time with the `openssl` command: a CA, certificates it signs (for
 * 127.0.0.1 and localhost), and the PKCS12 key store and trust store a ZooKeeper server reads
 * (the trust store through the JDK's `keytool`, as openssl 3.0 cannot mark a certificate
 * trusted for Java). Everything lives in one temporary directory.
 */
export interface TestCertificate {
  /** PEM certificate file. */
  cert: string;
  /** PEM (unencrypted PKCS8) private key file. */
  key: string;
}

export interface TestCertificateAuthority extends TestCertificate {
  /** Signs a new certificate `name` valid for `days` (negative: expired that long ago). */
  issue(name: string, options?: { days?: number }): Promise<TestCertificate>;
}

export interface TestPki {
  readonly dir: string;
  readonly ca: TestCertificateAuthority;
  /** The server's certificate and key in a PKCS12 key store, and the CA in a PKCS12 trust store. */
  readonly server: TestCertificate & { keyStore: string; trustStore: string; storePassword: string };
  /** A client certificate signed by the CA: the `zookeeper-tls` a client uses. */
  readonly client: ZkTlsConfig;
  /** Makes another, unrelated CA in the same directory (for wrong-CA tests). */
  otherCa(name: string): Promise<TestCertificateAuthority>;
  remove(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || (error as Error).message}`);
  }
}

async function makeCa(dir: string, name: string): Promise<TestCertificateAuthority> {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`], dir);
  let serial = 1;
  return {
    cert,
    key,
    async issue(subject, options = {}) {
      const issued = { cert: path.join(dir, `${subject}.pem`), key: path.join(dir, `${subject}.key`) };
      const csr = path.join(dir, `${subject}.csr`);
      const extensions = path.join(dir, `${subject}.ext`);
      await writeFile(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
      await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', issued.key, '-out', csr, '-subj', `/CN=${subject}`], dir);
      await openssl(
        ['x509', '-req', '-in', csr, '-CA', cert, '-CAkey', key, '-set_serial', String(serial++), '-out', issued.cert,
          '-days', String(options.days ?? 1), '-extfile', extensions],
        dir,
      );
      return issued;
    },
  };
}

/** Makes a CA, a server and a client certificate, and the server's PKCS12 stores. */
export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-zk-tls-'));
  const ca = await makeCa(dir, 'test-ca');
  const [server, client] = await Promise.all([ca.issue('zookeeper-server'), ca.issue('cloudpool-client')]);
  const storePassword = 'test-store-password';
  const keyStore = path.join(dir, 'keystore.p12');
  const trustStore = path.join(dir, 'truststore.p12');
  await openssl(['pkcs12', '-export', '-in', server.cert, '-inkey', server.key, '-out', keyStore, '-passout', `pass:${storePassword}`], dir);
  await run('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', ca.cert, '-keystore', trustStore,
    '-storetype', 'PKCS12', '-storepass', storePassword]);
  return {
    dir,
    ca,
    server: { ...server, keyStore, trustStore, storePassword },
    client: { cert: client.cert, key: client.key, ca: ca.cert },
    otherCa: (name) => makeCa(dir, name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A ZooKeeper that serves only TLS (client certificates required), with its PKI. */
export interface TlsZooKeeper {
  pki: TestPki;
  server: ZooKeeperServer;
  hosts: ZkHost[];
  /** Stops the server and removes the certificates. */
  stop(): Promise<void>;
}

/** Starts a TLS-only ZooKeeper (see `ZooKeeperServerTls`) from a fresh CA; `pki.client` connects to it. */
export async function startTlsZooKeeper(): Promise<TlsZooKeeper> {
  const pki = await makeTestPki();
  const server = await startZooKeeperServer({ tls: { ...pki.server, client: pki.client } }).catch(async (error: unknown) => {
    await pki.remove();
    throw error;
  });
  return {
    pki,
    server,
    hosts: [{ host: '127.0.0.1', port: server.port }],
    async stop() {
      await server.stop();
      await pki.remove();
    },
  };
}
