import { awsDriver, AwsClientRegistry, sdkEc2Port, type AwsClientLease, type Ec2Port } from '@cloudpool/aws';
import type { Driver } from '@cloudpool/common';
import { passthroughQueue, waitFor } from '@cloudpool/common/testing';
import { Ec2Simulator, PUBLIC_IMAGES } from '@cloudpool/simulator';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { BOOT_TIME_MS, CloudUnderTest, DISKIMAGE, labelImage, WRONG_SECRET, SSH_PORT, type HeldResource, type ProviderOptions } from './cloud-under-test.js';

/** The simulator's Ubuntu 22.04 amd64 image. */
const JAMMY_IMAGE_ID = PUBLIC_IMAGES.find((image) => image.name.includes('jammy-22.04-amd64'))!.id;

type Tags = Array<{ Key?: string; Value?: string }> | undefined;

function tagRecord(tags: Tags): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/**
 * EC2 through the `aws` driver: the provider's `endpoint` key points at the simulator and the
 * SDK's default credential chain finds the simulator's keys in the environment. A node is an
 * instance with its root volume and network interface, tagged together by RunInstances.
 */
export class AwsCloud extends CloudUnderTest<Ec2Simulator> {
  readonly name = 'aws';
  readonly providerName = 'ec2-sim';
  readonly username = 'ubuntu';
  readonly nodeResourceTypes = ['instance', 'network-interface', 'volume'];
  readonly createAction = 'RunInstances';
  private lease: AwsClientLease | undefined;
  private port: Ec2Port | undefined;
  private directory: string | undefined;

  get driver(): Driver {
    return awsDriver;
  }

  /** `wrongCredentials`: profile `wrong` of a shared credentials file, an access key EC2 does not know. */
  providerYaml(options: ProviderOptions = {}): string {
    const { maxServers = 10, launchRetries = 3, wrongCredentials = false, bootTimeout, hostKeyChecking } = options;
    const label = (name: string, instanceType: string) =>
      `          - name: ${name}\n            ${labelImage(options)}\n            instance-type: ${instanceType}\n            key-name: zuul\n`;
    const diskimages = options.diskimage ? `    diskimages:\n      - name: ${DISKIMAGE}\n        import-method: snapshot\n        volume-type: gp3\n        connection-port: ${SSH_PORT}\n` : '';
    return `  - name: ${this.providerName}
    driver: aws
    region-name: ${this.sim.region}
    endpoint: ${this.sim.url}
${wrongCredentials ? '    profile-name: wrong\n' : ''}    rate: 1000
    launch-retries: ${launchRetries}
${bootTimeout === undefined ? '' : `    boot-timeout: ${bootTimeout}\n`}    cloud-images:
      - name: ubuntu
        image-id: ${JAMMY_IMAGE_ID}
        username: ${this.username}
        connection-port: ${SSH_PORT}
${diskimages}    pools:
      - name: main
        max-servers: ${maxServers}
${hostKeyChecking === undefined ? '' : `        host-key-checking: ${hostKeyChecking}\n`}        labels:
${label('small', 't3.medium')}${label('large', 't3.xlarge')}`;
  }

  async seedBuilderImage(name: string): Promise<string> {
    return this.sim.seed({ images: [{ name, tags: { nodepool_provider_name: this.providerName, nodepool_build_id: '0000000001', nodepool_upload_id: '0000000001' } }] }).images[0]!;
  }

  async bootedImage(instanceId: string): Promise<string | undefined> {
    const [instance] = await this.ec2.describeInstances([{ Name: 'instance-id', Values: [instanceId] }]);
    return instance?.ImageId;
  }

  async instances(): Promise<HeldResource[]> {
    return (await this.ec2.describeInstances([]))
      .filter((instance) => instance.State?.Name !== 'terminated')
      .map((instance) => ({ type: 'instance', id: instance.InstanceId ?? '', tags: tagRecord(instance.Tags) }));
  }

  async resources(): Promise<HeldResource[]> {
    const [instances, volumes, interfaces] = await Promise.all([
      this.instances(),
      this.ec2.describeVolumes([]),
      this.ec2.describeNetworkInterfaces([]),
    ]);
    return [
      ...instances,
      ...volumes.map((volume) => ({ type: 'volume', id: volume.VolumeId ?? '', tags: tagRecord(volume.Tags) })),
      ...interfaces.map((networkInterface) => ({ type: 'network-interface', id: networkInterface.NetworkInterfaceId ?? '', tags: tagRecord(networkInterface.TagSet) })),
    ];
  }

  /** The next instance stays pending until EC2 terminates it (as with `Server.InsufficientInstanceCapacity`). */
  async failNextBoot(): Promise<void> {
    this.sim.setKnobs({ bootTimeMs: 3_600_000 });
    const pending = await waitFor(async () => {
      const [instance] = await this.ec2.describeInstances([{ Name: 'instance-state-name', Values: ['pending'] }]);
      return instance?.InstanceId;
    });
    await this.ec2.terminateInstances([pending]);
    this.sim.setKnobs({ bootTimeMs: BOOT_TIME_MS });
  }

  credentialChecks(): number {
    return Object.values(this.sim.counters.snapshot()).reduce((sum, counts) => sum + (counts.total ?? 0), 0);
  }

  protected async startSimulator(): Promise<Ec2Simulator> {
    const sim = await new Ec2Simulator({ knobs: { bootTimeMs: BOOT_TIME_MS }, ssh: { port: SSH_PORT } }).start();
    const { accessKeyId, secretAccessKey, region, endpoint } = sim.connectionInfo();
    // The SDK's default credential chain reads these first, for the driver's clients and ours.
    vi.stubEnv('AWS_ACCESS_KEY_ID', accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', secretAccessKey);
    this.directory = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-launcher-aws-'));
    const credentials = path.join(this.directory, 'credentials');
    await writeFile(credentials, `[wrong]\naws_access_key_id = AKIAWRONGWRONGWRONG1\naws_secret_access_key = ${WRONG_SECRET}\n`, { mode: 0o600 });
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentials);
    vi.stubEnv('AWS_CONFIG_FILE', path.join(this.directory, 'config'));
    this.lease = new AwsClientRegistry().acquire({ region, endpoint });
    this.port = sdkEc2Port(this.lease.ec2, passthroughQueue);
    return sim;
  }

  protected async release(): Promise<void> {
    this.lease?.release();
    vi.unstubAllEnvs();
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
  }

  /** The test's own EC2 calls, through the driver's SDK port on clients of its own (unpaced). */
  get ec2(): Ec2Port {
    if (!this.port) throw new Error('aws: cloud not started');
    return this.port;
  }
}
