import { CloudError } from '@cloudpool/common';
import type { EndpointInterface } from '../clouds/cloud-config.js';

/** One service of a Keystone v3 token's catalog. */
export interface CatalogEntry {
  type: string;
  endpoints: Array<{ interface: string; region?: string; region_id?: string; url: string }>;
}

/** The services the driver calls, with the catalog types each may be registered under. */
export const SERVICE_TYPES = {
  compute: ['compute'],
  network: ['network'],
  image: ['image'],
  volume: ['block-storage', 'volumev3', 'volume'],
} as const;

export type ServiceName = keyof typeof SERVICE_TYPES;

/**
 * The API root of a service in `region` (any region when undefined) for `iface`: Nova's and
 * Cinder's catalog URLs include their version; Neutron's (`/v2.0`) and Glance's (`/v2`) are
 * added when the catalog leaves them out, as it usually does. Undefined when not in the catalog.
 */
export function serviceEndpoint(catalog: readonly CatalogEntry[], service: ServiceName, region: string | undefined, iface: EndpointInterface): string | undefined {
  for (const type of SERVICE_TYPES[service]) {
    const entry = catalog.find((candidate) => candidate.type === type);
    const endpoint = entry?.endpoints.find(
      (candidate) => candidate.interface === iface && (region === undefined || (candidate.region_id ?? candidate.region) === region),
    );
    if (endpoint) return withApiVersion(service, endpoint.url.replace(/\/+$/, ''));
  }
  return undefined;
}

/** Like `serviceEndpoint`, but a missing service is a permanent CloudError naming it. */
export function requireServiceEndpoint(
  catalog: readonly CatalogEntry[],
  service: ServiceName,
  region: string | undefined,
  iface: EndpointInterface,
): string {
  const url = serviceEndpoint(catalog, service, region, iface);
  if (url) return url;
  throw new CloudError('permanent', `no ${iface} ${service} endpoint${region ? ` in region ${region}` : ''} in the service catalog`, {
    action: 'catalog',
  });
}

function withApiVersion(service: ServiceName, url: string): string {
  if (service === 'network') return /\/v2\.0$/.test(url) ? url : `${url}/v2.0`;
  if (service === 'image') return /\/v2$/.test(url) ? url : `${url}/v2`;
  return url;
}
