import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from '@cloudpool/common';
import { ConnectionRegistry, createOpenStackDriver, fromNeutronTags } from '@cloudpool/openstack';
import { OpenStackSimulator } from '@cloudpool/simulator';
import { BOOT_TIME_MS, CloudUnderTest, DISKIMAGE, labelImage, WRONG_SECRET, SSH_PORT, type HeldResource, type ProviderOptions } from './cloud-under-test.js';

/** What Nova says when the scheduler finds no host; the OpenStack driver maps it to `capacity`. */
const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

interface Listed {
  id: string;
  metadata?: Record<string, string>;
  tags?: string[];
}

/**
 * OpenStack through the `openstack` driver: the provider's `cloud:` names the simulator's cloud
 * in a `clouds.yaml` written to a temp dir, which the driver is told to search. A node is a
 * server (tagged by its metadata) with its port and floating IP (Neutron `key=value` tags).
 */
export class OpenStackCloud extends CloudUnderTest<OpenStackSimulator> {
  readonly name = 'openstack';
  readonly providerName = 'openstack-sim';
  readonly username = 'cloud-user';
  readonly nodeResourceTypes = ['floating-ip', 'instance', 'port'];
  readonly createAction = 'nova.servers.create';
  private directory: string | undefined;
  private openstackDriver: Driver | undefined;
  private token: string | undefined;

  override get nodeCloud(): string {
    return this.sim.connectionInfo().cloudName;
  }

  get driver(): Driver {
    if (!this.openstackDriver) throw new Error('openstack: cloud not started');
    return this.openstackDriver;
  }

  /** `wrongCredentials`: cloud `<cloud>-wrong` of the same `clouds.yaml`, the same user with password `WRONG_SECRET`. */
  providerYaml(options: ProviderOptions = {}): string {
    const { maxServers = 10, launchRetries = 3, wrongCredentials = false, bootTimeout, hostKeyChecking } = options;
    const label = (name: string, flavor: string) => `          - name: ${name}\n            ${labelImage(options)}\n            flavor-name: ${flavor}\n`;
    const diskimages = options.diskimage ? `    diskimages:\n      - name: ${DISKIMAGE}\n        config-drive: false\n        connection-port: ${SSH_PORT}\n` : '';
    return `  - name: ${this.providerName}
    driver: openstack
    cloud: ${this.sim.connectionInfo().cloudName}${wrongCredentials ? '-wrong' : ''}
    rate: 0.001
    launch-retries: ${launchRetries}
${bootTimeout === undefined ? '' : `    boot-timeout: ${bootTimeout}\n`}    cloud-images:
      - name: ubuntu
        image-name: ubuntu-jammy
        username: ${this.username}
        connection-port: ${SSH_PORT}
${diskimages}    pools:
      - name: main
        max-servers: ${maxServers}
${hostKeyChecking === undefined ? '' : `        host-key-checking: ${hostKeyChecking}\n`}        networks: [private]
        labels:
${label('small', 'm1.medium')}${label('large', 'm1.large')}`;
  }

  async seedBuilderImage(name: string): Promise<string> {
    return this.sim.seed({ images: [{ name, properties: { nodepool_provider_name: this.providerName, nodepool_build_id: '0000000001', nodepool_upload_id: '0000000001' } }] }).images[0]!;
  }

  async bootedImage(instanceId: string): Promise<string | undefined> {
    const response = await fetch(`${this.sim.url}/compute/v2.1/servers/${instanceId}`, { headers: { 'X-Auth-Token': await this.authToken() } });
    return ((await response.json()) as { server?: { image?: { id?: string } } }).server?.image?.id;
  }

  async instances(): Promise<HeldResource[]> {
    const servers = await this.list<Listed>('/compute/v2.1/servers/detail', 'servers');
    return servers.map((server) => ({ type: 'instance', id: server.id, tags: server.metadata ?? {} }));
  }

  async resources(): Promise<HeldResource[]> {
    const [instances, ports, floatingIps] = await Promise.all([
      this.instances(),
      this.list<Listed>('/network/v2.0/ports', 'ports'),
      this.list<Listed>('/network/v2.0/floatingips', 'floatingips'),
    ]);
    const neutron = (type: string) => (item: Listed) => ({ type, id: item.id, tags: fromNeutronTags(item.tags) });
    return [...instances, ...ports.map(neutron('port')), ...floatingIps.map(neutron('floating-ip'))];
  }

  /** The next server's build ends in ERROR with Nova's No valid host fault. */
  async failNextBoot(): Promise<void> {
    this.sim.seed({ buildFaults: [{ code: 500, message: NO_VALID_HOST }] });
  }

  credentialChecks(): number {
    return this.calls('keystone.tokens.create');
  }

  protected async startSimulator(): Promise<OpenStackSimulator> {
    const sim = await new OpenStackSimulator({ knobs: { bootTimeMs: BOOT_TIME_MS }, neutronL3: true, ssh: { port: SSH_PORT } }).start();
    const directory = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-launcher-openstack-'));
    this.directory = directory;
    const { cloudName, document } = sim.connectionInfo();
    const right = document.clouds[cloudName]!;
    const clouds = { ...document.clouds, [`${cloudName}-wrong`]: { ...right, auth: { ...right.auth, password: WRONG_SECRET } } };
    // JSON is YAML.
    await writeFile(path.join(directory, 'clouds.yaml'), JSON.stringify({ clouds }), { mode: 0o600 });
    this.openstackDriver = createOpenStackDriver({
      cloudsYaml: () => ({ directories: [directory], env: {} }),
      connections: new ConnectionRegistry(),
      listTtlMs: 100,
    });
    return sim;
  }

  protected async release(): Promise<void> {
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
  }

  /** One list of the cloud's API, read with a Keystone token of the test's own. */
  private async list<T>(servicePath: string, key: string): Promise<T[]> {
    const response = await fetch(`${this.sim.url}${servicePath}`, { headers: { 'X-Auth-Token': await this.authToken() } });
    if (!response.ok) throw new Error(`openstack GET ${servicePath}: HTTP ${response.status}`);
    return ((await response.json()) as Record<string, T[]>)[key] ?? [];
  }

  private async authToken(): Promise<string> {
    if (this.token) return this.token;
    const { user, project, domain } = this.sim.identity;
    const scopedTo = { domain: { name: domain.name } };
    const response = await fetch(`${this.sim.connectionInfo().authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: user.name, password: user.password, ...scopedTo } } },
          scope: { project: { name: project.name, ...scopedTo } },
        },
      }),
    });
    const token = response.headers.get('x-subject-token');
    if (!token) throw new Error(`openstack: no token (HTTP ${response.status})`);
    this.token = token;
    return token;
  }
}
