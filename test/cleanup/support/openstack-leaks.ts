import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { systemClock, TAG } from '@cloudpool/common';
import { passthroughQueue } from '@cloudpool/common/testing';
import {
  ConnectionRegistry,
  HttpOpenStackApi,
  loadCloudConfig,
  OpenStackClient,
  providerServerTag,
  toNeutronTags,
  type ConnectionLease,
} from '@cloudpool/openstack';
import { OpenStackCloud } from '../../launcher/support/openstack-cloud.js';
import type { LeakCloud, PlantOptions } from './leak-cloud.js';

/**
 * OpenStack: a leaked node is a server (tagged by its metadata and a Nova tag), a port or a floating IP
 * (Neutron `key=value` tags) or a volume (tagged by its metadata); an image upload is a Glance
 * image of the project (tagged by its properties). Read around the driver with an API client of
 * the test's own.
 */
export class OpenStackLeaks implements LeakCloud {
  readonly base = new OpenStackCloud();
  readonly nodeTypes = ['instance', 'port', 'floating-ip', 'volume'];
  private directory: string | undefined;
  private lease: ConnectionLease | undefined;
  private client: OpenStackClient | undefined;
  private api: HttpOpenStackApi | undefined;

  async start(): Promise<void> {
    await this.base.start();
    const info = this.base.sim.connectionInfo();
    this.directory = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-cleanup-openstack-'));
    await writeFile(path.join(this.directory, 'clouds.yaml'), info.yaml, { mode: 0o600 });
    const cloud = loadCloudConfig(info.cloudName, { directories: [this.directory], env: {} });
    this.lease = new ConnectionRegistry().acquire(cloud, info.regionName, { clock: systemClock });
    this.client = new OpenStackClient(this.lease.connection, passthroughQueue, systemClock);
    this.api = new HttpOpenStackApi(this.client, this.lease);
  }

  async stop(): Promise<void> {
    this.lease?.release();
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
    await this.base.stop();
  }

  async plant(type: string, tags: Record<string, string>, { ageMs = 0 }: PlantOptions = {}): Promise<string> {
    const { sim } = this.base;
    switch (type) {
      case 'instance': {
        // As the driver makes servers: the provider also as a Nova tag, which its listing filters on.
        const provider = tags[TAG.providerName];
        const server = { name: `leaked-${tags[TAG.nodeId] ?? 'untagged'}`, metadata: tags, tags: provider ? [providerServerTag(provider)] : [], ageMs };
        return `instance:${sim.seed({ servers: [server] }).servers[0]}`;
      }
      case 'port':
        return `port:${sim.seed({ ports: [{ tags: toNeutronTags(tags) }] }).ports[0]}`;
      case 'floating-ip':
        return `floating-ip:${sim.seed({ floatingIps: [{ tags: toNeutronTags(tags) }] }).floatingIps[0]}`;
      case 'volume':
        return `volume:${sim.seed({ volumes: [{ metadata: tags, ageMs }] }).volumes[0]}`;
      default:
        throw new Error(`openstack: cannot plant a ${type}`);
    }
  }

  async plantUpload(tags: Record<string, string>): Promise<string[]> {
    return [`image:${this.base.sim.seed({ images: [{ properties: tags }] }).images[0]}`];
  }

  async present(): Promise<Set<string>> {
    if (!this.api || !this.client) throw new Error('openstack: cloud not started');
    const [servers, ports, floatingIps, volumes, images] = await Promise.all([
      this.api.listServers(),
      this.api.listPorts(),
      this.api.listFloatingIps(),
      this.api.listVolumes(),
      this.client.listAll<{ id: string }>({ action: 'glance.images.list', kind: 'read', service: 'image', method: 'GET', path: '/images' }, 'images', 1000),
    ]);
    return new Set([
      ...servers.filter((s) => s.status !== 'DELETED' && s['OS-EXT-STS:task_state'] !== 'deleting').map((s) => `instance:${s.id}`),
      ...ports.map((p) => `port:${p.id}`),
      ...floatingIps.map((f) => `floating-ip:${f.id}`),
      ...volumes.filter((v) => !['deleting', 'deleted'].includes(v.status)).map((v) => `volume:${v.id}`),
      ...images.map((image) => `image:${image.id}`),
    ]);
  }
}
