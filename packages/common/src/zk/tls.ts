import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import type { ZkHost, ZkTlsConfig } from './client-config.js';

/**
 * TLS to ZooKeeper, as Nodepool and Zuul make it (`zookeeper-tls`: `cert`, `key`, `ca`, PEM
 * files). The session itself runs in the native C client (`zookeeper_init_ssl`): it verifies the
 * server's certificate chain against `ca` (not the host name, as kazoo by default) and presents
 * `cert`/`key`. The C client reports nothing about failed attempts, so this module checks the
 * files before connecting and, when a connection does not come, asks the servers itself over
 * Node's TLS what is wrong.
 */

/** Where a `ZkTlsError` points. */
export interface ZkTlsErrorPlace {
  /** The offending file, when a file is at fault. */
  file?: string;
  /** Its `zookeeper-tls` setting. */
  setting?: keyof ZkTlsConfig;
  /** The offending server (`host:port`), when a server is at fault. */
  server?: string;
}

/**
 * A TLS problem with one file or one server; the message names it. A file's message starts
 * with its setting (`zookeeper-tls cert: …`); `detail` is the rest.
 */
export class ZkTlsError extends Error {
  readonly file: string | undefined;
  readonly setting: keyof ZkTlsConfig | undefined;
  readonly server: string | undefined;
  readonly detail: string;

  constructor(detail: string, place: ZkTlsErrorPlace = {}) {
    super(place.setting ? `zookeeper-tls ${place.setting}: ${detail}` : detail);
    this.name = 'ZkTlsError';
    this.detail = detail;
    this.file = place.file;
    this.setting = place.setting;
    this.server = place.server;
  }
}

/** The three files, as absolute paths, checked to exist and parse. */
export interface ZkTlsFiles {
  ca: string;
  cert: string;
  key: string;
}

type TlsKey = keyof ZkTlsConfig;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Checks the `zookeeper-tls` files and returns their absolute paths (relative ones are taken
 * from the working directory, as Nodepool does). Throws the first of `tlsFileProblems`.
 */
export async function checkTlsFiles(config: ZkTlsConfig, now = new Date()): Promise<ZkTlsFiles> {
  const [first] = await tlsFileProblems(config, now);
  if (first) throw first;
  return { ca: path.resolve(config.ca), cert: path.resolve(config.cert), key: path.resolve(config.key) };
}

/**
 * Every problem of the `zookeeper-tls` files, each a `ZkTlsError` naming its file: missing or
 * unreadable, not PEM, an encrypted key (nothing could type its passphrase), a key that does
 * not belong to the certificate, the certificate (or every CA certificate) expired or not yet
 * valid at `now`. [] when the files are usable.
 */
export async function tlsFileProblems(config: ZkTlsConfig, now = new Date()): Promise<ZkTlsError[]> {
  const problems: ZkTlsError[] = [];
  const parsed: Partial<Record<TlsKey, X509Certificate | KeyObject>> = {};
  for (const key of ['cert', 'key', 'ca'] as const) {
    try {
      parsed[key] = parseTlsFile(config, key, await readTlsFile(config, key), now);
    } catch (error) {
      if (!(error instanceof ZkTlsError)) throw error;
      problems.push(error);
    }
  }
  const { cert, key } = parsed;
  if (cert instanceof X509Certificate && key && !(key instanceof X509Certificate) && !cert.checkPrivateKey(key)) {
    const detail = `${config.key} is not the private key of the certificate in ${config.cert}`;
    problems.push(new ZkTlsError(detail, { file: config.key, setting: 'key' }));
  }
  return problems;
}

/** `ca,cert,key`: the C client's certificate argument. Throws when a path holds a comma. */
export function nativeTlsArgument(files: ZkTlsFiles): string {
  for (const key of ['ca', 'cert', 'key'] as const) {
    if (files[key].includes(',')) {
      const detail = `the path ${files[key]} contains a comma, which the ZooKeeper C client cannot take`;
      throw new ZkTlsError(detail, { file: files[key], setting: key });
    }
  }
  return `${files.ca},${files.cert},${files.key}`;
}

async function readTlsFile(config: ZkTlsConfig, key: TlsKey): Promise<string> {
  const file = config[key];
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ZkTlsError(`cannot read ${file} (${reason})`, { file, setting: key });
  }
}

