export * from './context.js';
export * from './launcher.js';
export * from './providers/drivers.js';
export * from './config-reload.js';
export { startWebServer } from './web/server.js';
export { renderTable } from './web/text-table.js';
export type { NodeNotification } from './notifications/node-notification.js';
export { NODE_EVENTS, UNSTABLE_STATES, notificationStatus, type NodeEvent, type NotificationStatus } from './notifications/node-state-rule.js';
export { NodeTask, withNodeTask, type NodeTaskContext, type NodeTaskOptions } from './tasks/node-task.js';
