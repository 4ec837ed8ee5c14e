import { CloudError, refusedCredentialsWaitMs, type CloudCallQueue, type Clock } from '@cloudpool/common';
import type { AxiosInstance } from 'axios';
import type { CloudAuth, NamedInDomain } from '../clouds/cloud-config.js';
import { cloudErrorFromAnswer, cloudErrorFromNetworkFailure } from '../errors.js';
import type { CatalogEntry } from './service-catalog.js';

/** A Keystone v3 token (`X-Subject-Token`) with what it was issued with. */
export interface KeystoneToken {
  value: string;
  /** Epoch ms. */
  expiresAt: number;
  catalog: CatalogEntry[];
  /** The project the token is scoped to (`token.project.id`); absent for an unscoped token. */
  projectId?: string;
}

export interface KeystoneSessionOptions {
  clock: Clock;
  /** A token is renewed this long before it expires (default 5 minutes). */
  renewBeforeMs?: number;
}

const DEFAULT_RENEW_BEFORE_MS = 5 * 60_000;

/** Token requests jump the queue: every other call waits for them. */
const TOKEN_PRIORITY = 10;

/**
 * Holds one Keystone token for a set of credentials and renews it: before it expires (a
 * margin, on the injected clock) and when the cloud rejected it (`forget`). Concurrent callers
 * share one renewal. The token request goes through the caller's queue like any cloud call.
 * A login Keystone refuses (401: wrong password, disabled user) is a CloudError with
 * `credentialsRefused` and is not repeated before `refusedCredentialsWaitMs` has passed (10 s,
 * doubling to 10 min): meanwhile every `token()` rejects with that error at once. This holds
 * per set of credentials, so providers sharing the connection make one login per window between
 * them (each provider's ProviderHealthMonitor backs off the same way for its own calls).
 */
export class KeystoneSession {
  private current: KeystoneToken | undefined;
  private pending: Promise<KeystoneToken> | undefined;
  private readonly renewBeforeMs: number;
  /** The last refused login, while logins are failing. */
  private refused: { error: CloudError; at: number; backoffMs: number; refusals: number } | undefined;

  constructor(
    private readonly http: AxiosInstance,
    private readonly auth: CloudAuth,
    private readonly options: KeystoneSessionOptions,
  ) {
    this.renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
  }

  /** A token valid for at least the renewal margin; a new one when there is none such. */
  token(queue: CloudCallQueue): Promise<KeystoneToken> {
    const current = this.current;
    const now = this.options.clock.now();
    if (current && now < current.expiresAt - this.renewBeforeMs) return Promise.resolve(current);
    if (this.refused && now < this.refused.at + this.refused.backoffMs) return Promise.reject(this.refused.error);
    this.pending ??= this.issue(queue).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Whether Keystone refused the last login (the session is in its backoff, or about to try again). */
  get loginFailing(): boolean {
    return this.refused !== undefined;
  }

  /** Drops `token` after the cloud rejected it, so that the next `token()` issues a new one. */
  forget(token: KeystoneToken): void {
    if (this.current === token) this.current = undefined;
  }

  private async issue(queue: CloudCallQueue): Promise<KeystoneToken> {
    try {
      const token = await this.login(queue);
      this.refused = undefined;
      return token;
    } catch (error) {
      throw error instanceof CloudError && error.credentialsRefused ? this.noteRefusal(error) : error;
    }
  }

  /** Opens (or doubles) the backoff; the error every caller gets until it ends. */
  private noteRefusal(error: CloudError): CloudError {
    const refusals = (this.refused?.refusals ?? 0) + 1;
    const backoffMs = refusedCredentialsWaitMs(refusals);
    const held = new CloudError('auth', `${error.message} (no new login for ${Math.round(backoffMs / 1000)} s)`, {
      ...(error.action ? { action: error.action } : {}),
      ...(error.code ? { code: error.code } : {}),
      credentialsRefused: true,
    });
    this.refused = { error: held, at: this.options.clock.now(), backoffMs, refusals };
    return held;
  }

  private async login(queue: CloudCallQueue): Promise<KeystoneToken> {
    const action = 'keystone.tokens.create';
    const token = await queue.run({ action, kind: 'read', priority: TOKEN_PRIORITY }, async (signal) => {
      let response;
      try {
        response = await this.http.post(tokensUrl(this.auth.authUrl), tokenRequest(this.auth), { signal });
      } catch (error) {
        throw cloudErrorFromNetworkFailure(action, error);
      }
      if (response.status !== 201) throw refusalOf(cloudErrorFromAnswer(action, response, () => this.options.clock.now()));
      return parseToken(response.headers['x-subject-token'], response.data);
    });
    this.current = token;
    return token;
  }
}

/** Keystone's 401 to a token request is a refusal of the credentials themselves (wrong password, unknown or disabled user). */
function refusalOf(error: CloudError): CloudError {
  if (error.kind !== 'auth') return error;
  return new CloudError('auth', error.message, { ...(error.action ? { action: error.action } : {}), ...(error.code ? { code: error.code } : {}), credentialsRefused: true });
}

/** `POST /v3/auth/tokens`, whether or not `auth_url` already ends in `/v3`. */
function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
}

/** The body of a token request: a password scoped to the project, or an application credential (never scoped). */
function tokenRequest(auth: CloudAuth): unknown {
  if (auth.type === 'application-credential') {
    const credential = 'id' in auth.credential ? { id: auth.credential.id } : { name: auth.credential.name, user: named(auth.credential.user) };
    return { auth: { identity: { methods: ['application_credential'], application_credential: { ...credential, secret: auth.secret } } } };
  }
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { ...named(auth.user), password: auth.password } } },
      ...(auth.project ? { scope: { project: named(auth.project) } } : {}),
    },
  };
}

function named(who: NamedInDomain): Record<string, unknown> {
  return 'id' in who ? { id: who.id } : { name: who.name, ...(who.domain ? { domain: who.domain } : {}) };
}

function parseToken(header: unknown, data: unknown): KeystoneToken {
  const body = (data as { token?: { expires_at?: unknown; catalog?: unknown; project?: { id?: unknown } } } | null)?.token;
  const expiresAt = typeof body?.expires_at === 'string' ? Date.parse(body.expires_at) : Number.NaN;
  if (typeof header !== 'string' || header === '' || Number.isNaN(expiresAt)) {
    throw new CloudError('permanent', 'keystone.tokens.create answered without a token or its expiry', { action: 'keystone.tokens.create' });
  }
  const projectId = body?.project?.id;
  return {
    value: header,
    expiresAt,
    catalog: Array.isArray(body?.catalog) ? (body.catalog as CatalogEntry[]) : [],
    ...(typeof projectId === 'string' && projectId !== '' ? { projectId } : {}),
  };
}
