/** One ZooKeeper server, as in `zookeeper-servers` of nodepool.yaml. */
export interface ZkHost {
  host: string;
  port: number;
}

/**
 * `zookeeper-tls` of nodepool.yaml: PEM files of the client certificate, its (unencrypted) key
 * and the CA that signed the servers' certificates. The session then runs over TLS only.
 */
export interface ZkTlsConfig {
  cert: string;
  key: string;
  ca: string;
}

/**
 * Credentials added to every session before any call, as kazoo's `auth_data` entry
 * `(scheme, credential)`: Nodepool's `zookeeper-auth` (scheme `digest`, `username:password`).
 */
export interface ZkAuth {
  scheme: string;
  credential: string;
}

export interface ZkClientConfig {
  hosts: ZkHost[];
  /** A path every other path is relative to, e.g. `/nodepool-prod`; created when missing. */
  chroot?: string;
  /** Requested session timeout (the server clamps it to its own min/max). Default 10 000 ms. */
  sessionTimeoutMs?: number;
  /** How long `ZkClient.connect` waits for the first session. Default 30 000 ms. */
  connectTimeoutMs?: number;
  /** Connect over TLS with these files (every connection, the chroot's second one too). */
  tls?: ZkTlsConfig;
  /** Authenticate every session (the C client sends it again on each reconnect; a new session gets it too). */
  auth?: ZkAuth;
}

export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** `/a/b` from `a/b/`, `/a/b/` or `/a/b`; undefined for no chroot or `/`. */
export function normalizeChroot(chroot: string | undefined): string | undefined {
  if (chroot === undefined) return undefined;
  const trimmed = chroot.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? undefined : `/${trimmed}`;
}

/** The C client's connect string: `host:port,host:port` followed by the chroot, if any. */
export function connectString(hosts: ZkHost[], chroot?: string): string {
  if (hosts.length === 0) throw new Error('ZooKeeper configuration lists no servers');
  return hosts.map((h) => `${h.host}:${h.port}`).join(',') + (chroot ?? '');
}
