import type { IncomingHttpHeaders } from 'node:http';
import type { Clock, CloudKnobs, SimRequest, SimResponse } from '../core/index.js';
import type { ErrorRenderer } from './errors.js';
import type { ApiVersion, NegotiatedVersion } from './microversion.js';
import type { OpenStackState } from './openstack-state.js';
import type { Router } from './router.js';

/** What every service reads: the shared state, the clock, the knobs and where it is served. */
export interface ServiceEnv {
  state: OpenStackState;
  clock: Clock;
  knobs(): CloudKnobs;
  /** The simulator's base URL, e.g. `http://127.0.0.1:40123`. */
  baseUrl(): string;
}

/** One API call as a route handler sees it. */
export interface ApiContext {
  request: SimRequest;
  /** The `:name` segments of the route. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The negotiated microversion (Nova, Cinder); the minimum for services without microversions. */
  version: ApiVersion;
}

interface RouteBase {
  /** The counter and rate-limit name, e.g. `nova.servers.create`. */
  action: string;
  kind: 'read' | 'write';
  /** Version documents and token creation need no token. */
  public?: boolean;
  handle(context: ApiContext): SimResponse;
}

/**
 * A route of a service. Creates roll the capacity fault; each says how its service reports
 * it (Nova and Cinder accept the call and the resource goes to ERROR; Neutron answers 409).
 */
export type RouteSpec =
  | (RouteBase & { isCreate?: false })
  | (RouteBase & { isCreate: true; onNoCapacity(context: ApiContext): SimResponse });

/** One OpenStack service served under a path prefix, as devstack serves them. */
export interface OpenStackService {
  name: 'keystone' | 'nova' | 'neutron' | 'glance' | 'cinder';
  /** Path prefix, e.g. `/compute`; routes are matched on the rest of the path. */
  prefix: string;
  routes: Router<RouteSpec>;
  render: ErrorRenderer;
  /** The message of the service's answer to an internal error. */
  serverErrorMessage: string;
  /** The status the service is throttled with (429; Nova may be set to answer 413 as older Nova did). */
  throttleStatus: number;
  /** Reads the requested microversion (or throws the service's 400/406). */
  negotiate?(headers: IncomingHttpHeaders): NegotiatedVersion;
}
