import type { CloudAuth, CloudConfig, EndpointInterface, NamedInDomain } from './cloud-config.js';
import { CloudConfigError } from './cloud-config-error.js';

/** A cloud as written in `clouds.yaml` (after `secure.yaml` and environment overrides). */
export type RawCloud = Record<string, unknown>;

const PASSWORD_AUTH_TYPES = new Set(['password', 'v3password']);
const APPLICATION_CREDENTIAL_AUTH_TYPES = new Set(['v3applicationcredential', 'applicationcredential']);
const INTERFACES = new Set<EndpointInterface>(['public', 'internal', 'admin']);

/**
 * Reads one raw cloud into a CloudConfig. Supports Keystone v3 `password` (also `v3password`)
 * and `v3applicationcredential`; without `auth_type`, an application credential secret selects
 * the latter, as openstacksdk does. Errors name the cloud and the missing key, never a value.
 */
export function parseCloud(name: string, raw: RawCloud, source: string): CloudConfig {
  const auth = record(raw.auth);
  const field = (key: string) => text(auth[key]);
  const fail = (message: string) => new CloudConfigError(`OpenStack cloud "${name}" (${source}): ${message}`);
  const authUrl = field('auth_url');
  if (!authUrl) throw fail('auth.auth_url is missing');
  const authType = text(raw.auth_type) ?? (field('application_credential_secret') ? 'v3applicationcredential' : 'password');
  const regionName = text(raw.region_name);
  const iface = (text(raw.interface) ?? 'public').replace(/URL$/, '') as EndpointInterface;
  if (!INTERFACES.has(iface)) throw fail(`interface must be public, internal or admin`);
  const caCertFile = text(raw.cacert);
  return {
    name,
    auth: parseAuth(authType, authUrl, field, fail),
    ...(regionName ? { regionName } : {}),
    interface: iface,
    verifyTls: raw.verify !== false && raw.verify !== 'false' && raw.verify !== 'False',
    ...(caCertFile ? { caCertFile } : {}),
    source,
  };
}

function parseAuth(
  authType: string,
  authUrl: string,
  field: (key: string) => string | undefined,
  fail: (message: string) => Error,
): CloudAuth {
  const domain = (prefix: 'user' | 'project') => {
    const id = field(`${prefix}_domain_id`) ?? field('domain_id');
    const name = field(`${prefix}_domain_name`) ?? field('domain_name');
    return id ? { id } : name ? { name } : undefined;
  };
  const named = (prefix: 'user' | 'project', nameKey: string): NamedInDomain | undefined => {
    const id = field(`${prefix}_id`) ?? (prefix === 'project' ? field('tenant_id') : undefined);
    if (id) return { id };
    const name = field(nameKey) ?? (prefix === 'project' ? field('tenant_name') : undefined);
    return name ? { name, domain: domain(prefix) } : undefined;
  };
  if (PASSWORD_AUTH_TYPES.has(authType)) {
    const user = named('user', 'username');
    const password = field('password');
    if (!user) throw fail('auth.username (or auth.user_id) is missing');
    if (!password) throw fail('auth.password is missing');
    const project = named('project', 'project_name');
    return { type: 'password', authUrl, user, password, ...(project ? { project } : {}) };
  }
  if (APPLICATION_CREDENTIAL_AUTH_TYPES.has(authType)) {
    const secret = field('application_credential_secret');
    if (!secret) throw fail('auth.application_credential_secret is missing');
    const id = field('application_credential_id');
    if (id) return { type: 'application-credential', authUrl, credential: { id }, secret };
    const credentialName = field('application_credential_name');
    const user = named('user', 'username');
    if (!credentialName || !user) throw fail('auth.application_credential_id (or its name and user) is missing');
    return { type: 'application-credential', authUrl, credential: { name: credentialName, user }, secret };
  }
  throw fail(`auth_type "${authType}" is not supported (password, v3applicationcredential)`);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A YAML scalar as text (`identity_api_version: 3` is a number); empty strings count as absent. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
