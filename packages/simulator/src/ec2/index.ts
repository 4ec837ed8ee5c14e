export {
  Ec2Simulator,
  type Ec2ConnectionInfo,
  type Ec2Credentials,
  type Ec2ResourceSummary,
  type Ec2SimulatorOptions,
} from './ec2-simulator.js';
export type {
  Ec2SeedRequest,
  Ec2SeedResult,
  SeedAddress as Ec2SeedAddress,
  SeedImage as Ec2SeedImage,
  SeedInstances as Ec2SeedInstances,
  SeedNetworkInterface as Ec2SeedNetworkInterface,
  SeedSnapshot as Ec2SeedSnapshot,
  SeedVolume as Ec2SeedVolume,
} from './seed.js';
export { INSTANCE_TYPES, type InstanceTypeSpec } from './instance-types.js';
export { PUBLIC_IMAGES, type PublicImage } from './public-images.js';
export { SERVICE_QUOTAS, UNLIMITED_QUOTA_VALUE, type ServiceQuotaDefinition } from './service-quota-catalog.js';
