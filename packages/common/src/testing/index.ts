export * from './zookeeper-server.js';
