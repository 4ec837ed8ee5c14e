import { createHash } from 'node:crypto';

/** Where each service lives under the simulator's base URL, as devstack lays them out. */
export const SERVICE_PATHS = {
  identity: '/identity',
  compute: '/compute',
  network: '/network',
  image: '/image',
  volume: '/volume',
} as const;

export interface CatalogEndpoint {
  id: string;
  interface: 'public' | 'internal' | 'admin';
  region: string;
  region_id: string;
  url: string;
}

export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}

const INTERFACES = ['public', 'internal', 'admin'] as const;

/**
 * The service catalog of a project-scoped token: identity, compute, network, image and
 * block storage (as both `volumev3` and `block-storage`, as devstack registers Cinder), one
 * endpoint per region and interface. Every region points at this one simulator.
 */
export function buildCatalog(baseUrl: string, projectId: string, regions: readonly string[]): CatalogEntry[] {
  const volumeUrl = `${baseUrl}${SERVICE_PATHS.volume}/v3/${projectId}`;
  const services = [
    { type: 'identity', name: 'keystone', url: `${baseUrl}${SERVICE_PATHS.identity}` },
    { type: 'compute', name: 'nova', url: `${baseUrl}${SERVICE_PATHS.compute}/v2.1` },
    { type: 'network', name: 'neutron', url: `${baseUrl}${SERVICE_PATHS.network}` },
    { type: 'image', name: 'glance', url: `${baseUrl}${SERVICE_PATHS.image}` },
    { type: 'volumev3', name: 'cinderv3', url: volumeUrl },
    { type: 'block-storage', name: 'cinder', url: volumeUrl },
  ];
  return services.map((service) => ({
    id: stableId(service.type),
    type: service.type,
    name: service.name,
    endpoints: regions.flatMap((region) =>
      INTERFACES.map((iface) => ({
        id: stableId(`${service.type}/${region}/${iface}`),
        interface: iface,
        region,
        region_id: region,
        url: service.url,
      })),
    ),
  }));
}

/** A Keystone-looking id (32 hex digits) that stays the same from token to token. */
function stableId(key: string): string {
  return createHash('md5').update(key).digest('hex');
}
