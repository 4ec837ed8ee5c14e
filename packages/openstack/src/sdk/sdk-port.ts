import { isCloudError, TAG } from '@cloudpool/common';
import type { ConnectionLease } from './client-registry.js';
import { Microversion, negotiateComputeMicroversion } from './microversion.js';
import type { OpenStackClient, ServiceCall } from './http-client.js';
import type {
  CinderVolume,
  FloatingIpCreate,
  GlanceImage,
  NeutronFloatingIp,
  NeutronNetwork,
  NeutronPort,
  NeutronSecurityGroup,
  NovaFlavor,
  NovaServer,
  OpenStackApi,
  PortCreate,
  ServerCreate,
} from '../port.js';

export interface HttpOpenStackApiOptions {
  /** Items per page of a list call (Nova and Neutron cap it at their own maximum, often 1000). */
  pageSize?: number;
}

const DEFAULT_PAGE_SIZE = 1000;

/** The OpenStack port over HTTP: Nova v2.1, Neutron v2.0, Glance v2 and Cinder v3 through one client. */
export class HttpOpenStackApi implements OpenStackApi {
  private microversion: Promise<Microversion> | undefined;
  private floatingIps: Promise<boolean> | undefined;
  private readonly pageSize: number;

  constructor(
    private readonly client: OpenStackClient,
    private readonly lease: ConnectionLease,
    options: HttpOpenStackApiOptions = {},
  ) {
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  /**
   * Reads Nova's version document (`GET` on the compute root) once and picks the highest
   * microversion both sides support; a failed read is not remembered.
   */
  computeMicroversion(): Promise<Microversion> {
    this.microversion ??= this.client
      .call<{ version?: { version?: string; min_version?: string } }>({
        action: 'nova.versions.get',
        kind: 'read',
        service: 'compute',
        method: 'GET',
        path: '',
        versionDocument: true,
      })
      .then(({ data }) => negotiateComputeMicroversion(Microversion.parse(data.version?.min_version), Microversion.parse(data.version?.version)))
      .catch((error: unknown) => {
        this.microversion = undefined;
        throw error;
      });
    return this.microversion;
  }

  async createServer(server: ServerCreate): Promise<{ id: string }> {
    const body: Record<string, unknown> = {
      name: server.name,
      flavorRef: server.flavorRef,
      networks: server.portIds.map((port) => ({ port })),
      metadata: server.metadata,
    };
    if (server.bootVolume) {
      body.block_device_mapping_v2 = [
        {
          boot_index: 0,
          uuid: server.bootVolume.imageId,
          source_type: 'image',
          destination_type: 'volume',
          volume_size: server.bootVolume.sizeGb,
          delete_on_termination: true,
        },
      ];
    } else {
      body.imageRef = server.imageRef;
    }
    if (server.tags) body.tags = server.tags;
    if (server.availabilityZone) body.availability_zone = server.availabilityZone;
    if (server.keyName) body.key_name = server.keyName;
    if (server.userData) body.user_data = server.userData;
    if (server.configDrive !== undefined) body.config_drive = server.configDrive;
    const { data } = await this.nova<{ server: { id: string } }>({ action: 'nova.servers.create', kind: 'write', method: 'POST', path: '/servers', body: { server: body } });
    return { id: data.server.id };
  }

  async listServers(filter: { tags?: string[]; name?: string } = {}): Promise<NovaServer[]> {
    const params: Record<string, string> = {};
    if (filter.tags?.length) params.tags = filter.tags.join(',');
    if (filter.name) params.name = filter.name;
    const call = await this.novaCall({ action: 'nova.servers.detail', kind: 'read', method: 'GET', path: '/servers/detail', params });
    return this.client.listAll<NovaServer>(call, 'servers', this.pageSize);
  }

  async getServer(id: string): Promise<NovaServer | undefined> {
    try {
      const { data } = await this.nova<{ server: NovaServer }>({ action: 'nova.servers.get', kind: 'read', method: 'GET', path: `/servers/${encodeURIComponent(id)}` });
      return data.server;
    } catch (error) {
      if (isCloudError(error, 'not-found')) return undefined;
      throw error;
    }
  }

  async deleteServer(id: string): Promise<void> {
    await this.nova({ action: 'nova.servers.delete', kind: 'write', method: 'DELETE', path: `/servers/${encodeURIComponent(id)}` });
  }

  async getConsoleOutput(id: string): Promise<string> {
    const { data } = await this.nova<{ output?: string }>({
      action: 'nova.servers.action.os-getConsoleOutput',
      kind: 'read',
      method: 'POST',
      path: `/servers/${encodeURIComponent(id)}/action`,
      body: { 'os-getConsoleOutput': {} },
    });
    return data.output ?? '';
  }

  async listFlavors(): Promise<NovaFlavor[]> {
    const call = await this.novaCall({ action: 'nova.flavors.detail', kind: 'read', method: 'GET', path: '/flavors/detail' });
    return this.client.listAll<NovaFlavor>(call, 'flavors', this.pageSize);
  }

  async computeLimits(): Promise<Record<string, number>> {
    const { data } = await this.nova<{ limits?: { absolute?: Record<string, number> } }>({
      action: 'nova.limits.get',
      kind: 'read',
      method: 'GET',
      path: '/limits',
    });
    return data.limits?.absolute ?? {};
  }

  findImagesByName(name: string): Promise<GlanceImage[]> {
    return this.client.listAll<GlanceImage>(
      { action: 'glance.images.list', kind: 'read', service: 'image', method: 'GET', path: '/images', params: { name, status: 'active' } },
      'images',
      this.pageSize,
    );
  }

  async getImage(id: string): Promise<GlanceImage | undefined> {
    try {
      const { data } = await this.client.call<GlanceImage>({
        action: 'glance.images.get',
        kind: 'read',
        service: 'image',
        method: 'GET',
        path: `/images/${encodeURIComponent(id)}`,
      });
      return data;
    } catch (error) {
      if (isCloudError(error, 'not-found')) return undefined;
      throw error;
    }
  }

  async listProviderImages(providerName: string): Promise<GlanceImage[]> {
    if (!(await this.client.hasService('image'))) return [];
    const owner = await this.client.projectId();
    const params = { [TAG.providerName]: providerName, ...(owner === undefined ? {} : { owner }) };
    return this.client.listAll<GlanceImage>({ action: 'glance.images.list', kind: 'read', service: 'image', method: 'GET', path: '/images', params }, 'images', this.pageSize);
  }

  async deleteImage(id: string): Promise<void> {
    await this.client.call({ action: 'glance.images.delete', kind: 'write', service: 'image', method: 'DELETE', path: `/images/${encodeURIComponent(id)}` });
  }

  listNetworks(filter: { name?: string; id?: string; external?: boolean }): Promise<NeutronNetwork[]> {
    const params: Record<string, string> = {};
    if (filter.name !== undefined) params.name = filter.name;
    if (filter.id !== undefined) params.id = filter.id;
    if (filter.external !== undefined) params['router:external'] = String(filter.external);
    return this.neutronList<NeutronNetwork>('neutron.networks.list', '/networks', 'networks', params);
  }

  listSecurityGroups(filter: { name?: string; id?: string }): Promise<NeutronSecurityGroup[]> {
    const params: Record<string, string> = {};
    if (filter.name !== undefined) params.name = filter.name;
    if (filter.id !== undefined) params.id = filter.id;
    return this.neutronList<NeutronSecurityGroup>('neutron.security_groups.list', '/security-groups', 'security_groups', params);
  }

  async createPort(port: PortCreate): Promise<NeutronPort> {
    const body = {
      port: {
        network_id: port.networkId,
        name: port.name,
        description: port.description,
        tags: port.tags,
        ...(port.securityGroupIds ? { security_groups: port.securityGroupIds } : {}),
      },
    };
    const { data } = await this.neutron<{ port: NeutronPort }>('neutron.ports.create', 'write', 'POST', '/ports', body);
    return data.port;
  }

  listPorts(filter: { deviceId?: string; tags?: string[] } = {}): Promise<NeutronPort[]> {
    const params: Record<string, string> = {};
    if (filter.deviceId !== undefined) params.device_id = filter.deviceId;
    if (filter.tags?.length) params.tags = filter.tags.join(',');
    return this.neutronList<NeutronPort>('neutron.ports.list', '/ports', 'ports', params);
  }

  async deletePort(id: string): Promise<void> {
    await this.neutron('neutron.ports.delete', 'write', 'DELETE', `/ports/${encodeURIComponent(id)}`);
  }

  hasFloatingIps(): Promise<boolean> {
    this.floatingIps ??= this.neutron<{ extensions?: Array<{ alias?: string }> }>('neutron.extensions.list', 'read', 'GET', '/extensions')
      .then(({ data }) => (data.extensions ?? []).some((extension) => extension.alias === 'router'))
      .catch((error: unknown) => {
        this.floatingIps = undefined;
        throw error;
      });
    return this.floatingIps;
  }

  async createFloatingIp(floatingIp: FloatingIpCreate): Promise<NeutronFloatingIp> {
    const body = {
      floatingip: {
        floating_network_id: floatingIp.networkId,
        port_id: floatingIp.portId,
        description: floatingIp.description,
      },
    };
    const { data } = await this.neutron<{ floatingip: NeutronFloatingIp }>('neutron.floatingips.create', 'write', 'POST', '/floatingips', body);
    return data.floatingip;
  }

  async listFloatingIps(filter: { portIds?: string[] } = {}): Promise<NeutronFloatingIp[]> {
    if (!(await this.hasFloatingIps())) return [];
    const params: Record<string, string[]> = {};
    if (filter.portIds?.length) params.port_id = filter.portIds;
    return this.neutronList<NeutronFloatingIp>('neutron.floatingips.list', '/floatingips', 'floatingips', params);
  }

  async deleteFloatingIp(id: string): Promise<void> {
    await this.neutron('neutron.floatingips.delete', 'write', 'DELETE', `/floatingips/${encodeURIComponent(id)}`);
  }

  async replaceTags(collection: 'ports' | 'floatingips', id: string, tags: string[]): Promise<void> {
    await this.neutron(`neutron.${collection}.tags.replace`, 'write', 'PUT', `/${collection}/${encodeURIComponent(id)}/tags`, { tags });
  }

  hasVolumeService(): Promise<boolean> {
    return this.client.hasService('volume');
  }

  listVolumes(): Promise<CinderVolume[]> {
    return this.client.listAll<CinderVolume>(
      { action: 'cinder.volumes.detail', kind: 'read', service: 'volume', method: 'GET', path: '/volumes/detail' },
      'volumes',
      this.pageSize,
    );
  }

  async deleteVolume(id: string): Promise<void> {
    await this.client.call({ action: 'cinder.volumes.delete', kind: 'write', service: 'volume', method: 'DELETE', path: `/volumes/${encodeURIComponent(id)}` });
  }

  async volumeLimits(): Promise<Record<string, number>> {
    const { data } = await this.client.call<{ limits?: { absolute?: Record<string, number> } }>({
      action: 'cinder.limits.get',
      kind: 'read',
      service: 'volume',
      method: 'GET',
      path: '/limits',
    });
    return data.limits?.absolute ?? {};
  }

  close(): void {
    this.lease.release();
  }

  /** A Nova call carrying the negotiated microversion (and the legacy header Nova read before 2.27). */
  private async novaCall(call: Omit<ServiceCall, 'service'>): Promise<ServiceCall> {
    const version = (await this.computeMicroversion()).toString();
    return { ...call, service: 'compute', headers: { 'OpenStack-API-Version': `compute ${version}`, 'X-OpenStack-Nova-API-Version': version } };
  }

  private async nova<T>(call: Omit<ServiceCall, 'service'>) {
    return this.client.call<T>(await this.novaCall(call));
  }

  private neutron<T>(action: string, kind: 'read' | 'write', method: ServiceCall['method'], path: string, body?: unknown) {
    return this.client.call<T>({ action, kind, service: 'network', method, path, ...(body === undefined ? {} : { body }) });
  }

  private neutronList<T>(action: string, path: string, collection: string, params: ServiceCall['params']): Promise<T[]> {
    return this.client.listAll<T>({ action, kind: 'read', service: 'network', method: 'GET', path, ...(params ? { params } : {}) }, collection, this.pageSize);
  }
}
