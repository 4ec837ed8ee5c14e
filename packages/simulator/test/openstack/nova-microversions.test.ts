import { afterEach, describe, expect, it } from 'vitest';
import { client, computeVersion, serverBody, startCloud, type TestCloud } from './helpers.js';

describe('Nova version discovery and microversions', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  it('lists the versions at /compute/ and describes v2.1 with its microversion range, without a token', async () => {
    cloud = await startCloud();
    const root = await client(`${cloud.sim.url}/compute`).get('/');
    expect(root.status).toBe(200);
    const versions = (root.data as { versions: Array<{ id: string; status: string; version: string; min_version: string }> }).versions;
    expect(versions.map((version) => [version.id, version.status])).toEqual([
      ['v2.0', 'SUPPORTED'],
      ['v2.1', 'CURRENT'],
    ]);
    const current = await client(`${cloud.sim.url}/compute/v2.1`).get('/');
    expect((current.data as { version: unknown }).version).toMatchObject({ id: 'v2.1', min_version: '2.1', version: '2.96', status: 'CURRENT' });
  });

  it('defaults to 2.1, echoes the negotiated version in both headers, and understands latest and the legacy header', async () => {
    cloud = await startCloud();
    const none = await cloud.compute.get('/flavors');
    expect(none.headers['openstack-api-version']).toBe('compute 2.1');
    expect(none.headers['x-openstack-nova-api-version']).toBe('2.1');
    expect(none.headers.vary).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
    const standard = await cloud.compute.get('/flavors', { headers: computeVersion('2.60') });
    expect(standard.headers['openstack-api-version']).toBe('compute 2.60');
    const latest = await cloud.compute.get('/flavors', { headers: computeVersion('latest') });
    expect(latest.headers['openstack-api-version']).toBe('compute 2.96');
    const legacy = await cloud.compute.get('/flavors', { headers: { 'X-OpenStack-Nova-API-Version': '2.47' } });
    expect(legacy.headers['x-openstack-nova-api-version']).toBe('2.47');
  });

  it('refuses a version above the maximum with 406 and a malformed one with 400', async () => {
    cloud = await startCloud();
    const tooNew = await cloud.compute.get('/servers', { headers: computeVersion('2.97') });
    expect(tooNew.status).toBe(406);
    expect(tooNew.data).toEqual({
      computeFault: { code: 406, message: 'Version 2.97 is not supported by the API. Minimum is 2.1 and maximum is 2.96.' },
    });
    const malformed = await cloud.compute.get('/servers', { headers: computeVersion('two') });
    expect(malformed.status).toBe(400);
    expect((malformed.data as { badRequest: { message: string } }).badRequest.message).toContain('invalid format');
  });

  it('accepts tags on create only from 2.52, and serves the tags API only from 2.26', async () => {
    cloud = await startCloud();
    const body = await serverBody(cloud, 'tagged', { tags: ['cloudpool'] });
    const old = await cloud.compute.post('/servers', body, { headers: computeVersion('2.51') });
    expect(old.status).toBe(400);
    expect((old.data as { badRequest: { message: string } }).badRequest.message).toContain("Additional properties are not allowed ('tags' was unexpected)");
    const created = await cloud.compute.post('/servers', body, { headers: computeVersion('2.52') });
    expect(created.status).toBe(202);
    const id = (created.data as { server: { id: string } }).server.id;
    const shown = await cloud.compute.get(`/servers/${id}`, { headers: computeVersion('2.52') });
    expect((shown.data as { server: { tags: string[] } }).server.tags).toEqual(['cloudpool']);
    const beforeTags = await cloud.compute.get(`/servers/${id}`, { headers: computeVersion('2.25') });
    expect((beforeTags.data as { server: Record<string, unknown> }).server).not.toHaveProperty('tags');
    expect((await cloud.compute.get(`/servers/${id}/tags`, { headers: computeVersion('2.25') })).status).toBe(404);
    expect((await cloud.compute.get(`/servers/${id}/tags`, { headers: computeVersion('2.26') })).data).toEqual({ tags: ['cloudpool'] });
  });

  it('requires networks from 2.37 and shows the flavor by reference before 2.47 and by value after', async () => {
    cloud = await startCloud();
    const { server } = await serverBody(cloud, 'no-networks');
    delete server.networks;
    const required = await cloud.compute.post('/servers', { server }, { headers: computeVersion('2.37') });
    expect(required.status).toBe(400);
    expect((required.data as { badRequest: { message: string } }).badRequest.message).toContain("'networks' is a required property");
    const legacy = await cloud.compute.post('/servers', { server });
    expect(legacy.status).toBe(202);
    const id = (legacy.data as { server: { id: string } }).server.id;
    const byReference = await cloud.compute.get(`/servers/${id}`, { headers: computeVersion('2.46') });
    expect((byReference.data as { server: { flavor: unknown } }).server.flavor).toMatchObject({ id: '2' });
    const byValue = await cloud.compute.get(`/servers/${id}`, { headers: computeVersion('2.47') });
    expect((byValue.data as { server: { flavor: unknown } }).server.flavor).toEqual({
      disk: 20,
      ephemeral: 0,
      extra_specs: {},
      original_name: 'm1.small',
      ram: 2048,
      swap: 0,
      vcpus: 1,
    });
  });

  it('can serve a lower maximum microversion', async () => {
    cloud = await startCloud({ computeMaxMicroversion: '2.79' });
    expect((await cloud.compute.get('/flavors', { headers: computeVersion('latest') })).headers['openstack-api-version']).toBe('compute 2.79');
    expect((await cloud.compute.get('/flavors', { headers: computeVersion('2.80') })).status).toBe(406);
  });
});
