import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { LauncherEvents } from '../context.js';
import type { NodeNotification } from './node-notification.js';

/**
 * Writes every notification to the launcher's log as one structured record: the whole
 * notification under `notification` (the JSON log keeps it as an object), and a readable line,
 * `node 0000000042 building -> ready (done, end)`. Errors are logged as warnings. Returns the
 * function that stops it.
 */
export function logNotifications(events: EventEmitter<LauncherEvents>, logger: Logger): () => void {
  const onNotification = (notification: NodeNotification) => {
    const from = notification.previous_state ?? 'new';
    const line = `node ${notification.node_id} ${from} -> ${notification.state} (${notification.event}, ${notification.status})`;
    if (notification.status === 'error') logger.warn({ notification }, `${line}: ${notification.error ?? 'no error text'}`);
    else logger.info({ notification }, line);
  };
  events.on('nodeState', onNotification);
  return () => events.off('nodeState', onNotification);
}
