import { randomUUID } from 'node:crypto';
import {
  SimulatedCloud,
  type CallDescription,
  type GateErrorFormat,
  type HandlerResult,
  type SimRequest,
  type SimResponse,
  type SimulatedCloudOptions,
} from '../core/index.js';
import { SERVICE_PATHS } from './keystone/catalog.js';
import { cinderService } from './cinder/cinder.js';
import { connectionInfo, type OpenStackConnectionInfo } from './clouds-yaml.js';
import { ApiError, tokenRejected } from './errors.js';
import { glanceService } from './glance/glance.js';
import { makeIdentity, type CloudIdentity, type IdentityOptions } from './keystone/identity.js';
import { Keystone } from './keystone/keystone.js';
import { apiVersion, type NegotiatedVersion } from './microversion.js';
import { neutronService } from './neutron/neutron.js';
import { novaService } from './nova/nova.js';
import { OpenStackState } from './openstack-state.js';
import { applySeed, countResources, type OpenStackResourceCounts, type OpenStackSeed, type OpenStackSeedResult } from './seed.js';
import type { ApiContext, OpenStackService, RouteSpec, ServiceEnv } from './service.js';

export interface OpenStackSimulatorOptions extends SimulatedCloudOptions {
  /** User, project and application-credential names and secrets (random secrets by default). */
  identity?: IdentityOptions;
  /** Token lifetime; one hour by default, as Keystone's. */
  tokenLifetimeMs?: number;
  /** Regions in the catalog, all served here; `RegionOne` and `RegionTwo` by default. */
  regions?: string[];
  /** The cloud's name in `clouds.yaml`; `cloudpool-sim` by default. */
  cloudName?: string;
  /** Highest compute microversion; `2.96` by default. */
  computeMaxMicroversion?: string;
  /** Nova's throttling status: 429 (default) or 413 `overLimit`, as older Nova answered. */
  computeThrottleStatus?: 413 | 429;
  /** Whether Neutron serves floating IPs (its L3 router plugin); off by default, as in a Neutron without it. */
  neutronL3?: boolean;
  /** Glance's `image_size_cap` in bytes: larger uploads are refused (413); 1 TiB by default, as Glance's. */
  imageSizeCap?: number;
}

/** What the gate's capacity fault returns: each create route then says how its service reports it. */
const NO_CAPACITY: SimResponse = { status: 503 };

/** Services without microversions see this one. */
const NO_MICROVERSION = apiVersion('1.0');

/**
 * A simulated OpenStack cloud (Keystone v3, Nova v2.1, Neutron v2.0, Glance v2, Cinder v3) on one
 * loopback HTTP server, each service under its devstack path: `/identity`, `/compute/v2.1`,
 * `/network/v2.0`, `/image/v2`, `/volume/v3/{project_id}`. Every call passes the shared gate
 * (rate limits, faults, latency, counters) and needs a valid `X-Auth-Token`, except version
 * documents and token creation. Errors are in each service's own format.
 */
export class OpenStackSimulator extends SimulatedCloud {
  /** Who may sign in (names and secrets), for tests that build their own requests. */
  readonly identity: CloudIdentity;
  private readonly state: OpenStackState;
  private readonly keystone: Keystone;
  private readonly services: OpenStackService[];
  private readonly servicesByName = new Map<string, OpenStackService>();
  private readonly cloudName: string;
  private readonly regions: readonly string[];

  protected readonly errorFormat: GateErrorFormat = {
    throttled: (call) => this.gateError(call, 'throttled'),
    serverError: (call) => this.gateError(call, 'server-error'),
    capacity: () => NO_CAPACITY,
  };

  constructor(options: OpenStackSimulatorOptions = {}) {
    super(options);
    this.identity = makeIdentity(options.identity);
    this.cloudName = options.cloudName ?? 'cloudpool-sim';
    this.regions = options.regions ?? ['RegionOne', 'RegionTwo'];
    this.state = new OpenStackState(this.identity, this.clock, this.ssh);
    const env: ServiceEnv = { state: this.state, clock: this.clock, knobs: () => this.knobs, baseUrl: () => this.url };
    this.keystone = new Keystone(this.identity, env, { tokenLifetimeMs: options.tokenLifetimeMs ?? 3_600_000, regions: this.regions });
    this.services = [
      this.keystone.service(),
      novaService(env, { maxMicroversion: options.computeMaxMicroversion ?? '2.96', throttleStatus: options.computeThrottleStatus ?? 429 }),
      neutronService(env, { l3: options.neutronL3 ?? false }),
      glanceService(env, options.imageSizeCap === undefined ? {} : { imageSizeCap: options.imageSizeCap }),
      cinderService(env),
    ];
    for (const service of this.services) this.servicesByName.set(service.name, service);
  }

