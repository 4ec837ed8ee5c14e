export * from './context.js';
export * from './launcher.js';
export * from './providers/drivers.js';
export * from './config-reload.js';
export { startWebServer } from './web/server.js';
export { renderTable } from './web/text-table.js';
