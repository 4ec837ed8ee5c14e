export * from './call-gate.js';
export * from './clock.js';
export * from './counters.js';
export * from './knobs.js';
export * from './random.js';
export * from './simulated-cloud.js';
export * from './ssh-hosts.js';
export * from './tls.js';
