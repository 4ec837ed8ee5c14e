import type { TestProject } from 'vitest/node';
import { provideZooKeeper, startTlsZooKeeper, startZooKeeperServer } from '@cloudpool/common/testing';

/**
 * One real ZooKeeper server for the whole run; each test file works under its own chroot. For
 * the `zk-tls` project (or with CLOUDPOOL_ZK_TLS=1), the server serves only TLS with client
 * certificates required, from certificates made now, and every client connects with them.
 */
export default async function setup(project: TestProject) {
  if (project.name === 'zk-tls' || process.env.CLOUDPOOL_ZK_TLS === '1') {
    const tlsServer = await startTlsZooKeeper();
    provideZooKeeper(project, tlsServer.server.connectString, tlsServer.pki.client);
    return () => tlsServer.stop();
  }
  const server = await startZooKeeperServer();
  provideZooKeeper(project, server.connectString);
  return () => server.stop();
}
