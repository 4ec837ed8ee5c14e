/**
 * One cloud of `clouds.yaml`, resolved to what the driver needs to sign in and find its
 * endpoints. Secrets live in `auth` only; nothing here is ever logged or put in an error.
 */
export interface CloudConfig {
  /** The cloud's name in `clouds.yaml` (or `envvars` for the one from `OS_*` variables). */
  name: string;
  auth: CloudAuth;
  /** `region_name` of the cloud; a provider's `region-name` takes precedence. */
  regionName?: string;
  /** Which catalog endpoints to use (`interface`, `public` by default). */
  interface: EndpointInterface;
  /** False when `verify: false` (TLS certificates are not checked). */
  verifyTls: boolean;
  /** Path of a CA bundle to trust (`cacert`). */
  caCertFile?: string;
  /** Where the cloud was found: a file path, or `environment`. */
  source: string;
}

export type EndpointInterface = 'public' | 'internal' | 'admin';

/** Keystone v3 credentials: a user's password, or an application credential. */
export type CloudAuth = PasswordAuth | ApplicationCredentialAuth;

export interface PasswordAuth {
  type: 'password';
  authUrl: string;
  user: NamedInDomain;
  password: string;
  /** The project to scope the token to; a password token needs one to call the services. */
  project?: NamedInDomain;
}

export interface ApplicationCredentialAuth {
  type: 'application-credential';
  authUrl: string;
  /** By id, or by name together with its user. */
  credential: { id: string } | { name: string; user: NamedInDomain };
  secret: string;
}

/** A user or project given by id, or by name within a domain (by id or name). */
export type NamedInDomain = { id: string } | { name: string; domain: { id: string } | { name: string } | undefined };
