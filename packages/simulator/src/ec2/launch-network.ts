import { ec2Errors } from './errors.js';
import type { QueryParams } from './query-protocol.js';

/** The primary interface RunInstances makes, from `NetworkInterface.N` or the instance-level keys. */
export interface LaunchNetwork {
  subnetId?: string;
  securityGroupIds: readonly string[];
  /** Whether the interface goes with its instance (default true). */
  deleteOnTermination: boolean;
  /**
   * `AssociatePublicIpAddress` of the primary interface; undefined leaves it to the subnet (the
   * default subnet of a default VPC maps a public address on launch, other subnets do not).
   */
  associatePublicIp?: boolean;
}

/**
 * The network settings of RunInstances as the EC2 API reference defines them:
 * - `NetworkInterface.N` excludes the instance-level `SubnetId` and `SecurityGroupId.N`
 *   (`InvalidParameterCombination`): the subnet and groups then come from the interface
 *   (`NetworkInterface.N.SubnetId`, `NetworkInterface.N.SecurityGroupId.M`, the SDK's `Groups`);
 * - each interface needs its `DeviceIndex`, and one of them index 0 (the primary);
 * - `AssociatePublicIpAddress` is only for the interface at device index 0 of a launch with
 *   one interface, and only for a new interface (not `NetworkInterfaceId`).
 * Only the primary interface is simulated.
 */
export function launchNetwork(params: QueryParams): LaunchNetwork {
  const interfaces = params.structures('NetworkInterface');
  const instanceSubnet = params.string('SubnetId');
  const instanceGroups = params.list('SecurityGroupId');
  if (interfaces.length === 0) return { subnetId: instanceSubnet, securityGroupIds: instanceGroups, deleteOnTermination: true };
  if (instanceSubnet !== undefined) {
    throw ec2Errors.invalidParameterCombination('Network interfaces and an instance-level subnet ID may not be specified on the same request');
  }
  if (instanceGroups.length > 0) {
    throw ec2Errors.invalidParameterCombination('Network interfaces and an instance-level security groups may not be specified on the same request');
  }
  for (const networkInterface of interfaces) {
    if (networkInterface.integer('DeviceIndex') === undefined) throw ec2Errors.missingParameter('NetworkInterface.DeviceIndex');
  }
  const primary = interfaces.find((networkInterface) => networkInterface.integer('DeviceIndex') === 0);
  if (!primary) throw ec2Errors.invalidParameterValue('A network interface with device index 0 (the primary network interface) is required');
  const associatePublicIp = primary.boolean('AssociatePublicIpAddress');
  for (const networkInterface of interfaces) {
    if (networkInterface !== primary && networkInterface.string('AssociatePublicIpAddress') !== undefined) {
      throw ec2Errors.invalidParameterCombination('The associatePublicIPAddress parameter can only be specified for the network interface with DeviceIndex 0.');
    }
  }
  if (associatePublicIp !== undefined && interfaces.length > 1) {
    throw ec2Errors.invalidParameterCombination('The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.');
  }
  if (associatePublicIp !== undefined && primary.string('NetworkInterfaceId') !== undefined) {
    throw ec2Errors.invalidParameterCombination('The associatePublicIPAddress parameter cannot be specified for an existing network interface.');
  }
  return {
    subnetId: primary.string('SubnetId'),
    securityGroupIds: primary.list('SecurityGroupId'),
    deleteOnTermination: primary.boolean('DeleteOnTermination') ?? true,
    ...(associatePublicIp === undefined ? {} : { associatePublicIp }),
  };
}
