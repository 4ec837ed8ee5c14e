import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { OpenStackSimulator } from '../../src/openstack/index.js';
import { client, passwordAuthBody, startCloud, type TestCloud } from './helpers.js';

interface TokenBody {
  token: {
    methods: string[];
    expires_at: string;
    issued_at: string;
    project?: { id: string; name: string; domain: { id: string; name: string } };
    user: { id: string; name: string };
    roles?: Array<{ name: string }>;
    catalog?: Array<{ type: string; name: string; endpoints: Array<{ interface: string; region: string; region_id: string; url: string }> }>;
    application_credential?: { id: string; restricted: boolean };
  };
}

describe('Keystone v3', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.sim.stop();
    cloud = undefined;
  });

  it('issues a project-scoped token for a password, with a catalog of every service in two regions and three interfaces', async () => {
    cloud = await startCloud();
    const { sim } = cloud;
    const response = await cloud.identity.post('/auth/tokens', passwordAuthBody(sim));
    expect(response.status).toBe(201);
    expect(String(response.headers['x-subject-token'])).toMatch(/^gAAAAAB/);
    const { token } = response.data as TokenBody;
    expect(token.methods).toEqual(['password']);
    expect(token.project).toMatchObject({ name: sim.identity.project.name, domain: { id: 'default', name: 'Default' } });
    expect(token.user.name).toBe(sim.identity.user.name);
    expect(token.roles?.map((role) => role.name)).toContain('member');
    expect(Date.parse(token.expires_at) - Date.parse(token.issued_at)).toBe(3_600_000);
    const types = token.catalog?.map((entry) => entry.type) ?? [];
    expect(types).toEqual(expect.arrayContaining(['identity', 'compute', 'network', 'image', 'volumev3']));
    const compute = token.catalog?.find((entry) => entry.type === 'compute');
    expect(compute?.endpoints).toHaveLength(6);
    expect(new Set(compute?.endpoints.map((endpoint) => endpoint.region))).toEqual(new Set(['RegionOne', 'RegionTwo']));
    expect(new Set(compute?.endpoints.map((endpoint) => endpoint.interface))).toEqual(new Set(['public', 'internal', 'admin']));
    expect(compute?.endpoints[0]?.url).toBe(`${sim.url}/compute/v2.1`);
    const volume = token.catalog?.find((entry) => entry.type === 'volumev3');
    expect(volume?.endpoints[0]?.url).toBe(`${sim.url}/volume/v3/${cloud.projectId}`);
  });

  it('scopes by project id and omits the catalog with ?nocatalog', async () => {
    cloud = await startCloud();
    const { sim } = cloud;
    const response = await cloud.identity.post('/auth/tokens?nocatalog', {
      auth: {
        identity: { methods: ['password'], password: { user: { id: sim.identity.user.id, password: sim.identity.user.password } } },
        scope: { project: { id: sim.identity.project.id } },
      },
    });
    expect(response.status).toBe(201);
    const { token } = response.data as TokenBody;
    expect(token.project?.id).toBe(sim.identity.project.id);
    expect(token.catalog).toBeUndefined();
  });

  it('accepts an application credential by id, or by name and user, and the token works on the services', async () => {
    cloud = await startCloud();
    const { sim } = cloud;
    const credential = sim.identity.applicationCredential;
    for (const applicationCredential of [
      { id: credential.id, secret: credential.secret },
      { name: credential.name, secret: credential.secret, user: { name: sim.identity.user.name, domain: { name: 'Default' } } },
    ]) {
      const response = await cloud.identity.post('/auth/tokens', {
        auth: { identity: { methods: ['application_credential'], application_credential: applicationCredential } },
      });
      expect(response.status).toBe(201);
      const { token } = response.data as TokenBody;
      expect(token.methods).toEqual(['application_credential']);
      expect(token.application_credential).toEqual({ id: credential.id, name: credential.name, restricted: true });
      expect(token.project?.id).toBe(cloud.projectId);
      const flavors = await client(`${sim.url}/compute/v2.1`, { 'X-Auth-Token': String(response.headers['x-subject-token']) }).get('/flavors');
      expect(flavors.status).toBe(200);
    }
  });

  it('answers a wrong password or secret with 401 in Keystone format', async () => {
    cloud = await startCloud();
    const { sim } = cloud;
    const wrongPassword = await cloud.identity.post('/auth/tokens', passwordAuthBody(sim, 'not-the-password'));
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.data).toEqual({
      error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' },
    });
    const wrongSecret = await cloud.identity.post('/auth/tokens', {
      auth: { identity: { methods: ['application_credential'], application_credential: { id: sim.identity.applicationCredential.id, secret: 'nope' } } },
    });
    expect(wrongSecret.status).toBe(401);
    const noMethods = await cloud.identity.post('/auth/tokens', { auth: { identity: {} } });
    expect(noMethods.status).toBe(400);
    expect((noMethods.data as { error: { title: string } }).error.title).toBe('Bad Request');
  });

  it('rejects a missing, unknown or unscoped token on every service with keystonemiddleware’s 401', async () => {
    cloud = await startCloud();
    const { sim } = cloud;
    const unscoped = await cloud.identity.post('/auth/tokens', {
      auth: { identity: { methods: ['password'], password: { user: { id: sim.identity.user.id, password: sim.identity.user.password } } } },
    });
    expect(unscoped.status).toBe(201);
    expect((unscoped.data as TokenBody).token.catalog).toBeUndefined();
    for (const token of [undefined, 'gAAAAABnot-a-token', String(unscoped.headers['x-subject-token'])]) {
      const headers: Record<string, string> = token ? { 'X-Auth-Token': token } : {};
      for (const path of ['/compute/v2.1/servers', '/network/v2.0/ports', '/image/v2/images', `/volume/v3/${cloud.projectId}/volumes`]) {
        const response = await client(sim.url, headers).get(path);
        expect(response.status).toBe(401);
        expect(response.headers['www-authenticate']).toBe(`Keystone uri="${sim.url}/identity"`);
        expect((response.data as { error: { code: number } }).error.code).toBe(401);
      }
    }
  });

  it('expires tokens after the configured lifetime (read from the injectable clock)', async () => {
    const clock = new ManualClock();
    cloud = await startCloud({ clock, tokenLifetimeMs: 60_000 });
    expect((await cloud.compute.get('/servers')).status).toBe(200);
    clock.advance(59_999);
    expect((await cloud.compute.get('/servers')).status).toBe(200);
    clock.advance(1);
    const expired = await cloud.compute.get('/servers');
    expect(expired.status).toBe(401);
    expect(expired.data).toEqual({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
    const renewed = await cloud.identity.post('/auth/tokens', passwordAuthBody(cloud.sim));
    const response = await client(`${cloud.sim.url}/compute/v2.1`, { 'X-Auth-Token': String(renewed.headers['x-subject-token']) }).get('/servers');
    expect(response.status).toBe(200);
  });

  it('serves the version documents without a token', async () => {
    cloud = await startCloud();
    const version = await cloud.identity.get('');
    expect(version.status).toBe(200);
    expect((version.data as { version: { id: string; status: string } }).version).toMatchObject({ id: 'v3.14', status: 'stable' });
    const versions = await client(`${cloud.sim.url}/identity`).get('/');
    expect(versions.status).toBe(300);
  });
});

describe('connectionInfo', () => {
  it('describes the cloud as clouds.yaml, with a password cloud and an application-credential cloud', async () => {
    const sim = await new OpenStackSimulator({ cloudName: 'sim-a', identity: { username: 'alice', projectName: 'ci' } }).start();
    try {
      const info = sim.connectionInfo();
      const password = info.document.clouds['sim-a'];
      expect(password?.auth).toMatchObject({
        auth_url: `${sim.url}/identity/v3`,
        username: 'alice',
        project_name: 'ci',
        user_domain_name: 'Default',
        project_domain_name: 'Default',
      });
      expect(password?.region_name).toBe('RegionOne');
      expect(password?.identity_api_version).toBe(3);
      expect(info.document.clouds['sim-a-appcred']?.auth_type).toBe('v3applicationcredential');
      expect(info.yaml).toContain('clouds:\n  sim-a:\n    auth_type: "password"\n    auth:\n');
      expect(info.yaml).toContain(`    identity_api_version: 3\n`);
      const token = await client(info.authUrl).post('/auth/tokens', passwordAuthBody(sim, password?.auth.password));
      expect(token.status).toBe(201);
    } finally {
      await sim.stop();
    }
  });
});
