import type { KnobsPatch } from '@cloudpool/simulator';
import { PUBLIC_IMAGES } from '@cloudpool/simulator';
import type { CloudName, ConnectionInfo } from './sim-host.js';

export type { CloudName } from './sim-host.js';

export const CLOUDS: readonly CloudName[] = ['aws', 'azure', 'openstack'];

/** The API budget of every provider, in requests per second (Nodepool `rate: 10`, or `rate: 0.1` on OpenStack). */
export const RATE = 10;
/** Simulated boot time of every cloud. */
export const BOOT_TIME_MS = 5_000;
export const DELETE_TIME_MS = 2_000;
/** The port of the simulated VMs' sshd (the cloud images' `connection-port`): nodes are checked as Nodepool does. */
export const SSH_PORT = 2222;
/** The largest page a list call returns (the simulators' and the clouds' default). */
export const PAGE_SIZE = 1000;

/**
 * What a node lifecycle needs at the least on each cloud, as the clouds' APIs are made:
 * - `create`: the calls that make one node (writes);
 * - `delete`: the calls that remove one node, `deleteBatch` nodes per call;
 * - `list`: the list actions that show readiness and addresses (one page each per listing).
 * AWS: one tagged RunInstances; one TerminateInstances per 50 ids; DescribeInstances.
 * Azure: PUT public IP, PUT NIC, PUT VM (the VM's delete options take NIC, IP and disk with
 * it); one VM DELETE; the VM list (provisioning state) with the NIC and IP lists (addresses).
 * OpenStack (as Nodepool does it): POST server (Nova makes the port), POST floating IP;
 * DELETE server, DELETE floating IP; GET servers/detail (addresses included).
 */
export interface MinimumCalls {
  create: Record<string, number>;
  delete: Record<string, number>;
  deleteBatch: number;
  list: string[];
}

export interface CloudProfile {
  name: CloudName;
  provider: string;
  label: string;
  /** The call that completes a node's creation (its count tells creates done). */
  createAction: string;
  minimum: MinimumCalls;
  /** Nodepool's `rate` value meaning `RATE` requests per second for this driver. */
  rateSetting: number;
}

export const PROFILES: Record<CloudName, CloudProfile> = {
  aws: {
    name: 'aws',
    provider: 'aws-bench',
    label: 'bench-aws',
    createAction: 'RunInstances',
    minimum: { create: { RunInstances: 1 }, delete: { TerminateInstances: 1 }, deleteBatch: 50, list: ['DescribeInstances'] },
    rateSetting: RATE,
  },
  azure: {
    name: 'azure',
    provider: 'azure-bench',
    label: 'bench-azure',
    createAction: 'virtualMachines.createOrUpdate',
    minimum: {
      create: { 'publicIPAddresses.createOrUpdate': 1, 'networkInterfaces.createOrUpdate': 1, 'virtualMachines.createOrUpdate': 1 },
      delete: { 'virtualMachines.delete': 1 },
      deleteBatch: 1,
      list: ['virtualMachines.list', 'networkInterfaces.list', 'publicIPAddresses.list'],
    },
    rateSetting: RATE,
  },
  openstack: {
    name: 'openstack',
    provider: 'openstack-bench',
    label: 'bench-openstack',
    createAction: 'nova.servers.create',
    minimum: {
      create: { 'nova.servers.create': 1, 'neutron.floatingips.create': 1 },
      delete: { 'nova.servers.delete': 1, 'neutron.floatingips.delete': 1 },
      deleteBatch: 1,
      list: ['nova.servers.detail'],
    },
    rateSetting: 1 / RATE,
  },
};

/** Calls that make one node, at the least. */
export function createCallsPerNode(profile: CloudProfile): number {
  return Object.values(profile.minimum.create).reduce((a, b) => a + b, 0);
}

/**
 * The simulators' knobs: a cloud that answers reads in ~50 ms and writes in ~150 ms, takes
 * ~1 s to accept a create, boots in 5 s, and allows `RATE` reads and `RATE` writes per second
 * (as AWS and Azure limit reads and writes separately); over that it throttles.
 *
 * The create latency is set on the create action by name: the simulators look latency up by
 * action, then by kind (`read`/`write`), then `default`; a `create` family is documented in the
 * knobs but never looked up.
 */
export function cloudKnobs(profile: CloudProfile, overrides: KnobsPatch = {}): KnobsPatch {
  return {
    latency: {
      default: { medianMs: 50, p95Ms: 150 },
      read: { medianMs: 50, p95Ms: 150 },
      write: { medianMs: 150, p95Ms: 400 },
      [profile.createAction]: { medianMs: 1000, p95Ms: 2000 },
    },
    bootTimeMs: BOOT_TIME_MS,
    deleteTimeMs: DELETE_TIME_MS,
    rateLimits: { read: { perSecond: RATE, burst: RATE }, write: { perSecond: RATE, burst: RATE } },
    maxPageSize: PAGE_SIZE,
    ...overrides,
  };
}

const JAMMY = PUBLIC_IMAGES.find((image) => image.name.includes('jammy-22.04-amd64'))!.id;
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtM3m4O1Pq3yXHkz7qFJfG0nQ zuul@example.com';

/** The provider's `nodepool.yaml` entry (indented under `providers:`). `files` holds the paths written for it. */
export function providerYaml(profile: CloudProfile, info: ConnectionInfo, files: { azureAuth?: string; azureCa?: string }, maxServers: number): string {
  const head = `  - name: ${profile.provider}\n    rate: ${profile.rateSetting}\n    launch-retries: 3\n    boot-timeout: 300\n`;
  const pool = (extra: string, label: string) =>
    `    pools:\n      - name: main\n        max-servers: ${maxServers}\n${extra}        labels:\n          - name: ${profile.label}\n${label}`;
  switch (info.cloud) {
    case 'aws':
      return (
        head +
        `    driver: aws\n    region-name: ${info.region}\n    endpoint: ${info.endpoint}\n` +
        `    cloud-images:\n      - name: jammy\n        image-id: ${JAMMY}\n        username: ubuntu\n        connection-port: ${SSH_PORT}\n` +
        pool('', `            cloud-image: jammy\n            instance-type: t3.medium\n            key-name: zuul\n`)
      );
    case 'azure':
      return (
        head +
        `    driver: azure\n    location: ${info.location}\n    resource-group: ${info.resourceGroup}\n    auth-path: ${files.azureAuth}\n` +
        (files.azureCa ? `    ca-file: ${files.azureCa}\n` : '') +
        `    network: ${info.resourceGroup}-vnet\n` +
        `    cloud-images:\n      - name: ubuntu\n        username: zuul\n        key: ${SSH_KEY}\n        connection-port: ${SSH_PORT}\n` +
        `        image-reference: { sku: server, publisher: Canonical, version: latest, offer: ubuntu-24_04-lts }\n` +
        pool('', `            cloud-image: ubuntu\n            hardware-profile: { vm-size: Standard_B2s }\n`)
      );
    case 'openstack':
      return (
        head +
        `    driver: openstack\n    cloud: ${info.cloudName}\n    region-name: ${info.regionName}\n` +
        `    cloud-images:\n      - name: ubuntu\n        image-name: ubuntu-jammy\n        username: ubuntu\n        connection-port: ${SSH_PORT}\n` +
        pool('        networks: [private]\n', `            cloud-image: ubuntu\n            flavor-name: m1.small\n`)
      );
  }
}
