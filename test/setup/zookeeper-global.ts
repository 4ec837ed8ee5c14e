import 'vitest';
import type { TestProject } from 'vitest/node';
import { startZooKeeperServer } from '@cloudpool/common/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connect string of the ZooKeeper server shared by the run; each test file uses its own chroot. */
    zookeeperConnectString: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startZooKeeperServer();
  project.provide('zookeeperConnectString', server.connectString);
  return async () => {
    await server.stop();
  };
}
