import { CloudError, mayRetry, pacedRequest, RETRY_POLICY, type CloudCallQueue, type Clock } from '@cloudpool/common';
import axios, { type AxiosAdapter, type AxiosResponse } from 'axios';
import { cloudErrorFromAnswer, cloudErrorFromNetworkFailure } from '../errors.js';
import type { OpenStackConnection } from './client-registry.js';
import type { KeystoneToken } from './keystone-session.js';
import { requireServiceEndpoint, serviceEndpoint, type ServiceName } from './service-catalog.js';

/** One HTTP call to an OpenStack service. */
export interface ServiceCall {
  /** The API action, e.g. `nova.servers.create`: the queue's action name and the name in errors. */
  action: string;
  kind: 'read' | 'write';
  service: ServiceName;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below the service's API root, e.g. `/servers/detail`. */
  path: string;
  /** Query parameters; a list repeats the parameter. */
  params?: Record<string, string | number | string[]>;
  /** The JSON body, or a function making the body anew for each attempt (a file's stream). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Call the service's version document: its API root without a trailing project id (`/v2.1/{project_id}` → `/v2.1`). */
  versionDocument?: boolean;
}

export interface ServiceAnswer<T> {
  status: number;
  data: T;
}

/** axios's own transport (Node's http), below its interceptors and transforms. */
const transport: AxiosAdapter = axios.getAdapter(axios.defaults.adapter);

/**
 * Calls the services of one connection for one provider. Every HTTP request, the token request
 * included, goes through the provider's queue, one queued call per request: a service call is
 * paced in axios's transport (a per-request adapter around axios's own; the connection's axios
 * instance follows no redirects, so one request is one call), classified there for the queue
 * (a throttle pauses it and is sent again, `RETRY_POLICY.throttledCall`). The token is
 * obtained before a call is sent, so a call never waits in the queue for another. A 401 makes
 * the session forget the token and the call is repeated with a new one (`RETRY_POLICY.reauthentication`: once); a second 401 is an
 * `auth` CloudError. Errors are CloudErrors made from the status and the service's message only.
 */
export class OpenStackClient {
  constructor(
    private readonly connection: OpenStackConnection,
    private readonly queue: CloudCallQueue,
    private readonly clock: Clock,
  ) {}

  /** Whether the catalog has `service` (e.g. a cloud without Cinder has no `volume`). */
  async hasService(service: ServiceName): Promise<boolean> {
    const token = await this.token();
    return serviceEndpoint(token.catalog, service, this.connection.region, this.connection.cloud.interface) !== undefined;
  }

  /** The project the connection's token is scoped to, or undefined when Keystone did not say. */
  async projectId(): Promise<string | undefined> {
    return (await this.token()).projectId;
  }

  /**
   * The session's token. A refusal the shared session holds (another provider's login was
   * refused moments ago) is told to this provider's queue (`heldBack`), whose health then says so.
   */
  private async token(): Promise<KeystoneToken> {
    try {
      return await this.connection.session.token(this.queue);
    } catch (error) {
      if (error instanceof CloudError && error.credentialsRefused) this.queue.heldBack?.(error);
      throw error;
    }
  }

  async call<T>(call: ServiceCall): Promise<ServiceAnswer<T>> {
    const { session } = this.connection;
    for (let reauthentications = 0; ; reauthentications++) {
      const token = await this.token();
      try {
        return await this.send<T>(call, token);
      } catch (error) {
        if (!mayRetry(RETRY_POLICY.reauthentication, error, reauthentications)) throw error;
        session.forget(token);
      }
    }
  }

  /**
   * Every item of a paged collection (`collection` is the body key, e.g. `servers`): pages of
   * `pageSize` with `limit`/`marker`, following the `<collection>_links` (or Glance's `next`)
   * link's marker until a page has none. Only the link's marker is used, against the catalog's
   * endpoint: clouds behind proxies often write internal host names into their links.
   * All or nothing: a failed page rejects the whole list.
   */
  async listAll<T>(call: ServiceCall, collection: string, pageSize: number): Promise<T[]> {
    const items: T[] = [];
    let marker: string | undefined;
    for (;;) {
      const params = { ...call.params, limit: pageSize, ...(marker ? { marker } : {}) };
      const { data } = await this.call<Record<string, unknown>>({ ...call, params });
      const page = Array.isArray(data[collection]) ? (data[collection] as T[]) : [];
      items.push(...page);
      const next = nextMarker(data, collection, page);
      if (!next || page.length === 0) return items;
      if (next === marker) throw new CloudError('transient', `${call.action}: the next page repeats marker ${next}`, { action: call.action });
      marker = next;
    }
  }

  private async send<T>(call: ServiceCall, token: KeystoneToken): Promise<ServiceAnswer<T>> {
    const { cloud, region, http } = this.connection;
    const endpoint = requireServiceEndpoint(token.catalog, call.service, region, cloud.interface);
    const root = call.versionDocument ? endpoint.replace(PROJECT_ID_SEGMENT, '') : endpoint;
    let response: AxiosResponse;
    try {
      response = await http.request({
        method: call.method,
        url: `${root}${call.path}`,
        params: call.params,
        data: typeof call.body === 'function' ? (call.body as () => unknown)() : call.body,
        headers: { ...call.headers, 'X-Auth-Token': token.value },
        adapter: this.paced(call),
      });
    } catch (error) {
      // What the queue refused without sending (a stopped queue, calls held back while the cloud
      // refuses our credentials) comes back as it was; only the transport's own failures are "no answer".
      if (!axios.isAxiosError(error)) throw error;
      throw cloudErrorFromNetworkFailure(call.action, error);
    }
    if (response.status >= 400) throw cloudErrorFromAnswer(call.action, response, () => this.clock.now());
    return { status: response.status, data: response.data as T };
  }

  /** axios's transport for one call's request, paced on the provider's queue (common's `pacedRequest`). */
  private paced(call: ServiceCall): AxiosAdapter {
    return (config) =>
      pacedRequest(this.queue, { action: call.action, kind: call.kind }, () => transport(config), {
        ofError: (error) => cloudErrorFromNetworkFailure(call.action, error),
        // The transport's body is still text (axios parses it after): parsed here the same way for the classification.
        ofAnswer: (response) =>
          response.status >= 400 ? cloudErrorFromAnswer(call.action, { ...response, data: parsedBody(response.data) }, () => this.clock.now()) : undefined,
      });
  }
}

/** A JSON body as axios would parse it; anything else as it is. */
function parsedBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/** A trailing Keystone project id (32 hex digits, or a UUID) in a catalog URL. */
const PROJECT_ID_SEGMENT = /\/(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The marker of the next page from its link, or undefined when the page has no next link. */
function nextMarker(data: Record<string, unknown>, collection: string, page: readonly unknown[]): string | undefined {
  const links = data[`${collection}_links`];
  const href = Array.isArray(links)
    ? (links as Array<{ rel?: string; href?: string }>).find((link) => link.rel === 'next')?.href
    : typeof data.next === 'string'
      ? data.next
      : undefined;
  if (!href) return undefined;
  const fromLink = new URL(href, 'http://link.invalid').searchParams.get('marker');
  const last = page.at(-1) as { id?: unknown } | undefined;
  return fromLink ?? (typeof last?.id === 'string' ? last.id : undefined);
}
