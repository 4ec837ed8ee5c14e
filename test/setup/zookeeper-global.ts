import type { TestProject } from 'vitest/node';
import { makeTestPki, provideZooKeeper, startZooKeeperServer } from '@cloudpool/common/testing';

/**
 * One real ZooKeeper server for the whole run; each test file works under its own chroot. For
 * the `zk-tls` project (or with CLOUDPOOL_ZK_TLS=1), the server serves only TLS with client
 * certificates required, from certificates made now, and every client connects with them.
 */
export default async function setup(project: TestProject) {
  const tlsMode = project.name === 'zk-tls' || process.env.CLOUDPOOL_ZK_TLS === '1';
  const pki = tlsMode ? await makeTestPki() : undefined;
  const server = await startZooKeeperServer(pki ? { tls: { ...pki.server, client: pki.client } } : {});
  provideZooKeeper(project, server.connectString, pki?.client);
  return async () => {
    await server.stop();
    await pki?.remove();
  };
}
