import { json, type SimRequest, type SimResponse } from '../core/index.js';
import { aadErrorResponse } from './aad-errors.js';
import type { AccessTokens } from './access-tokens.js';

/** The one service principal (app registration with a client secret) the simulated tenant knows. */
export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** An AAD request recognised by path: `isTokenRequest` ones go through the call gate as action `token`. */
export interface AadRoute {
  isTokenRequest: boolean;
  answer(): SimResponse;
}

const OPENID_CONFIGURATION = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i;
const KEYS = /^\/([^/]+)\/discovery\/v2\.0\/keys$/i;
const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i;

/**
 * The slice of AAD (Entra ID) that a confidential client needs for the client-credentials
 * grant: the tenant's OpenID configuration (MSAL reads it before its first token request),
 * its key set, and the v2.0 token endpoint. With `@azure/identity`, set `authorityHost` to the
 * simulator's URL and `disableInstanceDiscovery: true` (instance discovery would ask
 * login.microsoftonline.com).
 */
export class TokenEndpoint {
  constructor(
    private readonly principal: ServicePrincipal,
    private readonly tokens: AccessTokens,
    private readonly baseUrl: () => string,
    private readonly tokenLifetimeSeconds: () => number,
    /** True when this token request falls in an outage (see the `tokenOutageRequests` knob); counts it. */
    private readonly inOutage: () => boolean = () => false,
  ) {}

  /** The AAD route for this request, or undefined when the path is not an AAD one. */
  route(request: SimRequest): AadRoute | undefined {
    const path = request.url.pathname;
    const method = request.method;
    let match: RegExpExecArray | null;
    if (method === 'GET' && (match = OPENID_CONFIGURATION.exec(path))) {
      const tenant = match[1] ?? '';
      return { isTokenRequest: false, answer: () => this.withKnownTenant(tenant, () => json(200, this.openIdConfiguration())) };
    }
    if (method === 'GET' && (match = KEYS.exec(path))) {
      const tenant = match[1] ?? '';
      return { isTokenRequest: false, answer: () => this.withKnownTenant(tenant, () => json(200, { keys: [] })) };
    }
    if (method === 'POST' && (match = TOKEN.exec(path))) {
      const tenant = match[1] ?? '';
      const form = new URLSearchParams(request.body.toString('utf8'));
      return { isTokenRequest: true, answer: () => this.withKnownTenant(tenant, () => this.token(form)) };
    }
    return undefined;
  }

  private withKnownTenant(tenant: string, answer: () => SimResponse): SimResponse {
    if (tenant.toLowerCase() !== this.principal.tenantId.toLowerCase()) {
      return aadErrorResponse(400, 'invalid_tenant', 90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
    }
    return answer();
  }

  private openIdConfiguration(): Record<string, unknown> {
    const authority = `${this.baseUrl()}/${this.principal.tenantId}`;
    return {
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${authority}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    };
  }

  private token(form: URLSearchParams): SimResponse {
    if (this.inOutage()) {
      // With Retry-After, which MSAL honours: it replays this answer without asking for that long.
      return aadErrorResponse(503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', { 'retry-after': '1' });
    }
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      return aadErrorResponse(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
    }
    const clientId = form.get('client_id');
    if (!clientId) {
      return aadErrorResponse(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    }
    if (clientId.toLowerCase() !== this.principal.clientId.toLowerCase()) {
      return aadErrorResponse(400, 'unauthorized_client', 700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.principal.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    const secret = form.get('client_secret');
    if (!secret) {
      return aadErrorResponse(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    if (secret !== this.principal.clientSecret) {
      return aadErrorResponse(401, 'invalid_client', 7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.principal.clientId}'.`);
    }
    const scope = form.get('scope');
    if (!scope) {
      return aadErrorResponse(400, 'invalid_request', 90014,
        "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for the login request.");
    }
    const resource = scope.split(' ').find((s) => s.endsWith('/.default'));
    if (!resource) {
      return aadErrorResponse(400, 'invalid_scope', 1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const lifetime = this.tokenLifetimeSeconds();
    const accessToken = this.tokens.issue(this.principal.clientId, resource.slice(0, -'/.default'.length), lifetime);
    return json(200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken }, { 'cache-control': 'no-store, no-cache' });
  }
}
