export * from './all-clouds.js';
export * from './azure/index.js';
export * from './core/index.js';
export * from './ec2/index.js';
export * from './openstack/index.js';
