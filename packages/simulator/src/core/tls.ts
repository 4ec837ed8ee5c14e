import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSignedCertificate {
  key: string;
  cert: string;
  /** The certificate again, as the CA a client must trust (it is self-signed). */
  ca: string;
}

/**
 * Makes a throwaway self-signed certificate for 127.0.0.1 and localhost with openssl (an EC
 * key, about 30 ms). Clients trust it by passing `ca` explicitly; nothing is installed system-wide.
 */
export async function makeSelfSignedCertificate(): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-sim-tls-'));
  try {
    const keyPath = path.join(dir, 'key.pem');
    const certPath = path.join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=cloudpool-simulator',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
    return { key, cert, ca: cert };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
