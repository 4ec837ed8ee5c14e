import { type Driver, describeIssue, loadConfig, validateConfig } from '@cloudpool/common';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AzureProviderConfig } from '../src/config.js';

/** Only what loading a configuration needs of the driver. */
const azure: Driver = {
  name: 'azure',
  getProviderConfig: (raw) => new AzureProviderConfig(raw),
  getProvider() {
    throw new Error('not needed to load a configuration');
  },
};

const fixture = (name: string) => ({ path: fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)) });
const WINDOWS_PASSWORD = 'S3cret-Pa55word!';
const env = { NODEPOOL_AZURE_WINDOWS_PASSWORD: WINDOWS_PASSWORD };

describe('Azure provider configuration', () => {
  const config = loadConfig(fixture('nodepool.yaml'), { drivers: { azure }, env });
  const centralUs = config.providers.get('azure-central-us') as AzureProviderConfig;
  const westEurope = config.providers.get('azure-west-europe') as AzureProviderConfig;

  it('loads the provider keys and the network', () => {
    expect(centralUs.settings).toEqual({
      location: 'centralus',
      resourceGroup: 'nodepool-nodes',
      resourceGroupLocation: 'centralus',
      authPath: '/etc/nodepool/azure-credentials.json',
      network: { resourceGroup: 'ci-network', network: 'ci-vnet', subnet: 'nodes' },
      subnetId: undefined,
    });
    expect(westEurope.settings).toMatchObject({
      resourceGroupLocation: 'westeurope',
      authPath: undefined,
      network: undefined,
      subnetId: expect.stringMatching(/\/subnets\/nodes$/),
    });
  });

  it("reads rate as requests per second, Nodepool's default being 1", () => {
    expect(centralUs.common).toMatchObject({ rate: 0.5, ratePerSecond: 0.5, bootTimeout: 120 });
    expect(westEurope.common).toMatchObject({ rate: undefined, ratePerSecond: 1 });
  });

  it('applies address settings pool over provider, as Nodepool does', () => {
    expect(centralUs.pools.get('main')!.settings).toEqual({
      ipv4: true,
      ipv6: false,
      publicIpv4: false,
      publicIpv6: false,
      useInternalIp: true,
      hostKeyChecking: true,
    });
    expect(centralUs.pools.get('windows')!.settings).toMatchObject({ publicIpv4: true, hostKeyChecking: false });
    expect(westEurope.pools.get('main')!.settings).toMatchObject({ ipv4: true, ipv6: true, publicIpv4: true });
  });

  it('loads label keys; tag values are strings', () => {
    const main = centralUs.pools.get('main')!;
    expect(main.limits.toJSON()).toEqual({ instances: 20, cores: 160 });
    const jammy = main.labels.get('ubuntu-jammy')!;
    expect(jammy.tags).toEqual({ department: 'ci', 'billing-code': '1001' });
    expect(jammy.settings).toEqual({
      vmSize: 'Standard_D2s_v5',
      dynamicTags: { 'zuul-tenant': '{request.tenant_name}' },
      userData: undefined,
      customData: undefined,
      volumeSize: 64,
    });
    expect(main.labels.get('ubuntu-jammy-8core')!.settings.userData).toContain('#cloud-config');
    expect(centralUs.pools.get('windows')!.labels.get('windows-2022')!.settings.customData).toBe('Write-Host hello');
  });

  it('loads cloud images; the password comes from the environment', () => {
    expect(centralUs.cloudImages.get('ubuntu-jammy')!.settings).toMatchObject({
      sshPublicKey: expect.stringMatching(/^ssh-ed25519 /),
      generatePassword: false,
      imageReference: { sku: '22_04-lts-gen2', publisher: 'Canonical', version: 'latest', offer: '0001-com-ubuntu-server-jammy' },
    });
    const windows = centralUs.cloudImages.get('windows-2022')!;
    expect(windows).toMatchObject({ connectionType: 'winrm', connectionPort: 5986 });
    expect(windows.settings.password).toBe(WINDOWS_PASSWORD);
    expect(centralUs.cloudImages.get('rocky-9')!.settings.sharedGalleryImage).toEqual({
      galleryName: 'ci_images',
      name: 'rocky-9',
      version: undefined,
    });
    expect(westEurope.cloudImages.get('rocky-9')!.settings.imageFilter).toEqual({
      name: 'rocky-9-ci',
      tags: { 'built-by': 'packer' },
    });
  });

  it('loads tenant limits, free-form max-* keys included, and the cloudpool section', () => {
    expect(config.tenantResourceLimits.get('gpu-research')!.toJSON()).toEqual({ cores: 64, gpus: 4 });
    expect(config.cloudpool.cleanup).toMatchObject({ adoptNodepoolResources: true, maxDeleteCount: 20, dryRun: false });
  });

  it('loads the example of Nodepool’s Azure documentation', () => {
    const example = loadConfig(fixture('nodepool-docs-example.yaml'), { drivers: { azure }, env: {} });
    expect(example.providers.get('azure-central-us')!.settings).toMatchObject({
      network: { resourceGroup: 'nodepool', network: 'nodepool', subnet: 'default' },
    });
  });

  it('reports every problem with its path and line, and never echoes a password', () => {
    const issues = validateConfig(fixture('broken.yaml'), { drivers: { azure }, env: {} }).issues.map(describeIssue);
    expect(issues).toEqual([
      'providers[0].location: missing required key (line 7)',
      'providers[0].network.network: missing required key (line 10)',
      'providers[0].cloud-images[0].password: expected a string, got a number (value not shown) (line 15)',
      'providers[0].cloud-images[0].shared-gallery-image: cannot be used with image-id (line 17)',
      'providers[0].cloud-images[1]: one of image-reference, image-id, image-filter, shared-gallery-image, community-gallery-image is required (line 20)',
      'providers[0].cloud-images[1]: neither key nor password (nor generate-password): ARM refuses a Linux VM without SSH key or password, a Windows VM without password (line 20)',
      'providers[0].pools[0].public-ipv4: expected true or false, got "no thanks" (line 24)',
      'providers[0].pools[0].labels[0].hardware-profile.vm-size: missing required key (line 28)',
      'providers[0].pools[0].labels[0].hardware-profile.size: unknown key (line 29)',
      'providers[0].pools[0].labels[0].tags.team: expected a string, got a list (line 31)',
    ]);
    expect(issues.join('\n')).not.toContain('123456789');
  });
});

