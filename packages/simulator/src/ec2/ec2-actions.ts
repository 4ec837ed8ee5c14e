import type { Ec2Action } from './action-context.js';
import { allocateHosts, describeHosts, releaseHosts } from './dedicated-hosts.js';
import { createFleet, createLaunchTemplate } from './fleets.js';
import { deregisterImage, describeImages } from './image-actions.js';
import { describeInstances, terminateInstances } from './instance-actions.js';
import { describeInstanceTypes } from './instance-type-actions.js';
import { deleteNetworkInterface, describeAddresses, describeNetworkInterfaces, releaseAddress } from './network-actions.js';
import { runInstances } from './run-instances.js';
import { deleteSnapshot, deleteVolume, describeSnapshots, describeVolumes } from './storage-actions.js';
import { createTags } from './tag-actions.js';

/** The EC2 actions the simulator serves, by their `Action` name. */
export const EC2_ACTIONS: ReadonlyMap<string, Ec2Action> = new Map([
  ['RunInstances', runInstances],
  ['DescribeInstances', describeInstances],
  ['TerminateInstances', terminateInstances],
  ['CreateTags', createTags],
  ['DescribeImages', describeImages],
  ['DeregisterImage', deregisterImage],
  ['DescribeInstanceTypes', describeInstanceTypes],
  ['DescribeVolumes', describeVolumes],
  ['DeleteVolume', deleteVolume],
  ['DescribeSnapshots', describeSnapshots],
  ['DeleteSnapshot', deleteSnapshot],
  ['DescribeAddresses', describeAddresses],
  ['ReleaseAddress', releaseAddress],
  ['DescribeNetworkInterfaces', describeNetworkInterfaces],
  ['DeleteNetworkInterface', deleteNetworkInterface],
  ['AllocateHosts', allocateHosts],
  ['ReleaseHosts', releaseHosts],
  ['DescribeHosts', describeHosts],
  ['CreateLaunchTemplate', createLaunchTemplate],
  ['CreateFleet', createFleet],
]);
