export * from './context.js';
export * from './launcher.js';
export * from './providers/drivers.js';
export * from './config-reload.js';
