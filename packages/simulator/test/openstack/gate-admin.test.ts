import { afterEach, describe, expect, it } from 'vitest';
import { computeVersion, serverBody, startCloud, type TestCloud } from './helpers.js';

const V = computeVersion('2.96');

describe('gate faults in each service’s format', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  it('throttles with 429 and Retry-After once the bucket is empty', async () => {
    cloud = await startCloud({ knobs: { rateLimits: { 'nova.servers.list': { perSecond: 0.5, burst: 2 }, read: { perSecond: 1, burst: 1 } } } });
    expect((await cloud.compute.get('/servers')).status).toBe(200);
    expect((await cloud.compute.get('/servers')).status).toBe(200);
    const throttled = await cloud.compute.get('/servers');
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('2');
    expect(throttled.data).toEqual({ overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter: '2' } });
    expect(cloud.sim.counters.count('nova.servers.list', 'throttled')).toBe(1);

    expect((await cloud.network.get('/ports')).status).toBe(200);
    const neutron = await cloud.network.get('/ports');
    expect(neutron.status).toBe(429);
    expect(neutron.headers['retry-after']).toBe('1');
    expect(neutron.data).toEqual({ NeutronError: { type: 'HTTPTooManyRequests', message: 'This request was rate-limited.', detail: '' } });
  });

  it('throttles Nova with 413 overLimit when set to answer as older Nova did', async () => {
    cloud = await startCloud({ computeThrottleStatus: 413, knobs: { rateLimits: { 'nova.servers.create': { perSecond: 1, burst: 1 } } } });
    const body = await serverBody(cloud, 'x');
    expect((await cloud.compute.post('/servers', body, { headers: V })).status).toBe(202);
    const throttled = await cloud.compute.post('/servers', body, { headers: V });
    expect(throttled.status).toBe(413);
    expect(throttled.headers['retry-after']).toBe('1');
    expect((throttled.data as { overLimit: { code: number; retryAfter: string } }).overLimit).toMatchObject({ code: 413, retryAfter: '1' });
  });

  it('answers injected server errors with 500 in each format', async () => {
    cloud = await startCloud();
    cloud.sim.setKnobs({ faults: { serverErrorRatio: 1 } });
    const nova = await cloud.compute.get('/servers');
    expect(nova.status).toBe(500);
    expect((nova.data as { computeFault: { code: number; message: string } }).computeFault.message).toContain('Unexpected API Error');
    const neutron = await cloud.network.get('/ports');
    expect(neutron.data).toEqual({
      NeutronError: { type: 'HTTPInternalServerError', message: 'Request Failed: internal server error while processing your request.', detail: '' },
    });
    const keystone = await cloud.identity.post('/auth/tokens', {});
    expect(keystone.status).toBe(500);
    expect((keystone.data as { error: { title: string } }).error.title).toBe('Internal Server Error');
  });
});

describe('admin endpoint', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  it('seeds leaked resources, counts resources and calls, and resets', async () => {
    cloud = await startCloud();
    const url = cloud.sim.url;
    const seeded = await fetch(`${url}/__sim/seed`, {
      method: 'POST',
      body: JSON.stringify({
        servers: [
          { name: 'leaked', metadata: { nodepool_provider_name: 'p1' }, tags: ['cloudpool'], ageMs: 3_600_000 },
          { name: 'broken', status: 'ERROR', fault: { message: 'No valid host was found. There are not enough hosts available.' } },
          { name: 'stuck', status: 'BUILD' },
        ],
        ports: [{ deviceOwner: 'compute:nova', tags: ['cloudpool'] }],
        floatingIps: [{ tags: ['cloudpool'] }],
        volumes: [{ name: 'leaked-volume', sizeGb: 8, metadata: { nodepool_provider_name: 'p1' } }],
      }),
    });
    const ids = (await seeded.json()) as { servers: string[]; ports: string[]; floatingIps: string[]; volumes: string[] };
    expect(ids.servers).toHaveLength(3);
    expect(ids.ports).toHaveLength(1);

    const leaked = await cloud.compute.get(`/servers/${ids.servers[0] ?? ''}`, { headers: V });
    expect((leaked.data as { server: { status: string; created: string; metadata: unknown } }).server).toMatchObject({
      status: 'ACTIVE',
      metadata: { nodepool_provider_name: 'p1' },
    });
    const broken = await cloud.compute.get(`/servers/${ids.servers[1] ?? ''}`, { headers: V });
    expect((broken.data as { server: { fault: { code: number } } }).server.fault.code).toBe(500);

    const errored = await cloud.compute.get('/servers', { params: { status: 'ERROR' }, headers: V });
    expect((errored.data as { servers: Array<{ name: string }> }).servers.map((server) => server.name)).toEqual(['broken']);

    const resources = (await (await fetch(`${url}/__sim/resources`)).json()) as Record<string, unknown>;
    expect(resources).toMatchObject({
      servers: 3,
      serversByStatus: { ACTIVE: 1, ERROR: 1, BUILD: 1 },
      ports: 3,
      floatingIps: 1,
      volumes: 1,
      networks: 2,
      images: 2,
    });

    await cloud.compute.get('/servers/does-not-exist');
    const counters = (await (await fetch(`${url}/__sim/counters`)).json()) as Record<string, Record<string, number>>;
    expect(counters['keystone.tokens.create']).toMatchObject({ ok: 1 });
    // Each call counts once: a 404 found after admission moves that call from ok to client-error.
    expect(counters['nova.servers.get']).toEqual({ total: 3, ok: 2, 'client-error': 1 });

    expect((await fetch(`${url}/__sim/reset`, { method: 'POST' })).status).toBe(200);
    expect(cloud.sim.resources()).toMatchObject({ servers: 0, ports: 0, floatingIps: 0, volumes: 0, networks: 2, images: 2 });
    expect((await cloud.compute.get('/servers')).status).toBe(401);
  });
});
