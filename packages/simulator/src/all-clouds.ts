import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AzureSimulator, type AzureSimulatorOptions } from './azure/index.js';
import { Ec2Simulator, PUBLIC_IMAGES, type Ec2SimulatorOptions } from './ec2/index.js';
import { OpenStackSimulator, type OpenStackSimulatorOptions } from './openstack/index.js';
import type { SimulatedCloud } from './core/index.js';

/** Options of each simulator (knobs, seed, port...); every one is optional. */
export interface AllCloudsOptions {
  ec2?: Ec2SimulatorOptions;
  azure?: AzureSimulatorOptions;
  openstack?: OpenStackSimulatorOptions;
  /** SSH mode for the three (see `SshHosts`), unless a cloud's own options say otherwise. */
  ssh?: { port: number };
}

/** The three simulated clouds, started on loopback. */
export interface AllClouds {
  ec2: Ec2Simulator;
  azure: AzureSimulator;
  openstack: OpenStackSimulator;
  /** Stops every simulator. */
  stop(): Promise<void>;
}

/**
 * Starts the EC2, Azure and OpenStack simulators in this process, each on a free loopback port
 * unless its options name one. When one fails to start, those already started are stopped and
 * the error is thrown.
 */
export async function startAllClouds(options: AllCloudsOptions = {}): Promise<AllClouds> {
  const ssh = options.ssh ? { ssh: options.ssh } : {};
  const ec2 = new Ec2Simulator({ ...ssh, ...options.ec2 });
  // The demo and `cloudpool simulator` show the flow, not Azure's pace (pass `timing: 'realistic'` for that).
  const azure = new AzureSimulator({ timing: 'fast', ...ssh, ...options.azure });
  const openstack = new OpenStackSimulator({ neutronL3: true, ...ssh, ...options.openstack });
  const stop = async () => {
    await Promise.all([ec2.stop(), azure.stop(), openstack.stop()]);
  };
  const started = await Promise.allSettled([ec2.start(), azure.start(), openstack.start()]);
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  return { ec2, azure, openstack, stop };
}

/** Where `writeClientFiles` put each file. */
export interface ClientFiles {
  directory: string;
  /** `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_REGION`, as `KEY=value` lines. */
  awsEnv: string;
  /** The service-principal auth file (`az ad sp create-for-rbac --sdk-auth`) of the Azure simulator. */
  azureAuth: string;
  /** The CA (PEM) of the Azure simulator's HTTPS certificate. */
  azureCa: string;
  /** The `clouds.yaml` of the OpenStack simulator; point `OS_CLIENT_CONFIG_FILE` at it. */
  cloudsYaml: string;
  /** A `nodepool.yaml` with one provider per simulated cloud. */
  nodepoolYaml: string;
}

/** The ZooKeeper server the written `nodepool.yaml` names. */
export interface ZooKeeperAddress {
  host: string;
  port: number;
  chroot?: string;
}

/** The labels of the written `nodepool.yaml`, one per cloud. */
export const SIMULATOR_LABELS = { ec2: 'ubuntu-jammy-ec2', azure: 'ubuntu-jammy-azure', openstack: 'ubuntu-jammy-openstack' } as const;

/** Secrets are readable by their owner only. */
const SECRET_FILE = { mode: 0o600 } as const;

/**
 * Writes into `directory` what clients of the running simulators need (see ClientFiles), and a
 * ready-to-run `nodepool.yaml` on `zookeeper` (default 127.0.0.1:2181). Before a launcher runs
 * on it, its environment needs `aws.env` and `OS_CLIENT_CONFIG_FILE`, as the file's header says.
 */
export async function writeClientFiles(
  directory: string,
  clouds: AllClouds,
  zookeeper: ZooKeeperAddress = { host: '127.0.0.1', port: 2181 },
): Promise<ClientFiles> {
  const file = (name: string) => path.join(directory, name);
  const files: ClientFiles = {
    directory,
    awsEnv: file('aws.env'),
    azureAuth: file('azure-auth.json'),
    azureCa: file('azure-ca.pem'),
    cloudsYaml: file('clouds.yaml'),
    nodepoolYaml: file('nodepool.yaml'),
  };
  const ec2 = clouds.ec2.connectionInfo();
  const azure = clouds.azure.connectionInfo();
  const awsEnv = {
    AWS_ENDPOINT_URL: ec2.endpoint,
    AWS_ACCESS_KEY_ID: ec2.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ec2.secretAccessKey,
    AWS_REGION: ec2.region,
  };
  await Promise.all([
    writeFile(files.awsEnv, Object.entries(awsEnv).map(([key, value]) => `${key}=${value}\n`).join(''), SECRET_FILE),
    writeFile(files.azureAuth, `${JSON.stringify(azure.authFile, null, 2)}\n`, SECRET_FILE),
    writeFile(files.azureCa, azure.ca),
    writeFile(files.cloudsYaml, clouds.openstack.connectionInfo().yaml, SECRET_FILE),
    writeFile(files.nodepoolYaml, nodepoolYaml(clouds, files, zookeeper)),
  ]);
  return files;
}

