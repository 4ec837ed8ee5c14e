/** The simulator-backed test bed of the azure driver (`@cloudpool/azure/testing`): a started simulator, an adapter on it through the real SDK, and helpers to look around the adapter. */
export * from './test-bed.js';
