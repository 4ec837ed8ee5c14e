export { OpenStackSimulator, type OpenStackSimulatorOptions } from './openstack-simulator.js';
export type { CloudIdentity, IdentityOptions } from './keystone/identity.js';
export type { CloudsYamlCloud, OpenStackConnectionInfo } from './clouds-yaml.js';
export type {
  OpenStackResourceCounts,
  OpenStackSeed,
  OpenStackSeedResult,
  SeedFloatingIp as OpenStackSeedFloatingIp,
  SeedImage as OpenStackSeedImage,
  SeedPort as OpenStackSeedPort,
  SeedServer as OpenStackSeedServer,
  SeedVolume as OpenStackSeedVolume,
} from './seed.js';
