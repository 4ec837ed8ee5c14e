import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TAG, type Driver } from '@cloudpool/common';
import { ConnectionRegistry, createOpenStackDriver, fromNeutronTags, providerServerTag } from '@cloudpool/openstack';

/**
 * The real OpenStack Zed that `scripts/conformance/openstack.sh` runs on loopback (Keystone, Nova
 * with its fake virt driver, Placement, Glance, Neutron server), as the conformance tests use it.
 * The driver reaches Nova and Neutron through the catalog's `internal` endpoints, which the lab
 * registers on the ports of two pass-through proxies run here: they let a test make every list
 * fail, as no setting of the real cloud can. The tests' own reads go to the public endpoints.
 */
export const LAB = {
  host: '127.0.0.1',
  authUrl: 'http://127.0.0.1:5000/v3',
  nova: 'http://127.0.0.1:8774/v2.1',
  neutron: 'http://127.0.0.1:9696/v2.0',
  proxies: { nova: { listen: 18774, target: 8774 }, neutron: { listen: 19696, target: 9696 } },
  user: { name: 'nodepool', project: 'nodepool' },
  admin: { name: 'admin', project: 'admin' },
  password: process.env.LAB_PASS ?? 'labpass',
  network: 'lab-net',
  image: 'cirros-fake',
  flavors: { small: 'm1.tiny', large: 'm1.small', noValidHost: 'lab.novalidhost' },
  /** The password of `lab-wrong`, the lab's user with a password Keystone refuses. */
  wrongPassword: 'wrong-lab-password-6b2f',
  /** Whether Neutron serves its L3 API (floating IPs, routers) in this run. */
  l3: process.env.CONFORMANCE_L3 !== 'off',
} as const;

export interface ListedServer {
  id: string;
  name: string;
  status: string;
  metadata?: Record<string, string>;
  'OS-EXT-STS:task_state'?: string | null;
}

interface Listed {
  id: string;
  tags?: string[];
}

export interface HeldResource {
  type: string;
  id: string;
  tags: Record<string, string>;
}

/** A loopback HTTP proxy to one lab service; while `failing`, it answers every GET with 503. */
class FaultProxy {
  failing = false;
  private readonly server: http.Server;

