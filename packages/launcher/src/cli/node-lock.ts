import { isZkError } from '@cloudpool/common';
import { NodeTask, type NodeTaskContext, type NodeTaskOptions } from '../tasks/node-task.js';
import { CliError } from './cli-error.js';

/**
 * Starts a node task as Nodepool's CLI locks a node before changing it. Throws a CliError when
 * the node does not exist, or when someone else (a job using it, a launcher deleting it) keeps
 * the lock.
 */
export async function existingNodeTask(context: NodeTaskContext, id: string, options: NodeTaskOptions): Promise<NodeTask> {
  let task: NodeTask | undefined;
  try {
    task = await NodeTask.acquire(context, id, options);
  } catch (error) {
    if (isZkError(error, 'NoNode')) throw new CliError(`node ${id} not found`);
    throw error;
  }
  if (!task) throw new CliError(`node ${id} is locked by someone else (a job using it, or a launcher deleting it); try again later`);
  return task;
}