/** The key, or the first certificate of the file (for `ca`, at least one must be valid now). */
function parseTlsFile(config: ZkTlsConfig, key: TlsKey, text: string, now: Date): X509Certificate | KeyObject {
  const file = config[key];
  const fail = (why: string) => new ZkTlsError(`${file} ${why}`, { file, setting: key });
  if (key === 'key') {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw fail('holds no PEM private key');
    if (/ENCRYPTED/.test(text)) throw fail('holds an encrypted private key; zookeeper-tls takes an unencrypted one');
    try {
      return createPrivateKey(text);
    } catch (error) {
      throw fail(`holds no usable private key (${(error as Error).message})`);
    }
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw fail('holds no PEM certificate');
  const certificates = blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw fail(`holds a certificate that does not parse (${(error as Error).message})`);
    }
  });
  const invalidNow = (certificate: X509Certificate): string | undefined => {
    const subject = certificate.subject.replace(/\n/g, ', ');
    if (new Date(certificate.validTo) < now) return `holds a certificate (${subject}) that expired on ${certificate.validTo}`;
    if (new Date(certificate.validFrom) > now) return `holds a certificate (${subject}) that is not valid before ${certificate.validFrom}`;
    return undefined;
  };
  // The client certificate is the first one (a chain may follow); a CA bundle needs one valid CA.
  const problems = (key === 'ca' ? certificates : certificates.slice(0, 1)).map(invalidNow);
  if (problems.every((problem) => problem !== undefined)) throw fail(problems[0]!);
  return certificates[0]!;
}

/** What a TLS handshake with one server found. */
export type TlsProbeOutcome =
  /** The handshake completed: the server trusts our certificate, we trust its. */
  | 'ok'
  /** Nothing answered in time, or the connection was refused: not a TLS problem (yet). */
  | 'unreachable'
  /** A definite TLS problem (untrusted server, refused client certificate, plaintext port). */
  | 'failed';

export interface TlsProbeResult {
  server: string;
  outcome: TlsProbeOutcome;
  /** What happened, in words that name the file or the server at fault. */
  detail: string;
}

/**
 * Makes a TLS handshake with `host` using the same files as the session, and says what went
 * wrong. With `files` undefined it checks whether the server speaks TLS at all (for a
 * plaintext client that got no session). Never throws; gives up after `timeoutMs`.
 */
export function probeTls(host: ZkHost, files: ZkTlsFiles | undefined, timeoutMs: number): Promise<TlsProbeResult> {
  const server = `${host.host}:${host.port}`;
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: TlsProbeOutcome, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ server, outcome, detail });
    };
    const material = files
      ? { ca: readFileOrUndefined(files.ca), cert: readFileOrUndefined(files.cert), key: readFileOrUndefined(files.key) }
      : {};
    const socket = tls.connect({
      host: host.host,
      port: host.port,
      ...material,
      // As the C client: the chain is verified, the host name is not; without files, only
      // whether the server speaks TLS matters.
      rejectUnauthorized: files !== undefined,
      checkServerIdentity: () => undefined,
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => done('unreachable', `${server} did not answer a TLS handshake within ${timeoutMs} ms`), timeoutMs);
    socket.once('secureConnect', () => {
      // TLS 1.3 servers judge the client certificate after the handshake: wait for a verdict.
      if (socket.getProtocol() === 'TLSv1.3' && files) {
        setTimeout(() => done('ok', `${server} accepted the TLS handshake`), 200);
        return;
      }
      done('ok', `${server} ${files ? 'accepted the TLS handshake' : 'serves TLS'}`);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(...explainTlsError(server, files, error)));
    socket.once('close', () => done('failed', closedDuringHandshake(server, files)));
  });
}

/** The file's bytes, or undefined when it cannot be read now (the handshake then says why). */
function readFileOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function closedDuringHandshake(server: string, files: ZkTlsFiles | undefined): string {
  return files
    ? `${server} closed the connection during the TLS handshake: is it a plaintext ZooKeeper port? (TLS is served on secureClientPort)`
    : `${server} closed the connection`;
}

const UNTRUSTED_SERVER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

function explainTlsError(server: string, files: ZkTlsFiles | undefined, error: NodeJS.ErrnoException): [TlsProbeOutcome, string] {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') {
    return ['unreachable', `${server} refused the connection (${code})`];
  }
  if (code === 'ECONNRESET' || /socket disconnected before secure TLS connection/.test(error.message)) {
    return ['failed', closedDuringHandshake(server, files)];
  }
  if (!files) {
    // Any TLS-level answer (an alert, a certificate) means the server speaks TLS.
    return code.startsWith('ERR_SSL_') && !/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER/.test(code)
      ? ['ok', `${server} serves TLS`]
      : ['failed', `${server}: ${error.message}`];
  }
  if (UNTRUSTED_SERVER.has(code)) {
    return ['failed', `the certificate of ${server} is not signed by the CA in ${files.ca} (${code})`];
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return ['failed', `the certificate of ${server} is not valid now (${code})`];
  }
  if (/ALERT/.test(code)) {
    return ['failed', `${server} refused the client certificate ${files.cert} (${code})`];
  }
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER/.test(code)) {
    return ['failed', `${server} does not speak TLS (${code}): is it a plaintext ZooKeeper port?`];
  }
  return ['failed', `TLS handshake with ${server} failed: ${error.message}`];
}
