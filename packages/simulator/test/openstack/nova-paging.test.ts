import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenStackSeedServer as SeedServer } from '../../src/openstack/index.js';
import { client, computeVersion, startCloud, type TestCloud } from './helpers.js';

interface ServerPage {
  servers: Array<{ id: string; name: string; metadata: Record<string, string>; tags: string[] }>;
  servers_links?: Array<{ href: string; rel: string }>;
}

const V = computeVersion('2.96');

describe('Nova server listing at scale', () => {
  let cloud: TestCloud;
  const ours = new Set<string>();

  beforeAll(async () => {
    cloud = await startCloud();
    const servers: SeedServer[] = Array.from({ length: 1_200 }, (_, i) => ({
      name: `node-${String(i).padStart(4, '0')}`,
      metadata: { nodepool_provider_name: i % 3 === 0 ? 'other-provider' : 'p1', nodepool_node_id: String(i) },
      tags: i % 3 === 0 ? ['someone-else'] : ['cloudpool', 'provider-p1'],
      ageMs: (1_200 - i) * 1_000,
      networks: [],
    }));
    const { servers: ids } = cloud.sim.seed({ servers });
    ids.forEach((id, i) => i % 3 !== 0 && ours.add(id));
  });
  afterAll(async () => {
    await cloud.sim.stop();
  });

  /** Follows `servers_links` as a driver does, until a page without a next link. */
  async function listAll(path: string, params: Record<string, string>): Promise<{ pages: ServerPage[]; servers: ServerPage['servers'] }> {
    const pages: ServerPage[] = [];
    let response = await cloud.compute.get(path, { params, headers: V });
    for (;;) {
      expect(response.status).toBe(200);
      const page = response.data as ServerPage;
      pages.push(page);
      const next = page.servers_links?.find((link) => link.rel === 'next');
      if (!next) break;
      response = await client(next.href, { 'X-Auth-Token': cloud.token }).get('', { headers: V });
    }
    return { pages, servers: pages.flatMap((page) => page.servers) };
  }

  it('pages through 1,200 servers filtered by tag with limit and marker, newest first, each server once', async () => {
    const { pages, servers } = await listAll('/servers/detail', { tags: 'cloudpool', limit: '100' });
    expect(servers).toHaveLength(800);
    expect(new Set(servers.map((server) => server.id))).toEqual(ours);
    expect(pages).toHaveLength(9);
    expect(pages.slice(0, 8).every((page) => page.servers.length === 100)).toBe(true);
    expect(pages[8]?.servers).toHaveLength(0);
    expect(servers[0]?.name).toBe('node-1199');
    expect(servers.every((server) => server.metadata.nodepool_provider_name === 'p1' && server.tags.includes('cloudpool'))).toBe(true);
    const next = pages[0]?.servers_links?.[0]?.href ?? '';
    expect(next).toContain('/compute/v2.1/servers/detail?');
    expect(new URL(next).searchParams.get('marker')).toBe(pages[0]?.servers[99]?.id);
    expect(new URL(next).searchParams.get('tags')).toBe('cloudpool');
  });

  it('combines tag filters (all of, any of, none of) and name regular expressions', async () => {
    const both = await listAll('/servers', { tags: 'cloudpool,provider-p1', limit: '1000' });
    expect(both.servers).toHaveLength(800);
    const anyOf = await listAll('/servers', { 'tags-any': 'someone-else,nothing', limit: '1000' });
    expect(anyOf.servers).toHaveLength(400);
    const noneOf = await listAll('/servers', { 'not-tags-any': 'cloudpool', limit: '1000' });
    expect(noneOf.servers).toHaveLength(400);
    const named = await listAll('/servers', { name: '^node-11[0-9]{2}$', 'tags-any': 'cloudpool' });
    expect(named.servers.map((server) => server.name)).toHaveLength(67);
    expect(Object.keys(named.servers[0] ?? {}).sort()).toEqual(['id', 'links', 'name']);
  });

  it('caps a page at maxPageSize and answers an unknown marker with 400', async () => {
    cloud.sim.setKnobs({ maxPageSize: 500 });
    const first = await cloud.compute.get('/servers', { params: { limit: '5000' }, headers: V });
    expect((first.data as ServerPage).servers).toHaveLength(500);
    cloud.sim.setKnobs({ maxPageSize: 1000 });
    const unknown = await cloud.compute.get('/servers', { params: { marker: 'no-such-server' }, headers: V });
    expect(unknown.status).toBe(400);
    expect(unknown.data).toEqual({ badRequest: { code: 400, message: 'marker [no-such-server] not found' } });
  });

  it('keeps paging past a marker whose server was deleted meanwhile', async () => {
    const first = await cloud.compute.get('/servers', { params: { limit: '10', tags: 'cloudpool' }, headers: V });
    const page = first.data as ServerPage;
    expect(page.servers[9]?.name).toBe('node-1186');
    const marker = page.servers[9]?.id ?? '';
    expect((await cloud.compute.delete(`/servers/${marker}`, { headers: V })).status).toBe(204);
    const next = await cloud.compute.get('/servers', { params: { limit: '10', tags: 'cloudpool', marker }, headers: V });
    expect(next.status).toBe(200);
    const after = (next.data as ServerPage).servers.map((server) => server.name);
    expect(after[0]).toBe('node-1184');
  });
});