  constructor(private readonly target: number) {
    this.server = http.createServer((req, res) => {
      if (this.failing && req.method === 'GET') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"conformance proxy: failing on purpose"}');
        return;
      }
      const upstream = http.request({ host: LAB.host, port: this.target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', (error) => res.writeHead(502).end(String(error)));
      req.pipe(upstream);
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server.once('error', reject).listen(port, LAB.host, resolve));
    if ((this.server.address() as AddressInfo).port !== port) throw new Error(`proxy not on ${port}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The lab as one test file uses it: proxies, a clouds.yaml, the driver, and reads and writes made around it. */
export class LabCloud {
  readonly providerName = 'lab-openstack';
  readonly cloudName = 'lab';
  /** The same user and project with `LAB.wrongPassword`. */
  readonly wrongCloudName = 'lab-wrong';
  private readonly proxies = [new FaultProxy(LAB.proxies.nova.target), new FaultProxy(LAB.proxies.neutron.target)];
  private directory: string | undefined;
  private labDriver: Driver | undefined;
  private readonly tokens = new Map<string, { token: string; projectId: string }>();

  async start(): Promise<void> {
    await this.proxies[0]!.listen(LAB.proxies.nova.listen);
    await this.proxies[1]!.listen(LAB.proxies.neutron.listen);
    const directory = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-conformance-'));
    this.directory = directory;
    const yaml = `clouds:
  ${this.cloudName}:
    auth:
      auth_url: ${LAB.authUrl}
      username: ${LAB.user.name}
      password: ${LAB.password}
      project_name: ${LAB.user.project}
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
  ${this.wrongCloudName}:
    auth:
      auth_url: ${LAB.authUrl}
      username: ${LAB.user.name}
      password: ${LAB.wrongPassword}
      project_name: ${LAB.user.project}
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
`;
    await writeFile(path.join(directory, 'clouds.yaml'), yaml, { mode: 0o600 });
    this.labDriver = createOpenStackDriver({
      cloudsYaml: () => ({ directories: [directory], env: {} }),
      connections: new ConnectionRegistry(),
      listTtlMs: 200,
    });
    await this.purge();
  }

  async stop(): Promise<void> {
    this.failLists(false);
    await this.purge().catch(() => undefined);
    await this.setInstanceQuota(-1).catch(() => undefined);
    for (const proxy of this.proxies) await proxy.close();
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
  }

  get driver(): Driver {
    if (!this.labDriver) throw new Error('lab: not started');
    return this.labDriver;
  }

  get cloudsYamlDirectory(): string {
    if (!this.directory) throw new Error('lab: not started');
    return this.directory;
  }

  /** Makes every GET to Nova and Neutron through the driver's endpoints fail (503) until called with false. */
  failLists(failing: boolean): void {
    for (const proxy of this.proxies) proxy.failing = failing;
  }

  /**
   * The provider entry: Nodepool's defaults (so `auto-floating-ip: true`) but no readiness scan
   * (the fake virt driver's servers have no sshd), one pool `main` on the lab's network, labels `small` and `large` on the lab's image.
   */
  providerYaml({ maxServers = 10, launchRetries = 3, extraPool = '', cloud = this.cloudName } = {}): string {
    const label = (name: string, flavor: string) => `          - name: ${name}\n            cloud-image: cirros\n            flavor-name: ${flavor}\n`;
    return `  - name: ${this.providerName}
    driver: openstack
    cloud: ${cloud}
    rate: 0.01
    launch-retries: ${launchRetries}
    cloud-images:
      - name: cirros
        image-name: ${LAB.image}
        username: cirros
    pools:
      - name: main
        max-servers: ${maxServers}
        networks: [${LAB.network}]
        # Nova's fake virt driver boots no VM: nothing answers on a server's address.
        host-key-checking: false
${extraPool}        labels:
${label('small', LAB.flavors.small)}${label('large', LAB.flavors.large)}`;
  }

  async servers(): Promise<ListedServer[]> {
    return this.list<ListedServer>(`${LAB.nova}/servers/detail`, 'servers');
  }

  /** Every server, port and floating IP of the project, with its tags (a server's are its metadata). */
  async resources(): Promise<HeldResource[]> {
    const [servers, ports, floatingIps] = await Promise.all([
      this.servers(),
      this.list<Listed>(`${LAB.neutron}/ports`, 'ports', { project: true }),
      LAB.l3 ? this.list<Listed>(`${LAB.neutron}/floatingips`, 'floatingips', { project: true }) : [],
    ]);
    const neutron = (type: string) => (item: Listed) => ({ type, id: item.id, tags: fromNeutronTags(item.tags) });
    return [
      ...servers.map((server) => ({ type: 'instance', id: server.id, tags: server.metadata ?? {} })),
      ...ports.map(neutron('port')),
      ...floatingIps.map(neutron('floating-ip')),
    ];
  }

  /**
   * A server made around the driver, with no network: as a crashed launcher leaves one (`metadata`
   * with our tags, and the provider's Nova tag the driver's servers carry, see `providerServerTag`),
   * or as another tool makes one.
   */
  async plantServer(name: string, metadata: Record<string, string>): Promise<string> {
    const provider = metadata[TAG.providerName];
    const tags = provider ? [providerServerTag(provider)] : [];
    const body = { server: { name, flavorRef: await this.flavorId(LAB.flavors.small), imageRef: await this.imageId(), networks: 'none', metadata, tags } };
    const answer = await this.call('POST', `${LAB.nova}/servers`, body, { microversion: '2.52' });
    return (answer as { server: { id: string } }).server.id;
  }

  /** A port on the lab's network made around the driver, untagged, with this name and description; its id. */
  async plantPort(name: string, description: string): Promise<string> {
    const networks = await this.list<{ id: string; name: string }>(`${LAB.neutron}/networks?name=${LAB.network}`, 'networks');
    if (!networks[0]) throw new Error(`lab: no network ${LAB.network}`);
    const answer = await this.call('POST', `${LAB.neutron}/ports`, { port: { network_id: networks[0].id, name, description } });
    return (answer as { port: { id: string } }).port.id;
  }

  /** The project's ports with their name, description and tags. */
  async ports(): Promise<Array<{ id: string; name: string; description: string; tags: string[] }>> {
    return this.list(`${LAB.neutron}/ports`, 'ports', { project: true });
  }

  /** Waits until no server of the project is building or being deleted. */
  async settle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = (await this.servers()).filter((s) => s.status === 'BUILD' || s['OS-EXT-STS:task_state'] === 'deleting');
      if (busy.length === 0) return;
      if (Date.now() > deadline) throw new Error(`lab: servers still busy after ${timeoutMs} ms: ${busy.map((s) => `${s.name} ${s.status}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Sets the project's Nova instance quota (-1: unlimited). */
  async setInstanceQuota(instances: number): Promise<void> {
    const { projectId } = await this.auth('user');
    await this.call('PUT', `${LAB.nova}/os-quota-sets/${projectId}`, { quota_set: { instances } }, { as: 'admin' });
  }

  /** Deletes every server, floating IP and port (but the network's own) of the project, and waits until they are gone. */
  async purge(): Promise<void> {
    for (const server of await this.servers()) await this.call('DELETE', `${LAB.nova}/servers/${server.id}`).catch(ignoreNotFound);
    if (LAB.l3) {
      for (const fip of await this.list<Listed>(`${LAB.neutron}/floatingips`, 'floatingips', { project: true })) {
        await this.call('DELETE', `${LAB.neutron}/floatingips/${fip.id}`).catch(ignoreNotFound);
      }
    }
    const deadline = Date.now() + 60_000;
    while ((await this.servers()).length > 0) {
      if (Date.now() > deadline) throw new Error('lab: servers not gone after 60 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const ports = await this.list<Listed & { device_owner: string }>(`${LAB.neutron}/ports`, 'ports', { project: true });
    for (const port of ports.filter((p) => !p.device_owner.startsWith('network:'))) {
      await this.call('DELETE', `${LAB.neutron}/ports/${port.id}`).catch(ignoreNotFound);
    }
  }

  async flavorId(name: string): Promise<string> {
    const flavors = await this.list<{ id: string; name: string }>(`${LAB.nova}/flavors`, 'flavors');
    const flavor = flavors.find((f) => f.name === name);
    if (!flavor) throw new Error(`lab: no flavor ${name}`);
    return flavor.id;
  }

  private async imageId(): Promise<string> {
    const answer = (await this.call('GET', `http://${LAB.host}:9292/v2/images?name=${LAB.image}`)) as { images: Array<{ id: string }> };
    if (!answer.images[0]) throw new Error(`lab: no image ${LAB.image}`);
    return answer.images[0].id;
  }

  private async list<T>(url: string, key: string, { project = false } = {}): Promise<T[]> {
    const filter = project ? `${url.includes('?') ? '&' : '?'}project_id=${(await this.auth('user')).projectId}` : '';
    return ((await this.call('GET', `${url}${filter}`)) as Record<string, T[]>)[key] ?? [];
  }

  async call(method: string, url: string, body?: unknown, { as = 'user', microversion }: { as?: 'user' | 'admin'; microversion?: string } = {}): Promise<unknown> {
    const { token } = await this.auth(as);
    const headers: Record<string, string> = { 'x-auth-token': token, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (microversion) headers['openstack-api-version'] = `compute ${microversion}`;
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw Object.assign(new Error(`lab: ${method} ${url}: HTTP ${response.status} ${text.slice(0, 300)}`), { status: response.status });
    return text ? JSON.parse(text) : undefined;
  }

  private async auth(as: 'user' | 'admin'): Promise<{ token: string; projectId: string }> {
    const known = this.tokens.get(as);
    if (known) return known;
    const who = as === 'admin' ? LAB.admin : LAB.user;
    const response = await fetch(`${LAB.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: who.name, password: LAB.password, domain: { name: 'Default' } } } },
          scope: { project: { name: who.project, domain: { name: 'Default' } } },
        },
      }),
    });
    const token = response.headers.get('x-subject-token');
    if (!token) throw new Error(`lab: Keystone gave no token for ${who.name} (HTTP ${response.status}); is the lab running? (scripts/conformance/openstack.sh)`);
    const { token: body } = (await response.json()) as { token: { project: { id: string } } };
    const entry = { token, projectId: body.project.id };
    this.tokens.set(as, entry);
    return entry;
  }
}

function ignoreNotFound(error: { status?: number }): void {
  if (error.status !== 404) throw error;
}
