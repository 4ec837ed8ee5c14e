import os from 'node:os';
import { NodepoolZk, ZkClient, type NodepoolConfig } from '@cloudpool/common';

/** A command gives up connecting after this long: an operator is waiting. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Runs `work` with a session on the configured ZooKeeper (servers, chroot, session timeout),
 * then closes it, which also removes the session's ephemeral znodes (locks, requests).
 */
export async function withZooKeeper<T>(config: NodepoolConfig, work: (zk: NodepoolZk) => Promise<T>): Promise<T> {
  const [first] = config.zookeeperServers;
  const client = await ZkClient.connect({
    hosts: config.zookeeperServers.map(({ host, port }) => ({ host, port })),
    ...(first?.chroot ? { chroot: first.chroot } : {}),
    sessionTimeoutMs: config.zookeeperTimeout * 1000,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    ...(config.zookeeperTls ? { tls: config.zookeeperTls } : {}),
    ...(config.zookeeperAuth ? { auth: config.zookeeperAuth } : {}),
  });
  try {
    return await work(new NodepoolZk(client, { identifier: `cloudpool-cli-${os.hostname()}-${process.pid}` }));
  } finally {
    await client.close();
  }
}
