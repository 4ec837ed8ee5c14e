export * from './cleanup-report-json.js';
export * from './cleanup-report-table.js';
export * from './cleanup-stats.js';
export * from './leak-cleanup-worker.js';
export * from './leak-rules.js';
export * from './sightings-store.js';
export * from './zk-sightings-store.js';
export * from './zk-references.js';
