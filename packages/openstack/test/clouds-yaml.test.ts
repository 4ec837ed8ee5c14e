import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudConfigError } from '../src/clouds/cloud-config-error.js';
import { defaultCloudsYamlSearch, loadCloudConfig, type CloudsYamlSearch } from '../src/clouds/clouds-yaml.js';

const SECRET = 'hunter2-never-printed';

const passwordCloud = (extra = '') => `
clouds:
  mycloud:
    auth:
      auth_url: https://keystone.example.com:5000/v3
      username: ci
      project_name: nodepool
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
${extra}`;

describe('clouds.yaml discovery', () => {
  let root: string;
  let first: string;
  let second: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-clouds-'));
    first = path.join(root, 'cwd');
    second = path.join(root, 'config');
    await Promise.all([mkdir(first), mkdir(second)]);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const search = (env: NodeJS.ProcessEnv = {}, extra: Partial<CloudsYamlSearch> = {}): CloudsYamlSearch => ({ directories: [first, second], env, ...extra });

  it('uses the first clouds.yaml in search order and merges secure.yaml into its cloud', async () => {
    await writeFile(path.join(second, 'clouds.yaml'), passwordCloud());
    await writeFile(path.join(second, 'secure.yaml'), `clouds:\n  mycloud:\n    auth:\n      password: ${SECRET}\n`);
    const cloud = loadCloudConfig('mycloud', search());
    expect(cloud).toMatchObject({
      name: 'mycloud',
      regionName: 'RegionOne',
      interface: 'public',
      verifyTls: true,
      source: path.join(second, 'clouds.yaml'),
      auth: {
        type: 'password',
        authUrl: 'https://keystone.example.com:5000/v3',
        user: { name: 'ci', domain: { name: 'Default' } },
        password: SECRET,
        project: { name: 'nodepool', domain: { name: 'Default' } },
      },
    });

    await writeFile(path.join(first, 'clouds.yml'), passwordCloud('    interface: internalURL\n    verify: no\n').replace('RegionOne', 'RegionCwd'));
    expect(loadCloudConfig('mycloud', search())).toMatchObject({ regionName: 'RegionCwd', interface: 'internal', verifyTls: false });
  });

  it('reads OS_CLIENT_CONFIG_FILE before the directories', async () => {
    const explicit = path.join(root, 'elsewhere.yaml');
    await writeFile(explicit, passwordCloud('    auth_type: v3applicationcredential\n').replace('username: ci', `application_credential_id: abc\n      application_credential_secret: ${SECRET}`));
    await writeFile(path.join(first, 'clouds.yaml'), passwordCloud());
    const env = { OS_CLIENT_CONFIG_FILE: explicit };
    const cloud = loadCloudConfig('mycloud', { ...defaultCloudsYamlSearch(env), directories: [first] });
    expect(cloud.source).toBe(explicit);
    expect(cloud.auth).toEqual({ type: 'application-credential', authUrl: 'https://keystone.example.com:5000/v3', credential: { id: 'abc' }, secret: SECRET });
  });

  it('looks where the OpenStack tools look, honouring XDG_CONFIG_HOME', () => {
    const xdg = defaultCloudsYamlSearch({ XDG_CONFIG_HOME: path.join(root, 'xdg') });
    expect(xdg.directories).toEqual([process.cwd(), path.join(root, 'xdg', 'openstack'), path.join(path.sep, 'etc', 'openstack')]);
    expect(defaultCloudsYamlSearch({}).directories[1]).toBe(path.join(os.homedir(), '.config', 'openstack'));
  });

  it('makes the envvars cloud from OS_* variables, and lets them override the cloud named by OS_CLOUD', async () => {
    const env = {
      OS_AUTH_URL: 'https://keystone.example.com/identity',
      OS_USERNAME: 'envuser',
      OS_PASSWORD: SECRET,
      OS_PROJECT_NAME: 'envproject',
      OS_USER_DOMAIN_NAME: 'Users',
      OS_PROJECT_DOMAIN_NAME: 'Projects',
      OS_REGION_NAME: 'EnvRegion',
    };
    expect(loadCloudConfig('envvars', search(env))).toMatchObject({
      name: 'envvars',
      source: 'environment',
      regionName: 'EnvRegion',
      auth: { type: 'password', user: { name: 'envuser', domain: { name: 'Users' } }, project: { name: 'envproject', domain: { name: 'Projects' } } },
    });

    await writeFile(path.join(first, 'clouds.yaml'), passwordCloud().replace('username: ci', 'username: ci\n      password: from-file'));
    const appCredentialEnv = { OS_CLOUD: 'mycloud', OS_REGION_NAME: 'Overridden', OS_APPLICATION_CREDENTIAL_ID: 'app-id', OS_APPLICATION_CREDENTIAL_SECRET: SECRET };
    expect(loadCloudConfig('mycloud', search(appCredentialEnv))).toMatchObject({
      regionName: 'Overridden',
      auth: { type: 'application-credential', credential: { id: 'app-id' }, secret: SECRET },
    });
    expect(loadCloudConfig('mycloud', search({ ...appCredentialEnv, OS_CLOUD: 'other' }))).toMatchObject({
      regionName: 'RegionOne',
      auth: { type: 'password', password: 'from-file' },
    });
  });

  it('names the cloud and every file looked at when the cloud is missing, never a secret', async () => {
    await writeFile(path.join(second, 'clouds.yaml'), passwordCloud());
    await writeFile(path.join(second, 'secure.yaml'), `clouds:\n  mycloud:\n    auth:\n      password: ${SECRET}\n`);
    const missing = () => loadCloudConfig('nosuchcloud', search({ OS_PASSWORD: SECRET }));
    expect(missing).toThrow(CloudConfigError);
    const message = captureMessage(missing);
    expect(message).toContain('"nosuchcloud" not found');
    expect(message).toContain(path.join(first, 'clouds.yaml'));
    expect(message).toContain(path.join(second, 'clouds.yaml'));
    expect(message).toContain(path.join(second, 'secure.yaml'));
    expect(message).toContain('has mycloud');
    expect(message).not.toContain(SECRET);
  });

  it('reports a missing key or a YAML error without showing the values around it', async () => {
    await writeFile(path.join(first, 'clouds.yaml'), `clouds:\n  mycloud:\n    auth:\n      auth_url: https://k/v3\n      username: ci\n`);
    expect(captureMessage(() => loadCloudConfig('mycloud', search()))).toMatch(/"mycloud" .*auth\.password is missing/);
    await writeFile(path.join(first, 'clouds.yaml'), `clouds:\n  mycloud:\n    auth: {password: ${SECRET}\n`);
    const message = captureMessage(() => loadCloudConfig('mycloud', search()));
    expect(message).toMatch(/invalid YAML at line \d+/);
    expect(message).not.toContain(SECRET);
  });
});

function captureMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}
