import { type Driver, describeIssue, loadConfig, validateConfig } from '@cloudpool/common';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OpenStackProviderConfig } from '../src/config.js';

/** Only what loading a configuration needs of the driver. */
const openstack: Driver = {
  name: 'openstack',
  getProviderConfig: (raw) => new OpenStackProviderConfig(raw),
  getProvider() {
    throw new Error('not needed to load a configuration');
  },
};

const fixture = (name: string) => ({ path: fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)) });
const env = { NODEPOOL_OS_CLOUD: 'vexxhost', HOME: '/home/nodepool' };
const problems = (name: string) => validateConfig(fixture(name), { drivers: { openstack }, env }).issues.map(describeIssue);

describe('OpenStack provider configuration', () => {
  const config = loadConfig(fixture('nodepool.yaml'), { drivers: { openstack }, env });
  const vexxhost = config.providers.get('vexxhost-ca-ymq-1') as OpenStackProviderConfig;
  const ovh = config.providers.get('ovh-bhs1') as OpenStackProviderConfig;

  it('takes openstack as the driver of a provider without driver:, as Nodepool does', () => {
    expect(vexxhost).toBeInstanceOf(OpenStackProviderConfig);
    expect(vexxhost.driver).toBe('openstack');
  });

  it('loads the provider keys, with environment variables substituted', () => {
    expect(vexxhost.settings).toEqual({
      cloud: 'vexxhost',
      regionName: 'ca-ymq-1',
      cleanFloatingIps: true,
      portCleanupInterval: 300,
    });
  });

  it("keeps Nodepool's floating IP and port cleanup heuristics off unless asked for", () => {
    expect(ovh.settings).toMatchObject({ cleanFloatingIps: false, portCleanupInterval: 0 });
  });

  it('reads rate as seconds between requests, Nodepool’s default being 1.0', () => {
    expect(vexxhost.common).toEqual({
      rate: 0.25,
      ratePerSecond: 4,
      launchRetries: 3,
      launchTimeout: 900,
      bootTimeout: 120,
      maxConcurrency: 10,
      priority: 100,
    });
    expect(ovh.common).toMatchObject({ rate: undefined, ratePerSecond: 1, bootTimeout: 60, maxConcurrency: 0 });
  });

  it('loads pools: limits, zones and network settings', () => {
    const main = vexxhost.pools.get('main')!;
    expect(main.limits.toJSON()).toEqual({ instances: 50, cores: 400, ram: 819200, volumes: 20, 'volume-gb': 2000 });
    expect(main.azs).toEqual(['nova', 'nova-2']);
    expect(main.nodeAttributes).toEqual({ 'executor-zone': 'ca' });
    expect(main.settings).toEqual({
      networks: ['public'],
      securityGroups: ['zuul-nodes'],
      autoFloatingIp: false,
      hostKeyChecking: true,
      ignoreProviderQuota: false,
    });
    const big = vexxhost.pools.get('big')!;
    expect(big.priority).toBe(200);
    expect(big.settings).toMatchObject({ ignoreProviderQuota: true, autoFloatingIp: true, networks: [] });
  });

  it('loads labels; their instance-properties are their tags', () => {
    const main = vexxhost.pools.get('main')!;
    const noble = main.labels.get('ubuntu-noble')!;
    expect(noble.tags).toEqual({ 'zuul-managed': 'true', team: 'infra' });
    expect(noble.settings).toEqual({
      flavorName: 'v3-standard-8',
      minRam: undefined,
      keyName: 'zuul',
      consoleLog: true,
      bootFromVolume: false,
      volumeSize: 50,
      dynamicInstanceProperties: { request: '{request.id}' },
      userdata: undefined,
      networks: ['public'],
      hostKeyChecking: true,
      serverGroup: undefined,
    });
    const centos = vexxhost.pools.get('big')!.labels.get('centos-stream-9')!;
    expect(centos.settings).toMatchObject({ minRam: 32768, serverGroup: 'zuul-anti-affinity', hostKeyChecking: false });
  });

  it('accepts flavor-name together with min-ram, as Nodepool does (the name then filters flavors)', () => {
    const big = vexxhost.pools.get('main')!.labels.get('ubuntu-noble-16g')!;
    expect(big.settings).toMatchObject({
      flavorName: 'standard',
      minRam: 16384,
      bootFromVolume: true,
      volumeSize: 80,
      networks: ['public', 'storage'],
    });
  });

  it('loads cloud images; an entry without image-id or image-name names the image itself', () => {
    expect(vexxhost.cloudImages.get('ubuntu-noble')!.settings).toEqual({
      configDrive: true,
      imageId: undefined,
      imageName: 'Ubuntu 24.04 LTS',
    });
    expect(vexxhost.cloudImages.get('centos-stream-9')).toMatchObject({
      pythonPath: '/usr/bin/python3',
      settings: { imageId: '5f7e2a2c-1f5c-4a34-9a7c-0c2c4b0b7a11', imageName: undefined },
    });
    expect(ovh.cloudImages.get('fedora-40')!.settings.imageName).toBe('fedora-40');
  });

  it('ignores the builder’s keys and loads the rest of the top level', () => {
    expect(config.webapp).toEqual({ port: 8005, listenAddress: '127.0.0.1' });
    expect(config.labels.get('fedora-40')).toMatchObject({ minReady: -1 });
    expect(config.labels.get('ubuntu-noble')).toMatchObject({ minReady: 4, maxReadyAge: 7200 });
    expect(config.cloudpool).toEqual({
      systemId: 'ci-openstack',
      cleanup: {
        interval: 60,
        minAge: 1800,
        dryRun: false,
        adoptNodepoolResources: false,
        maxDeleteShare: 0.25,
        maxDeleteCount: 50,
      },
      notifications: {},
    });
  });

  it('reports every problem with its path and line', () => {
    expect(problems('broken.yaml')).toEqual([
      'providers[0].rate: must be greater than 0, got 0 (line 9)',
      'providers[0].port-cleanup-interval: must be at least 0, got -5 (line 10)',
      'providers[0].cloud-images[0].image-name: cannot be used with image-id (line 14)',
      'providers[0].pools[0].auto-floating-ip: expected true or false, got 1 (line 17)',
      'providers[0].pools[0].labels[0]: one of flavor-name, min-ram is required (line 19)',
      'providers[1].region-name: environment variable NODEPOOL_OS_REGION is not set (line 24)',
      'providers[1].cloud-images[0].image-name: cannot use environment variable HOME: only NODEPOOL_* variables are substituted (line 27)',
      'providers[1].pools[0].labels[1].name: label "debian" is not declared in the top-level labels (line 34)',
      `providers[1].pools[0].labels[1].cloud-image: cloud-image "debian" is not in this provider's cloud-images (line 35)`,
    ]);
  });

  it('reports a key set twice in the same mapping', () => {
    expect(problems('duplicate-keys.yaml')).toEqual([
      'providers[0].pools[0].max-servers: duplicate key (first set on line 12) (line 17)',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = problems('syntax-error.yaml');
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue).toMatch(/^YAML syntax error: .+ \(line 11\)$/);
  });

  it("loads a provider's diskimages with Nodepool's OpenStack keys, config-drive kept for the boot and meta for uploads; a diskimage label boots one", () => {
    const text = `zookeeper-servers:
  - host: zk.example.com
labels:
  - name: dib
diskimages:
  - name: ubuntu-noble-dib
    username: ubuntu
    elements: [ubuntu-minimal, vm]
providers:
  - name: os
    cloud: vexxhost
    diskimages:
      - name: ubuntu-noble-dib
        config-drive: true
        meta:
          hw_rng_model: virtio
        pause: true
    pools:
      - name: main
        labels:
          - name: dib
            diskimage: ubuntu-noble-dib
            flavor-name: v3-standard-2
`;
    const provider = loadConfig({ text }, { drivers: { openstack }, env }).providers.get('os') as OpenStackProviderConfig;
    expect(provider.diskimages.get('ubuntu-noble-dib')).toEqual({
      name: 'ubuntu-noble-dib', username: 'ubuntu', pythonPath: 'auto', shellType: undefined, connectionType: 'ssh', connectionPort: 22, pause: true, settings: { configDrive: true, meta: { hw_rng_model: 'virtio' } },
    });
    expect(provider.pools.get('main')!.labels.get('dib')).toMatchObject({ diskimage: 'ubuntu-noble-dib', unavailable: undefined });
    const refused = validateConfig({ text: text.replace('config-drive: true', 'config-drive: yes-please') }, { drivers: { openstack }, env }).issues.map(describeIssue);
    expect(refused).toEqual(['providers[0].diskimages[0].config-drive: expected true or false, got "yes-please" (line 14)']);
  });
});
