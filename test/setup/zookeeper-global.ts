import type { TestProject } from 'vitest/node';
import { provideZooKeeper, startZooKeeperServer } from '@cloudpool/common/testing';

/** One real ZooKeeper server for the whole run; each test file works under its own chroot. */
export default async function setup(project: TestProject) {
  const server = await startZooKeeperServer();
  provideZooKeeper(project, server.connectString);
  return async () => {
    await server.stop();
  };
}
