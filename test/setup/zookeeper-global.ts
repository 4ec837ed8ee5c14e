import type { TestProject } from 'vitest/node';
import { startZooKeeperServer } from '@cloudpool/common/testing';


export default async function setup(project: TestProject) {
  const server = await startZooKeeperServer();
  project.provide('zookeeperConnectString', server.connectString);
  return async () => {
    await server.stop();
  };
}
