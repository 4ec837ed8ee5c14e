import { awsDriver, AwsClientRegistry, sdkEc2Port, type AwsClientLease, type Ec2Port } from '@cloudpool/aws';
import type { Driver } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { Ec2Simulator, PUBLIC_IMAGES } from '@cloudpool/simulator';
import { vi } from 'vitest';
import { BOOT_TIME_MS, CloudUnderTest, SSH_PORT, type HeldResource, type ProviderOptions } from './cloud-under-test.js';

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

  get driver(): Driver {
    return awsDriver;
  }

  providerYaml({ maxServers = 10, launchRetries = 3, bootTimeout, hostKeyChecking }: ProviderOptions = {}): string {
    const label = (name: string, instanceType: string) =>
      `          - name: ${name}\n            cloud-image: ubuntu\n            instance-type: ${instanceType}\n            key-name: zuul\n`;
    return `  - name: ${this.providerName}
    driver: aws
    region-name: ${this.sim.region}
    endpoint: ${this.sim.url}
    rate: 1000
    launch-retries: ${launchRetries}
${bootTimeout === undefined ? '' : `    boot-timeout: ${bootTimeout}\n`}    cloud-images:
      - name: ubuntu
        image-id: ${JAMMY_IMAGE_ID}
        username: ${this.username}
        connection-port: ${SSH_PORT}
    pools:
      - name: main
        max-servers: ${maxServers}
${hostKeyChecking === undefined ? '' : `        host-key-checking: ${hostKeyChecking}\n`}        labels:
${label('small', 't3.medium')}${label('large', 't3.xlarge')}`;
  }

  async instances(): Promise<HeldResource[]> {
    const reservations = await this.pages((NextToken) => this.ec2.describeInstances({ NextToken }), (page) => page.Reservations);
    return reservations
      .flatMap((reservation) => reservation.Instances ?? [])
      .filter((instance) => instance.State?.Name !== 'terminated')
      .map((instance) => ({ type: 'instance', id: instance.InstanceId ?? '', tags: tagRecord(instance.Tags) }));
  }

  async resources(): Promise<HeldResource[]> {
    const [instances, volumes, interfaces] = await Promise.all([
      this.instances(),
      this.pages((NextToken) => this.ec2.describeVolumes({ NextToken }), (page) => page.Volumes),
      this.pages((NextToken) => this.ec2.describeNetworkInterfaces({ NextToken }), (page) => page.NetworkInterfaces),
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
      const page = await this.ec2.describeInstances({ Filters: [{ Name: 'instance-state-name', Values: ['pending'] }] });
      return page.Reservations?.[0]?.Instances?.[0]?.InstanceId;
    });
    await this.ec2.terminateInstances({ InstanceIds: [pending] });
    this.sim.setKnobs({ bootTimeMs: BOOT_TIME_MS });
  }

  protected async startSimulator(): Promise<Ec2Simulator> {
    const sim = await new Ec2Simulator({ knobs: { bootTimeMs: BOOT_TIME_MS }, ssh: { port: SSH_PORT } }).start();
    const { accessKeyId, secretAccessKey, region, endpoint } = sim.connectionInfo();
    // The SDK's default credential chain reads these first, for the driver's clients and ours.
    vi.stubEnv('AWS_ACCESS_KEY_ID', accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', secretAccessKey);
    this.lease = new AwsClientRegistry().acquire({ region, endpoint });
    this.port = sdkEc2Port(this.lease.ec2);
    return sim;
  }

  protected async release(): Promise<void> {
    this.lease?.release();
    vi.unstubAllEnvs();
  }

  /** The test's own EC2 calls, through the driver's SDK port on clients of its own. */
  private get ec2(): Ec2Port {
    if (!this.port) throw new Error('aws: cloud not started');
    return this.port;
  }

  /** Every item of a paged Describe call. */
  private async pages<P extends { NextToken?: string }, T>(call: (token: string | undefined) => Promise<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
    const all: T[] = [];
    let token: string | undefined;
    do {
      const page = await call(token);
      all.push(...(items(page) ?? []));
      token = page.NextToken;
    } while (token);
    return all;
  }
}
