import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { SharedByLease } from '@cloudpool/common';
import axios, { type AxiosInstance } from 'axios';
import type { CloudConfig } from '../clouds/cloud-config.js';
import { KeystoneSession, type KeystoneSessionOptions } from './keystone-session.js';

/** The long-lived client of one cloud and region: one axios instance and one Keystone session. */
export interface OpenStackConnection {
  readonly cloud: CloudConfig;
  /** The provider's `region-name`, else the cloud's `region_name`; undefined: any region. */
  readonly region: string | undefined;
  readonly http: AxiosInstance;
  readonly session: KeystoneSession;
}

/** A connection lent out by the registry; `release()` once done with it. */
export interface ConnectionLease {
  readonly connection: OpenStackConnection;
  release(): void;
}

interface Entry {
  connection: OpenStackConnection;
  agents: Array<http.Agent | https.Agent>;
}

/** How long an HTTP call may take before it counts as lost (a `transient` error). */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * One connection per (cloud, region), shared by every provider using it, so sockets, the
 * token and its renewal are never duplicated. Entries are also keyed by a digest of the cloud's
 * settings: a provider restarted after `clouds.yaml` changed gets a new connection.
 */
export class ConnectionRegistry {
  private readonly entries = new SharedByLease<Entry>((entry) => {
    for (const agent of entry.agents) agent.destroy();
  });

  acquire(cloud: CloudConfig, region: string | undefined, session: KeystoneSessionOptions): ConnectionLease {
    const lease = this.entries.acquire(connectionKey(cloud, region), () => createEntry(cloud, region, session));
    return { connection: lease.value.connection, release: () => lease.release() };
  }

  /** Connections held now (for tests). */
  get size(): number {
    return this.entries.size;
  }
}

/** The registry the driver uses. */
export const openstackConnections = new ConnectionRegistry();

function createEntry(cloud: CloudConfig, region: string | undefined, session: KeystoneSessionOptions): Entry {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({
    keepAlive: true,
    rejectUnauthorized: cloud.verifyTls,
    ...(cloud.caCertFile ? { ca: readFileSync(cloud.caCertFile, 'utf8') } : {}),
  });
  const client = axios.create({
    timeout: REQUEST_TIMEOUT_MS,
    // Every status is an answer to classify (errors.ts), not an exception.
    validateStatus: () => true,
    // `?port_id=a&port_id=b`, as OpenStack reads repeated filters.
    paramsSerializer: { indexes: null },
    maxRedirects: 0,
    httpAgent,
    httpsAgent,
    headers: { Accept: 'application/json', 'User-Agent': 'cloudpool-openstack' },
  });
  return {
    connection: { cloud, region, http: client, session: new KeystoneSession(client, cloud.auth, session) },
    agents: [httpAgent, httpsAgent],
  };
}

function connectionKey(cloud: CloudConfig, region: string | undefined): string {
  const digest = createHash('sha256').update(JSON.stringify(cloud)).digest('hex');
  return `${cloud.name}\u0000${region ?? ''}\u0000${digest}`;
}
