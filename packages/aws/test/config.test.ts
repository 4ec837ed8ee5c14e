import { type Driver, describeIssue, loadConfig, validateConfig } from '@cloudpool/common';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AwsProviderConfig } from '../src/config.js';

/** Only what loading a configuration needs of the driver. */
const aws: Driver = {
  name: 'aws',
  getProviderConfig: (raw) => new AwsProviderConfig(raw),
  getProvider() {
    throw new Error('not needed to load a configuration');
  },
};

const fixture = (name: string) => ({ path: fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)) });
const env = { NODEPOOL_AWS_PROFILE: 'ci-launcher', NODEPOOL_SUBNET_MAIN: 'subnet-0a0b0c0d0e0f01234' };
const problems = (name: string) => validateConfig(fixture(name), { drivers: { aws }, env }).issues.map(describeIssue);

describe('AWS provider configuration', () => {
  const config = loadConfig(fixture('nodepool.yaml'), { drivers: { aws }, env });
  const east = config.providers.get('ec2-us-east-1') as AwsProviderConfig;
  const west = config.providers.get('ec2-eu-west-1') as AwsProviderConfig;

  it('loads the provider keys, with environment variables substituted', () => {
    expect(east.settings).toEqual({ regionName: 'us-east-1', profileName: 'ci-launcher', endpoint: undefined });
    expect(west.settings.endpoint).toBe('https://ec2.eu-west-1.amazonaws.com');
  });

  it("reads rate as requests per second, Nodepool's default being 2", () => {
    expect(east.common).toMatchObject({ rate: 4, ratePerSecond: 4, launchRetries: 5, bootTimeout: 240 });
    expect(west.common).toMatchObject({ rate: undefined, ratePerSecond: 2, launchRetries: 3, bootTimeout: 180, launchTimeout: 3600 });
  });

  it('starts pool limits from the provider-level max-* keys', () => {
    const main = east.pools.get('main')!;
    const arm = east.pools.get('arm')!;
    expect(main.limits.toJSON()).toEqual({ instances: 30, cores: 512, 'L-1216C47A': 512 });
    expect(arm.limits.toJSON()).toEqual({ instances: 10, cores: 512, 'L-1216C47A': 128 });
    expect(west.pools.get('linux')!.limits.toJSON()).toEqual({});
  });

  it('loads pool keys', () => {
    const main = east.pools.get('main')!;
    expect(main.azs).toEqual(['us-east-1a']);
    expect(main.nodeAttributes).toEqual({ team: 'ci' });
    expect(main.priority).toBe(100);
    expect(east.pools.get('arm')!.priority).toBe(50);
    expect(main.settings).toEqual({
      subnetId: 'subnet-0a0b0c0d0e0f01234',
      securityGroupId: 'sg-0123456789abcdef0',
      publicIpv4: false,
      publicIpv6: false,
      useInternalIp: true,
      hostKeyChecking: true,
    });
    expect(west.pools.get('windows')!.settings.publicIpv4).toBe(true);
  });

  it('loads label keys; tag values are strings', () => {
    const main = east.pools.get('main')!;
    const jammy = main.labels.get('ubuntu-jammy')!;
    expect(jammy.cloudImage).toBe('ubuntu-jammy');
    expect(jammy.tags).toEqual({ 'cost-center': '4242', owner: 'ci-team' });
    expect(jammy.settings).toMatchObject({
      instanceType: 't3.large',
      keyName: 'zuul',
      volumeType: 'gp3',
      volumeSize: 80,
      iops: 4000,
      throughput: 250,
      dynamicTags: { 'zuul-request': '{request.id}' },
      useSpot: false,
    });
    expect(main.labels.get('ubuntu-jammy-large')!.settings).toMatchObject({
      instanceType: undefined,
      fleet: { instanceTypes: ['m6i.2xlarge', 'm5.2xlarge', 'm6a.2xlarge'], allocationStrategy: 'price-capacity-optimized' },
      useSpot: true,
      iamInstanceProfile: { arn: 'arn:aws:iam::123456789012:instance-profile/ci-artifacts' },
      imdsv2: 'required',
    });
    expect(west.pools.get('windows')!.labels.get('windows-2022')!.settings.iamInstanceProfile).toEqual({ name: 'ci-windows' });
  });

  it('loads cloud images, with connection defaults and either spelling of image filters', () => {
    expect(east.cloudImages.get('ubuntu-jammy')).toEqual({
      name: 'ubuntu-jammy',
      username: 'ubuntu',
      pythonPath: '/usr/bin/python3',
      shellType: undefined,
      connectionType: 'ssh',
      connectionPort: 22,
      settings: {
        imageId: undefined,
        imageFilters: [
          { name: 'name', values: ['ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*'] },
          { name: 'owner-id', values: ['099720109477'] },
        ],
      },
    });
    expect(east.cloudImages.get('windows-2022')).toMatchObject({
      connectionType: 'winrm',
      connectionPort: 5986,
      shellType: 'powershell',
      pythonPath: 'auto',
      settings: { imageId: 'ami-0f1e2d3c4b5a69788' },
    });
  });

  it('registers every pool serving a label with that label', () => {
    const pools = (label: string) => config.labels.get(label)!.pools.map((pool) => `${pool.providerName}/${pool.name}`);
    expect(pools('ubuntu-jammy')).toEqual(['ec2-us-east-1/main', 'ec2-eu-west-1/linux']);
    expect(pools('windows-2022')).toEqual(['ec2-eu-west-1/windows']);
  });

  it('loads the example of Nodepool’s AWS documentation', () => {
    const example = loadConfig(fixture('nodepool-docs-example.yaml'), { drivers: { aws }, env: {} });
    const labels = example.providers.get('ec2-us-west-2')!.pools.get('main')!.labels;
    expect(labels.get('debian9-large')!.settings).toMatchObject({ useSpot: true, instanceType: 't3.large' });
  });

  it('reports every schema problem with its path and line', () => {
    expect(problems('broken-schema.yaml')).toEqual([
      'providers[0].region-name: missing required key (line 8)',
      'providers[0].rate: expected a number, got "fast" (line 11)',
      'providers[0].cloud-images[0].image-filters: cannot be used with image-id (line 16)',
      'providers[0].cloud-images[1]: one of image-id, image-filters is required (line 19)',
      'providers[0].pools[0].max-servers: expected a number, got "ten" (line 23)',
      'providers[0].pools[0].labels[0]: one of instance-type, fleet is required (line 25)',
      'providers[0].pools[0].labels[0].instance-typ: unknown key (line 27)',
      'providers[0].pools[0].labels[0].use-spot: expected true or false, got "maybe" (line 29)',
      'providers[0].pools[0].labels[0].volume-size: expected a whole number, got 8.5 (line 30)',
      'providers[0].pools[0].labels[0].iam-instance-profile.arn: cannot be used with name (line 33)',
      'providers[0].pools[0].labels[1].use-spot: cannot be used with dedicated-host (line 38)',
      "providers[0].pools[0].labels[1].dedicated-host: needs the pool's availability-zone (line 39)",
      'providers[0].pools[0].labels[2].fleet.allocation-strategy: capacity-optimized is not an allocation strategy of on-demand fleets (lowest-price, prioritized) (line 45)',
    ]);
  });

  it('reports labels that are not declared and cloud images that do not exist', () => {
    expect(problems('broken-references.yaml')).toEqual([
      `providers[0].pools[0].labels[0].cloud-image: cloud-image "debian" is not in this provider's cloud-images (line 18)`,
      'providers[0].pools[0].labels[1].name: label "medium" is not declared in the top-level labels (line 21)',
    ]);
  });
});