describe('Azure configurations ARM would refuse', () => {
  it('are reported by config-validate with their path and line', () => {
    const issues = validateConfig(fixture('arm-refused.yaml'), { drivers: { azure }, env: {} }).issues.map(describeIssue);
    expect(issues).toEqual([
      expect.stringMatching(/^providers\[0\]\.cloud-images\[0\]: neither key nor password .*ARM refuses a Linux VM without SSH key or password.* \(line 14\)$/),
      expect.stringMatching(/^providers\[0\]\.pools\[0\]: IPv6 only: ARM refuses a network interface whose primary ip configuration is not IPv4.* \(line 18\)$/),
      expect.stringMatching(/^providers\[0\]\.pools\[0\]\.labels\[0\]\.tags\.n{513}: tag name longer than ARM's 512 characters \(line \d+\)$/),
      expect.stringMatching(/^providers\[0\]\.pools\[0\]\.labels\[0\]\.tags\.long-value: tag value longer than ARM's 256 characters \(line \d+\)$/),
      expect.stringMatching(/^providers\[0\]\.pools\[0\]\.labels\[1\]\.tags: 51 tags with cloudpool's 4 .*ARM allows 50 per resource \(line \d+\)$/),
    ]);
  });

  it("loads a provider's diskimages with Nodepool's Azure keys: the user and credentials a VM from an upload gets", () => {
    const text = `zookeeper-servers:
  - host: zk.example.com
labels:
  - name: dib
diskimages:
  - name: windows-dib
    elements: [windows]
providers:
  - name: az
    driver: azure
    location: centralus
    resource-group: nodes
    network: ci-vnet
    zuul-public-key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtM3m4O1Pq3yXHkz7qFJfG0nQ zuul@example.com
    diskimages:
      - name: windows-dib
        username: Administrator
        password: '%(NODEPOOL_AZURE_WINDOWS_PASSWORD)s'
        connection-type: winrm
        tags:
          team: ci
    pools:
      - name: main
        labels:
          - name: dib
            diskimage: windows-dib
            hardware-profile:
              vm-size: Standard_D2s_v5
`;
    const provider = loadConfig({ text }, { drivers: { azure }, env }).providers.get('az') as AzureProviderConfig;
    expect(provider.diskimages.get('windows-dib')).toMatchObject({
      username: 'Administrator',
      connectionType: 'winrm',
      connectionPort: 5986,
      settings: { password: WINDOWS_PASSWORD, generatePassword: false, sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtM3m4O1Pq3yXHkz7qFJfG0nQ zuul@example.com' },
    });
    const refused = validateConfig({ text: text.replace('connection-type: winrm', 'image-id: /subscriptions/x') }, { drivers: { azure }, env }).issues.map(describeIssue);
    expect(refused).toEqual(['providers[0].diskimages[0].image-id: unknown key (line 19)']);
  });
});
