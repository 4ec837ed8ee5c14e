import { isZkError, type LockAcquireOptions, type LockedNode, type NodepoolZk } from '@cloudpool/common';
import { CliError } from './cli-error.js';

/**
 * Locks a node as Nodepool's CLI does before changing it. Throws a CliError when the node does
 * not exist, or when someone else (a job using it, a launcher deleting it) keeps the lock.
 */
export async function lockExistingNode(zk: NodepoolZk, id: string, options: LockAcquireOptions): Promise<LockedNode> {
  let locked: LockedNode | undefined;
  try {
    locked = await zk.lockNode(id, options);
  } catch (error) {
    if (isZkError(error, 'NoNode')) throw new CliError(`node ${id} not found`);
    throw error;
  }
  if (!locked) throw new CliError(`node ${id} is locked by someone else (a job using it, or a launcher deleting it); try again later`);
  return locked;
}
