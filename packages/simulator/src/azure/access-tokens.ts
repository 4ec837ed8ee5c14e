import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/index.js';
import { ArmError } from './errors.js';

/** The claims of the access tokens issued here, a subset of what AAD puts in an app-only token. */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  tid: string;
  oid: string;
  sub: string;
  idtyp: 'app';
  ver: '1.0';
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The audiences ARM accepts, written as AAD writes them (with and without the trailing slash). */
function withAndWithoutSlash(urls: readonly string[]): Set<string> {
  return new Set(urls.flatMap((url) => [url.replace(/\/$/, ''), url.replace(/\/?$/, '/')]));
}

/**
 * Issues and checks bearer tokens: JWTs shaped like AAD's app-only tokens, signed with a key
 * made per simulator (HS256, so nothing outside can forge one). Expiry follows the simulator's
 * clock. ARM answers a missing, malformed, expired or wrong-audience token with 401 and the code
 * real ARM uses for each case.
 */
export class AccessTokens {
  private readonly signingKey = randomBytes(32);
  private readonly header = base64UrlJson({ typ: 'JWT', alg: 'HS256', kid: 'cloudpool-simulator' });

  constructor(
    private readonly clock: Clock,
    private readonly tenantId: string,
    /** ARM's resource URIs; tokens for any other audience are refused. */
    private readonly audiences: () => readonly string[],
  ) {}

  /** A signed token for `audience`, expiring `lifetimeSeconds` from now on the simulator's clock. */
  issue(clientId: string, audience: string, lifetimeSeconds: number): string {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: AccessTokenClaims = {
      aud: audience,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      appid: clientId,
      tid: this.tenantId,
      oid: clientId,
      sub: clientId,
      idtyp: 'app',
      ver: '1.0',
    };
    const unsigned = `${this.header}.${base64UrlJson(claims)}`;
    return `${unsigned}.${this.sign(unsigned)}`;
  }

  /** Checks the `Authorization` header of an ARM request; throws the 401 ARM would answer. */
  authenticate(authorization: string | undefined): AccessTokenClaims {
    if (!authorization) {
      throw unauthorized('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) {
      throw unauthorized('AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    }
    const claims = this.verify(match[1]);
    if (!claims) throw unauthorized('InvalidAuthenticationToken', 'The access token is invalid.');
    const now = this.clock.now() / 1000;
    if (claims.exp <= now) {
      throw unauthorized('ExpiredAuthenticationToken',
        `The access token expiry UTC time '${new Date(claims.exp * 1000).toUTCString()}' is earlier than current UTC time '${new Date(now * 1000).toUTCString()}'.`);
    }
    const allowed = withAndWithoutSlash(this.audiences());
    if (!allowed.has(claims.aud)) {
      throw unauthorized('InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${[...allowed].join("','")}'.`);
    }
    return claims;
  }

  private verify(token: string): AccessTokenClaims | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessTokenClaims;
    } catch {
      return undefined;
    }
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.signingKey).update(unsigned).digest('base64url');
  }
}

/** A 401 with the challenge ARM sends beside it. */
function unauthorized(code: string, message: string): ArmError {
  return new ArmError(401, code, message, undefined, {
    'www-authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${code}"`,
  });
}
