import { childPath, isZkError, nodeLockPath, requestLockPath } from '@cloudpool/common';
import type { LauncherContext } from '../context.js';
import type { Launcher } from '../launcher.js';

/** Lock contenders (held or waited for) of one ZooKeeper session. */
export interface SessionLocks {
  nodes: string[];
  requests: string[];
}

/**
 * What SIGUSR2 reports: `launcher.report()` (providers, API queues, pools and their active
 * requests, nodes being deleted, ZooKeeper state), plus each provider's state machines in
 * progress, the cache sizes, the negotiated session timeout, and the locks this session has,
 * as ZooKeeper itself records them.
 */
export async function diagnosticsReport(launcher: Launcher): Promise<Record<string, unknown>> {
  const { client, nodes, requests } = launcher.context;
  const stateMachines = [...launcher.runtimes()].map(([name, runtime]) => ({
    provider: name,
    ...('activeWork' in runtime.provider ? (runtime.provider.activeWork as object) : {}),
  }));
  return {
    ...launcher.report(),
    stateMachines,
    caches: { nodes: nodes.size, requests: requests.size },
    zookeeperSessionTimeoutMs: client.negotiatedSessionTimeoutMs,
    locks: await sessionLocks(launcher.context),
  };
}

/** The node and request locks that have a contender znode owned by this client's session. */
async function sessionLocks({ client, zk, nodes }: LauncherContext): Promise<SessionLocks> {
  const session = client.sessionId;
  if (session === undefined) return { nodes: [], requests: [] };
  const ownedBySession = async (lockPath: string) => {
    const children = await client.getChildren(lockPath).catch((error: unknown) => {
      if (isZkError(error, 'NoNode')) return [];
      throw error;
    });
    const stats = await Promise.all(children.map((child) => client.exists(childPath(lockPath, child))));
    return stats.some((stat) => stat?.ephemeralOwner === session);
  };
  const nodeIds = nodes.values().map((node) => node.id);
  const requestIds = await zk.listRequestLockIds();
  const [nodeHeld, requestHeld] = await Promise.all([
    Promise.all(nodeIds.map((id) => ownedBySession(nodeLockPath(id)))),
    Promise.all(requestIds.map((id) => ownedBySession(requestLockPath(id)))),
  ]);
  return { nodes: nodeIds.filter((_, i) => nodeHeld[i]), requests: requestIds.filter((_, i) => requestHeld[i]) };
}
