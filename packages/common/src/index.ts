export * from './cleanup/index.js';
export * from './driver/index.js';
export * from './errors/cloud-error.js';
export * from './time/clock.js';
export * from './zk/index.js';
export * from './quota/quota-check.js';
export * from './ratelimit/index.js';
export * from './quota/quota-set.js';
