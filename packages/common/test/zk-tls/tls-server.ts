import { makeTestPki, startZooKeeperServer, type TestPki, type ZooKeeperServer } from '@cloudpool/common/testing';
import type { ZkHost } from '../../src/zk/index.js';

export interface TlsZooKeeper {
  pki: TestPki;
  server: ZooKeeperServer;
  hosts: ZkHost[];
  stop(): Promise<void>;
}

/** A ZooKeeper of this test file's own that serves only TLS, certificates required, from a fresh CA. */
export async function startTlsZooKeeper(): Promise<TlsZooKeeper> {
  const pki = await makeTestPki();
  const server = await startZooKeeperServer({ tls: { ...pki.server, client: pki.client } });
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
