import { setTimeout as sleep } from 'node:timers/promises';
import type { ZkHost } from './client-config.js';
import { ZkError, isZkError } from './errors.js';
import { ZkTlsError, probeTls, type TlsProbeResult, type ZkTlsFiles } from './tls.js';

/** A TLS session not made after this long gets its servers asked what is wrong. */
const TLS_DIAGNOSIS_DELAY_MS = 1000;
/** How long one diagnostic handshake may take. */
const PROBE_TIMEOUT_MS = 2000;

export interface FirstSessionOptions {
  hosts: ZkHost[];
  /** The connect string, for messages. */
  target: string;
  connectTimeoutMs: number;
  /** Set when the session runs over TLS. */
  tls?: ZkTlsFiles;
}

/**
 * Waits for a client's first session and, when none comes, says why in one error.
 *
 * Over TLS, the C client retries a failed handshake without a word; so when no session is up
 * after `TLS_DIAGNOSIS_DELAY_MS`, every server gets a handshake with the same files from Node's
 * TLS. When each one fails for a TLS reason (its certificate is not signed by our CA, it
 * refuses our certificate, it is a plaintext port), that is thrown at once as a `ZkTlsError`
 * naming the file or the server: waiting longer would not help. Otherwise the wait goes on.
 *
 * A plaintext client on a TLS-only port is dropped by the server without a word, so its
 * timeout asks "is this a TLS port?" (and says so when a server was found to answer TLS).
 *
 * Throws `ZkError('ConnectionLoss')` on timeout, a `ZkTlsError` for a TLS misconfiguration, and
 * what `waitForConnection` throws (e.g. `Closed`).
 */
export async function awaitFirstSession(
  waitForConnection: (signal: AbortSignal) => Promise<void>,
  options: FirstSessionOptions,
): Promise<void> {
  const { hosts, target, connectTimeoutMs, tls } = options;
  const stopDiagnosis = new AbortController();
  let findings: TlsProbeResult[] | undefined;
  /** Rejects with a `ZkTlsError` when every server fails for a TLS reason; never resolves. */
  const diagnose = async (files: ZkTlsFiles): Promise<never> => {
    await sleep(Math.min(TLS_DIAGNOSIS_DELAY_MS, connectTimeoutMs / 2), undefined, { signal: stopDiagnosis.signal });
    findings = await Promise.all(hosts.map((host) => probeTls(host, files, PROBE_TIMEOUT_MS)));
    const failed = findings.filter((finding) => finding.outcome === 'failed');
    if (failed.length === findings.length && !stopDiagnosis.signal.aborted) {
      const details = failed.map((finding) => finding.detail).join('; ');
      const server = failed[0]?.server;
      throw new ZkTlsError(`could not connect to ZooKeeper at ${target} over TLS: ${details}`, server ? { server } : {});
    }
    return new Promise<never>(() => undefined);
  };
  const diagnosis = tls ? diagnose(tls) : undefined;
  try {
    const connected = waitForConnection(AbortSignal.timeout(connectTimeoutMs));
    await (diagnosis ? Promise.race([connected, diagnosis]) : connected);
  } catch (error) {
    if (error instanceof ZkTlsError || isZkError(error)) throw error;
    throw await timeoutError(options, findings);
  } finally {
    stopDiagnosis.abort();
    diagnosis?.catch(() => undefined);
  }
}

async function timeoutError(options: FirstSessionOptions, findings: TlsProbeResult[] | undefined): Promise<ZkError> {
  const { hosts, target, connectTimeoutMs, tls } = options;
  const base = `could not connect to ZooKeeper at ${target} within ${connectTimeoutMs} ms`;
  if (tls) {
    const details = (findings ?? []).filter((finding) => finding.outcome !== 'ok').map((finding) => finding.detail);
    return new ZkError('ConnectionLoss', `${base} over TLS${details.length > 0 ? `: ${details.join('; ')}` : ''}`);
  }
  const answers = await Promise.all(hosts.map((host) => probeTls(host, undefined, PROBE_TIMEOUT_MS)));
  const tlsServers = answers.filter((answer) => answer.outcome === 'ok').map((answer) => answer.server);
  const found = tlsServers.length > 0 ? ` ${tlsServers.join(', ')} ${tlsServers.length > 1 ? 'serve' : 'serves'} TLS: configure zookeeper-tls.` : '';
  return new ZkError(
    'ConnectionLoss',
    `${base}: is this a TLS port? A TLS-only ZooKeeper drops plaintext clients without an answer.${found}`,
  );
}
