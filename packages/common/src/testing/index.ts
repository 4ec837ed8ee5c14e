export * from './driver-contract.js';
export * from './fake/fake-adapter.js';
export * from './fake/fake-cloud.js';
export * from './fake/fake-config.js';
export * from './fake/fake-driver.js';
export * from './passthrough-queue.js';
export * from '../zookeeper-server/local-zookeeper.js';
export * from './zookeeper-test-helpers.js';