  /** In SSH mode the default networks are planted again, in the loopback block reserved at start. */
  override async start(): Promise<this> {
    await super.start();
    if (this.ssh) this.state.clear();
    return this;
  }

  /** Plants servers, ports, floating IPs, volumes or queued build faults (also `POST /__sim/seed`); returns their ids. */
  seed(body: OpenStackSeed): OpenStackSeedResult {
    this.state.settle();
    return applySeed(this.state, this.clock.now(), body);
  }

  /** Counts by resource type (servers also by status). */
  resources(): OpenStackResourceCounts {
    this.state.settle();
    return countResources(this.state, this.clock.now());
  }

  /** The `clouds.yaml` for this cloud (after `start()`), password and application-credential variants. */
  connectionInfo(): OpenStackConnectionInfo {
    return connectionInfo(this.identity, `${this.url}${SERVICE_PATHS.identity}/v3`, this.cloudName, this.regions[0] ?? 'RegionOne');
  }

  protected clearState(): void {
    this.state.clear();
    this.keystone.clear();
  }

  protected async handle(request: SimRequest): Promise<HandlerResult> {
    this.state.settle();
    const path = request.url.pathname;
    const service = this.services.find((candidate) => path === candidate.prefix || path.startsWith(`${candidate.prefix}/`));
    if (!service) return { status: 404, headers: { 'content-type': 'text/plain' }, body: '404 Not Found\n\nThe resource could not be found.\n' };
    const match = service.routes.match(request.method, path.slice(service.prefix.length) || '/');
    if (match.kind === 'not-found') return service.render(new ApiError(404, 'The resource could not be found.'));
    if (match.kind === 'method-not-allowed') return service.render(new ApiError(405, 'The method is not allowed for the requested URL.'));
    const route = match.value;
    const run = (handler: (context: ApiContext) => SimResponse) => this.runRoute(service, route, request, match.params, handler);
    const result = await this.gated({ action: route.action, kind: route.kind, isCreate: route.isCreate === true }, () => run(route.handle));
    return result === NO_CAPACITY && route.isCreate ? run(route.onNoCapacity) : result;
  }

  /**
   * Runs one handler as the service would: keystonemiddleware checks the token first (401),
   * then the microversion is negotiated; `ApiError`s become the service's error answer and
   * count as client errors.
   */
  private runRoute(
    service: OpenStackService,
    route: RouteSpec,
    request: SimRequest,
    params: Record<string, string>,
    handler: (context: ApiContext) => SimResponse,
  ): SimResponse {
    const requestId = { 'x-openstack-request-id': `req-${randomUUID()}` };
    if (!route.public && !this.keystone.accepts(headerValue(request, 'x-auth-token'))) {
      this.gate.record(route.action, 'client-error');
      return withHeaders(tokenRejected(`${this.url}${SERVICE_PATHS.identity}`), requestId);
    }
    let negotiated: NegotiatedVersion | undefined;
    try {
      if (!route.public && service.negotiate) negotiated = service.negotiate(request.headers);
      const context: ApiContext = { request, params, query: request.url.searchParams, version: negotiated?.version ?? NO_MICROVERSION };
      return withHeaders(handler(context), { ...negotiated?.headers, ...requestId });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.gate.record(route.action, 'client-error');
      return withHeaders(service.render(error), { ...negotiated?.headers, ...requestId });
    }
  }

  /** A throttled (429, or Nova's 413 if so set, with `Retry-After`) or internal-error (500) answer in the service's format. */
  private gateError(call: CallDescription, kind: 'throttled' | 'server-error'): SimResponse {
    const service = this.servicesByName.get(call.action.split('.')[0] ?? '');
    if (!service) throw new Error(`no service for action ${call.action}`);
    if (kind === 'server-error') return service.render(new ApiError(500, service.serverErrorMessage));
    const limit = this.knobs.rateLimits[call.action] ?? this.knobs.rateLimits[call.kind];
    const retryAfter = String(Math.max(1, Math.ceil(1 / (limit?.perSecond || 1))));
    return service.render(new ApiError(service.throttleStatus, 'This request was rate-limited.', undefined, { 'Retry-After': retryAfter }));
  }
}

function headerValue(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function withHeaders(response: SimResponse, headers: Record<string, string>): SimResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}
