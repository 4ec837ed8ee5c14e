export * from './cleanup-report-table.js';
export * from './leak-cleanup-worker.js';
export * from './leak-rules.js';
