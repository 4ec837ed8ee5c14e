export { OpenStackSimulator, type OpenStackSimulatorOptions } from './openstack-simulator.js';
export type { CloudIdentity, IdentityOptions } from './identity.js';
export type { CloudsYamlCloud, OpenStackConnectionInfo } from './clouds-yaml.js';
export type {
  OpenStackResourceCounts,
  OpenStackSeed,
  OpenStackSeedResult,
  SeedFloatingIp,
  SeedPort,
  SeedServer,
  SeedVolume,
} from './seed.js';
