export * from './adapter.js';
export * from './config-model.js';
export * from './driver.js';
export * from './list-cache.js';
export * from './node-state-machines.js';
export * from './step-machine.js';
export * from './tags.js';
