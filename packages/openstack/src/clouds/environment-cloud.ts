import type { RawCloud } from './cloud-entry.js';

/** `OS_*` variables that go into a cloud's `auth` mapping (lower-cased, without `OS_`). */
const AUTH_VARIABLES = [
  'AUTH_URL',
  'USERNAME',
  'USER_ID',
  'PASSWORD',
  'PROJECT_NAME',
  'PROJECT_ID',
  'TENANT_NAME',
  'TENANT_ID',
  'USER_DOMAIN_NAME',
  'USER_DOMAIN_ID',
  'PROJECT_DOMAIN_NAME',
  'PROJECT_DOMAIN_ID',
  'DOMAIN_NAME',
  'DOMAIN_ID',
  'APPLICATION_CREDENTIAL_ID',
  'APPLICATION_CREDENTIAL_NAME',
  'APPLICATION_CREDENTIAL_SECRET',
] as const;

/** `OS_*` variables that are top-level keys of a cloud. */
const CLOUD_VARIABLES = ['AUTH_TYPE', 'REGION_NAME', 'INTERFACE', 'CACERT'] as const;

/** The name of the cloud the `OS_*` variables make, as openstacksdk names it. */
export function environmentCloudName(env: NodeJS.ProcessEnv): string {
  return env.OS_CLOUD_NAME || 'envvars';
}

/**
 * The cloud keys set by `OS_*` variables (empty when none is set), e.g. `OS_PASSWORD` →
 * `auth.password`, `OS_REGION_NAME` → `region_name`. They form the `envvars` cloud when
 * `OS_AUTH_URL` is set, and override the keys of the cloud named by `OS_CLOUD`, as the
 * `openstack` command line does.
 */
export function environmentOverrides(env: NodeJS.ProcessEnv): RawCloud {
  const auth: Record<string, string> = {};
  for (const name of AUTH_VARIABLES) {
    const value = env[`OS_${name}`];
    if (value) auth[name.toLowerCase()] = value;
  }
  const cloud: RawCloud = {};
  for (const name of CLOUD_VARIABLES) {
    const value = env[`OS_${name}`];
    if (value) cloud[name.toLowerCase()] = value;
  }
  if (Object.keys(auth).length > 0) cloud.auth = auth;
  return cloud;
}

/** Whether the `OS_*` variables describe a cloud of their own (`OS_AUTH_URL` is set). */
export function hasEnvironmentCloud(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OS_AUTH_URL);
}
