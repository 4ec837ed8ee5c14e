import axios, { type AxiosInstance } from 'axios';
import { OpenStackSimulator, type OpenStackSimulatorOptions } from '../../src/openstack/index.js';

/** A started simulator and HTTP clients for each service, found through the token's catalog as a driver finds them. */
export interface TestCloud {
  sim: OpenStackSimulator;
  token: string;
  identity: AxiosInstance;
  compute: AxiosInstance;
  network: AxiosInstance;
  image: AxiosInstance;
  volume: AxiosInstance;
  /** The project id, for Cinder URLs and assertions. */
  projectId: string;
}

interface CatalogEntry {
  type: string;
  endpoints: Array<{ interface: string; region: string; url: string }>;
}

/** A client that never throws on HTTP status, so tests assert status and body. */
export function client(baseURL: string, headers: Record<string, string> = {}): AxiosInstance {
  return axios.create({ baseURL, headers, validateStatus: () => true });
}

/** The password-scoped token request body for the simulator's user and project. */
export function passwordAuthBody(sim: OpenStackSimulator, password = sim.identity.user.password): unknown {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: sim.identity.user.name, domain: { name: 'Default' }, password } },
      },
      scope: { project: { name: sim.identity.project.name, domain: { name: 'Default' } } },
    },
  };
}

/** A started simulator (with Neutron's L3 API unless `neutronL3: false`) and clients of its services. */
export async function startCloud(options: OpenStackSimulatorOptions = {}): Promise<TestCloud> {
  const sim = await new OpenStackSimulator({ neutronL3: true, ...options }).start();
  const identity = client(`${sim.url}/identity/v3`);
  const response = await identity.post('/auth/tokens', passwordAuthBody(sim));
  if (response.status !== 201) throw new Error(`token request failed: ${response.status}`);
  const token = String(response.headers['x-subject-token']);
  const catalog = (response.data as { token: { catalog: CatalogEntry[]; project: { id: string } } }).token;
  const endpoint = (type: string) => {
    const entry = catalog.catalog.find((candidate) => candidate.type === type);
    const found = entry?.endpoints.find((candidate) => candidate.interface === 'public' && candidate.region === 'RegionOne');
    if (!found) throw new Error(`no ${type} endpoint`);
    return found.url;
  };
  const authed = (url: string) => client(url, { 'X-Auth-Token': token });
  return {
    sim,
    token,
    identity,
    compute: authed(endpoint('compute')),
    network: authed(`${endpoint('network')}/v2.0`),
    image: authed(`${endpoint('image')}/v2`),
    volume: authed(endpoint('volumev3')),
    projectId: catalog.project.id,
  };
}

/** `OpenStack-API-Version` for a compute microversion. */
export function computeVersion(version: string): Record<string, string> {
  return { 'OpenStack-API-Version': `compute ${version}` };
}

/** A minimal valid `POST /servers` body at microversion 2.37 and later. */
export async function serverBody(cloud: TestCloud, name: string, extra: Record<string, unknown> = {}): Promise<{ server: Record<string, unknown> }> {
  return { server: { name, imageRef: await imageId(cloud), flavorRef: '2', networks: 'auto', ...extra } };
}

/** The id of a seeded Glance image (`ubuntu-jammy` by default). */
export async function imageId(cloud: TestCloud, name = 'ubuntu-jammy'): Promise<string> {
  const response = await cloud.image.get('/images', { params: { name } });
  const images = (response.data as { images: Array<{ id: string }> }).images;
  if (!images[0]) throw new Error(`no image ${name}`);
  return images[0].id;
}

