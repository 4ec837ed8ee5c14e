export type { AdaptiveRateSettings } from './adaptive-rate.js';
export { ApiQueue, type ApiCall, type ApiCallEvent, type ApiQueueStats } from './api-queue.js';
export type { ApiCallKind, ApiQueueOptions } from './api-queue-options.js';
export { ApiQueueStoppedError } from './api-queue-stopped-error.js';
export type { ActionStats, CallOutcome, FailureKind } from './call-stats.js';
export { describeRate, effectiveRatePerSecond, type NodepoolRateDriver } from './nodepool-rate.js';
export { kindOfMethod, pacedRequest, type PacedCall, type TransportOutcome } from './paced-request.js';
