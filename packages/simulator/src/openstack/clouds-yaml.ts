import type { CloudIdentity } from './keystone/identity.js';

/** One cloud of a `clouds.yaml`, as openstacksdk and python-openstackclient read it. */
export interface CloudsYamlCloud {
  auth_type?: 'password' | 'v3applicationcredential';
  auth: Record<string, string>;
  region_name: string;
  interface: 'public';
  identity_api_version: 3;
}

/** How to reach the simulated cloud, as a `clouds.yaml` would say it. */
export interface OpenStackConnectionInfo {
  /** The password cloud's name; the application-credential cloud is `<cloudName>-appcred`. */
  cloudName: string;
  applicationCredentialCloudName: string;
  authUrl: string;
  regionName: string;
  /** The `clouds.yaml` document as an object: `{ clouds: { [name]: cloud } }`. */
  document: { clouds: Record<string, CloudsYamlCloud> };
  /** The same document as YAML text, ready to write to a file. */
  yaml: string;
}

/** Builds the `clouds.yaml` of the simulated cloud: one password cloud and one application-credential cloud. */
export function connectionInfo(identity: CloudIdentity, authUrl: string, cloudName: string, regionName: string): OpenStackConnectionInfo {
  const applicationCredentialCloudName = `${cloudName}-appcred`;
  const common = { region_name: regionName, interface: 'public', identity_api_version: 3 } as const;
  const passwordCloud: CloudsYamlCloud = {
    auth_type: 'password',
    auth: {
      auth_url: authUrl,
      username: identity.user.name,
      password: identity.user.password,
      project_name: identity.project.name,
      user_domain_name: identity.domain.name,
      project_domain_name: identity.domain.name,
    },
    ...common,
  };
  const applicationCredentialCloud: CloudsYamlCloud = {
    auth_type: 'v3applicationcredential',
    auth: {
      auth_url: authUrl,
      application_credential_id: identity.applicationCredential.id,
      application_credential_secret: identity.applicationCredential.secret,
    },
    ...common,
  };
  const document = { clouds: { [cloudName]: passwordCloud, [applicationCredentialCloudName]: applicationCredentialCloud } };
  return { cloudName, applicationCredentialCloudName, authUrl, regionName, document, yaml: toYaml(document) };
}

/** YAML for nested maps of strings and numbers; strings are double-quoted (JSON strings are valid YAML). */
function toYaml(value: Record<string, unknown>, indent = ''): string {
  return Object.entries(value)
    .map(([key, item]) =>
      typeof item === 'object' && item !== null
        ? `${indent}${key}:\n${toYaml(item as Record<string, unknown>, `${indent}  `)}`
        : `${indent}${key}: ${typeof item === 'string' ? JSON.stringify(item) : String(item)}\n`,
    )
    .join('');
}
