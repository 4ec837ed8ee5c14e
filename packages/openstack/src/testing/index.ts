/** The simulator-backed test bed of the openstack driver (`@cloudpool/openstack/testing`): a started simulator, an adapter on it through the real SDK, and helpers to look around the adapter. */
export * from './test-bed.js';
