/** The simulator-backed test bed of the aws driver (`@cloudpool/aws/testing`): a started simulator, an adapter on it through the real SDK, and helpers to look around the adapter. */
export * from './provider-fixture.js';
export * from './test-bed.js';
