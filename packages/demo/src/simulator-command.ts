import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { startAllClouds, writeClientFiles, type AllClouds, type ClientFiles, type ZooKeeperAddress } from '@cloudpool/simulator';
import type { CliIo } from '@cloudpool/launcher/cli';
import { wantsJson, withJsonOption } from '@cloudpool/launcher/cli';
import { printResult } from '@cloudpool/launcher/cli';
import { untilSignal } from '@cloudpool/launcher/cli';

interface SimulatorOptions {
  dir?: string;
  zookeeper: ZooKeeperAddress;
  sshPort: number;
}

/**
 * `simulator`: runs the simulated EC2, Azure and OpenStack clouds on loopback until SIGINT or
 * SIGTERM, and writes what clients need (see `writeClientFiles`). Prints where each cloud is and
 * where the files are, once every server is ready; credentials stay in the files.
 */
export function registerSimulator(program: Command, io: CliIo): void {
  withJsonOption(program.command('simulator'))
    .description('run simulated EC2, Azure and OpenStack clouds on loopback and write client files and a nodepool.yaml for them')
    .option('--dir <path>', 'where to write the files (default: a new temporary directory, removed on exit)')
    .option('--zookeeper <host:port[/chroot]>', 'the ZooKeeper the written nodepool.yaml uses', parseZooKeeper, { host: '127.0.0.1', port: 2181 })
    .option('--ssh-port <port>', "the port of every simulated VM's sshd, on its own loopback address (0: no sshd, and the nodepool.yaml turns host-key-checking off)", Number, 2222)
    .action(async (options: SimulatorOptions, command: Command) => {
      const directory = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'cloudpool-simulator-')));
      await mkdir(directory, { recursive: true });
      const clouds = await startAllClouds(options.sshPort > 0 ? { ssh: { port: options.sshPort } } : {});
      try {
        const files = await writeClientFiles(directory, clouds, options.zookeeper);
        printResult(io, wantsJson(command), summary(clouds, files), () => text(clouds, files));
        await untilSignal(io.signals, ['SIGINT', 'SIGTERM']);
      } finally {
        await clouds.stop();
        if (options.dir === undefined) await rm(directory, { recursive: true, force: true });
      }
    });
}

/** Endpoints and identities of the clouds, and the files; no secret. */
function summary(clouds: AllClouds, files: ClientFiles) {
  const ec2 = clouds.ec2.connectionInfo();
  const azure = clouds.azure.connectionInfo();
  const openstack = clouds.openstack.connectionInfo();
  return {
    ec2: { endpoint: ec2.endpoint, region: ec2.region, accessKeyId: ec2.accessKeyId },
    azure: {
      endpoint: clouds.azure.url,
      tenantId: azure.authFile.tenantId,
      subscriptionId: azure.authFile.subscriptionId,
      clientId: azure.authFile.clientId,
      resourceGroup: azure.resourceGroup,
      location: azure.location,
    },
    openstack: { authUrl: openstack.authUrl, cloud: openstack.cloudName, region: openstack.regionName },
    files,
    env: { OS_CLIENT_CONFIG_FILE: files.cloudsYaml },
  };
}

function text(clouds: AllClouds, files: ClientFiles): string {
  const { ec2, azure, openstack } = summary(clouds, files);
  const name = (file: string) => path.basename(file);
  return `Simulated clouds are running; SIGINT (Ctrl-C) or SIGTERM stops them.
  EC2        ${ec2.endpoint}  region ${ec2.region}, access key ${ec2.accessKeyId} (secret in ${name(files.awsEnv)})
  Azure      ${azure.endpoint}  tenant ${azure.tenantId}, subscription ${azure.subscriptionId}, client ${azure.clientId}
             (secret in ${name(files.azureAuth)}, CA in ${name(files.azureCa)})
  OpenStack  ${openstack.authUrl}  cloud ${openstack.cloud}, region ${openstack.region} (credentials in ${name(files.cloudsYaml)})
Files in ${files.directory}: ${[files.awsEnv, files.azureAuth, files.azureCa, files.cloudsYaml, files.nodepoolYaml].map(name).join(', ')}
To run a launcher on them:
  unset AWS_PROFILE; set -a; . ${files.awsEnv}; set +a
  export OS_CLIENT_CONFIG_FILE=${files.cloudsYaml}
  cloudpool launcher -c ${files.nodepoolYaml}
`;
}

/** `host:port`, optionally followed by a chroot path: `127.0.0.1:2181/nodepool`. */
function parseZooKeeper(value: string): ZooKeeperAddress {
  const match = /^([^:/]+):(\d{1,5})(\/.*)?$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected host:port, optionally followed by a chroot such as /nodepool');
  return { host: match[1]!, port: Number(match[2]), ...(match[3] ? { chroot: match[3] } : {}) };
}
