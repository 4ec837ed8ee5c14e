export * from './node-scan.js';
export * from './readiness-spec.js';