/** JSON strings are YAML strings: paths and URLs go in quoted. */
const quoted = (value: string) => JSON.stringify(value);

/** An Ubuntu 22.04 image of the EC2 simulator's public catalog. */
function jammyAmi(): string {
  const image = PUBLIC_IMAGES.find((candidate) => candidate.name.includes('ubuntu-jammy-22.04-amd64'));
  if (!image) throw new Error('the EC2 simulator offers no Ubuntu 22.04 amd64 image');
  return image.id;
}

/**
 * One provider per cloud, each with one label of a size and image its simulator offers. Rates
 * are raised above Nodepool's defaults: a simulator answers at once.
 */
function nodepoolYaml(clouds: AllClouds, files: ClientFiles, zookeeper: ZooKeeperAddress): string {
  const ec2 = clouds.ec2.connectionInfo();
  const azure = clouds.azure.connectionInfo();
  const openstack = clouds.openstack.connectionInfo();
  const chroot = zookeeper.chroot === undefined ? '' : `\n    chroot: ${quoted(zookeeper.chroot)}`;
  // In SSH mode the launcher checks each node as Nodepool does (its sshd's port and host keys); otherwise nothing answers.
  const reach = (sim: SimulatedCloud) => ({
    image: sim.ssh ? `\n        connection-port: ${sim.ssh.port}` : '',
    pool: sim.ssh ? '' : '\n        host-key-checking: false',
  });
  const [ec2Reach, azureReach, openstackReach] = [reach(clouds.ec2), reach(clouds.azure), reach(clouds.openstack)];
  return `# Written by \`cloudpool simulator\`: one provider per simulated cloud.
# Before starting a launcher on this file, in its shell (the AWS SDK ignores the variables
# while AWS_PROFILE is set):
#   unset AWS_PROFILE; set -a; . ${quoted(files.awsEnv)}; set +a
#   export OS_CLIENT_CONFIG_FILE=${quoted(files.cloudsYaml)}
zookeeper-servers:
  - host: ${quoted(zookeeper.host)}
    port: ${zookeeper.port}${chroot}

labels:
  - name: ${SIMULATOR_LABELS.ec2}
  - name: ${SIMULATOR_LABELS.azure}
  - name: ${SIMULATOR_LABELS.openstack}

providers:
  - name: ec2-sim
    driver: aws
    region-name: ${quoted(ec2.region)}
    endpoint: ${quoted(ec2.endpoint)}
    rate: 20
    cloud-images:
      - name: ubuntu-jammy
        image-id: ${jammyAmi()}
        username: ubuntu${ec2Reach.image}
    pools:
      - name: main
        max-servers: 10${ec2Reach.pool}
        labels:
          - name: ${SIMULATOR_LABELS.ec2}
            cloud-image: ubuntu-jammy
            instance-type: t3.small
            key-name: zuul

  - name: azure-sim
    driver: azure
    location: ${quoted(azure.location)}
    resource-group: ${quoted(azure.resourceGroup)}
    auth-path: ${quoted(files.azureAuth)}
    ca-file: ${quoted(files.azureCa)}
    subnet-id: ${quoted(azure.subnetId)}
    rate: 20
    cloud-images:
      - name: ubuntu-jammy
        username: zuul
        generate-password: true
        image-reference: { publisher: Canonical, offer: 0001-com-ubuntu-server-jammy, sku: 22_04-lts-gen2, version: latest }${azureReach.image}
    pools:
      - name: main
        max-servers: 10${azureReach.pool}
        labels:
          - name: ${SIMULATOR_LABELS.azure}
            cloud-image: ubuntu-jammy
            hardware-profile: { vm-size: Standard_B1s }

  # The cloud is read from the clouds.yaml that OS_CLIENT_CONFIG_FILE names.
  - name: openstack-sim
    driver: openstack
    cloud: ${quoted(openstack.cloudName)}
    region-name: ${quoted(openstack.regionName)}
    # Seconds between calls, as Nodepool means it for OpenStack: 20 requests per second.
    rate: 0.05
    cloud-images:
      - name: ubuntu-jammy
        image-name: ubuntu-jammy
        username: ubuntu${openstackReach.image}
    pools:
      - name: main
        max-servers: 10${openstackReach.pool}
        networks: [private]
        labels:
          - name: ${SIMULATOR_LABELS.openstack}
            cloud-image: ubuntu-jammy
            flavor-name: m1.small
`;
}
