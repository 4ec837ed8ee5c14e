import { randomBytes } from 'node:crypto';
import { json, type SimResponse } from '../../core/index.js';
import { buildCatalog, SERVICE_PATHS } from './catalog.js';
import { ApiError, renderKeystoneError } from '../errors.js';
import type { CloudIdentity } from './identity.js';
import { Router } from '../router.js';
import type { ApiContext, OpenStackService, RouteSpec, ServiceEnv } from '../service.js';
import { isoMicrosZulu, isRecord, newHexId, readJson } from '../wire.js';

const UNAUTHORIZED = 'The request you have made requires authentication.';

interface IssuedToken {
  expiresAt: number;
  /** Project-scoped tokens may call the services; unscoped ones only identify the user. */
  scoped: boolean;
}

type AuthMethod = 'password' | 'application_credential';

export interface KeystoneOptions {
  /** How long a token lives; Keystone's default is one hour. */
  tokenLifetimeMs: number;
  /** Regions listed in the catalog, all served by this simulator. */
  regions: readonly string[];
}

/**
 * Keystone v3: issues tokens for the one user (password) or its application credential,
 * and tells the other services whether a token is valid. Tokens are opaque strings kept in
 * memory with their expiry, read from the injectable clock.
 */
export class Keystone {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly roles = [
    { id: newHexId(), name: 'member' },
    { id: newHexId(), name: 'reader' },
  ];

  constructor(
    private readonly identity: CloudIdentity,
    private readonly env: ServiceEnv,
    private readonly options: KeystoneOptions,
  ) {}

  /** Whether `token` is a live project-scoped token. */
  accepts(token: string | undefined): boolean {
    if (!token) return false;
    const issued = this.tokens.get(token);
    return issued !== undefined && issued.scoped && this.env.clock.now() < issued.expiresAt;
  }

  /** Forgets every token. */
  clear(): void {
    this.tokens.clear();
  }

  /** The identity service's routes: version documents and `POST /v3/auth/tokens`. */
  service(): OpenStackService {
    const routes = new Router<RouteSpec>()
      .add('GET', '/', { action: 'keystone.versions.list', kind: 'read', public: true, handle: () => this.versions() })
      .add('GET', '/v3', { action: 'keystone.versions.get', kind: 'read', public: true, handle: () => json(200, { version: this.version() }) })
      .add('POST', '/v3/auth/tokens', {
        action: 'keystone.tokens.create',
        kind: 'write',
        public: true,
        handle: (context) => this.issue(context),
      });
    return {
      name: 'keystone',
      prefix: SERVICE_PATHS.identity,
      routes,
      render: renderKeystoneError,
      serverErrorMessage: 'An unexpected error prevented the server from fulfilling your request.',
      throttleStatus: 429,
    };
  }

  private issue(context: ApiContext): SimResponse {
    const body = readJson(context.request);
    const auth = isRecord(body) && isRecord(body.auth) ? body.auth : undefined;
    const identity = auth && isRecord(auth.identity) ? auth.identity : undefined;
    const methods = identity?.methods;
    if (!identity || !Array.isArray(methods) || methods.length === 0) {
      throw new ApiError(400, "Invalid input for field 'identity': 'methods' is a required property");
    }
    const method = methods[0];
    if (method !== 'password' && method !== 'application_credential') throw new ApiError(401, UNAUTHORIZED);
    const scope = auth?.scope;
    if (method === 'password') this.checkPassword(identity.password);
    else this.checkApplicationCredential(identity.application_credential, scope);
    const scoped = method === 'application_credential' || this.checkProjectScope(scope);

    const now = this.env.clock.now();
    const expiresAt = now + this.options.tokenLifetimeMs;
    const token = `gAAAAAB${randomBytes(120).toString('base64url')}`;
    this.forgetExpired(now);
    this.tokens.set(token, { expiresAt, scoped });
    const nocatalog = context.query.has('nocatalog');
    return json(201, { token: this.tokenBody(method, scoped, now, expiresAt, nocatalog) }, { 'X-Subject-Token': token });
  }

  private tokenBody(method: AuthMethod, scoped: boolean, issuedAt: number, expiresAt: number, nocatalog: boolean): Record<string, unknown> {
    const { domain, user, project, applicationCredential } = this.identity;
    const body: Record<string, unknown> = {
      methods: [method],
      user: { domain, id: user.id, name: user.name, password_expires_at: null },
      audit_ids: [randomBytes(16).toString('base64url').slice(0, 22)],
      expires_at: isoMicrosZulu(expiresAt),
      issued_at: isoMicrosZulu(issuedAt),
    };
    if (!scoped) return body;
    body.project = { domain, id: project.id, name: project.name };
    body.is_domain = false;
    body.roles = this.roles;
    if (!nocatalog) body.catalog = buildCatalog(this.env.baseUrl(), project.id, this.options.regions);
    if (method === 'application_credential') {
      body.application_credential = { id: applicationCredential.id, name: applicationCredential.name, restricted: true };
    }
    return body;
  }

  /** `{"user": {"name", "domain": {...}, "password"}}` or `{"user": {"id", "password"}}`. */
  private checkPassword(password: unknown): void {
    const user = isRecord(password) && isRecord(password.user) ? password.user : undefined;
    const { user: expected } = this.identity;
    const known = user !== undefined && (user.id === expected.id || (user.name === expected.name && this.isOurDomain(user.domain)));
    if (!known || user.password !== expected.password) throw new ApiError(401, UNAUTHORIZED);
  }

  /** `{"id", "secret"}` or `{"name", "secret", "user": {...}}`; it may not ask for a scope. */
  private checkApplicationCredential(credential: unknown, scope: unknown): void {
    if (scope !== undefined) throw new ApiError(401, 'Application credentials cannot request a scope.');
    const expected = this.identity.applicationCredential;
    if (!isRecord(credential)) throw new ApiError(401, UNAUTHORIZED);
    const byId = credential.id === expected.id;
    const byName = credential.name === expected.name && this.isOurUser(credential.user);
    if (!(byId || byName) || credential.secret !== expected.secret) throw new ApiError(401, UNAUTHORIZED);
  }

  /** True for a scope naming our project; false when unscoped; 401 for anything else. */
  private checkProjectScope(scope: unknown): boolean {
    if (scope === undefined) return false;
    const project = isRecord(scope) && isRecord(scope.project) ? scope.project : undefined;
    const expected = this.identity.project;
    const matches = project !== undefined && (project.id === expected.id || (project.name === expected.name && this.isOurDomain(project.domain)));
    if (!matches) throw new ApiError(401, UNAUTHORIZED);
    return true;
  }

  private isOurUser(user: unknown): boolean {
    if (!isRecord(user)) return false;
    return user.id === this.identity.user.id || (user.name === this.identity.user.name && this.isOurDomain(user.domain));
  }

  private isOurDomain(domain: unknown): boolean {
    return isRecord(domain) && (domain.id === this.identity.domain.id || domain.name === this.identity.domain.name);
  }

  private forgetExpired(now: number): void {
    if (this.tokens.size < 10_000) return;
    for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
  }

  private versions(): SimResponse {
    return json(300, { versions: { values: [this.version()] } });
  }

  private version(): Record<string, unknown> {
    return {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${this.env.baseUrl()}${SERVICE_PATHS.identity}/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    };
  }
}
