import { json, type SimResponse } from '../core/index.js';

/**
 * A client-visible failure of an OpenStack API call. Handlers throw it; the service that
 * owns the route renders it in its own wire format (see the renderers below).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Neutron's exception name, e.g. `PortNotFound`; the other services do not show it. */
    readonly neutronType: string = defaultNeutronType(status),
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Renders an `ApiError` as one service writes its errors. */
export type ErrorRenderer = (error: ApiError) => SimResponse;

/** The body key Nova and Cinder (`nova.api.openstack.wsgi.Fault`) use for each status. */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/**
 * Nova and Cinder: `{"itemNotFound": {"code": 404, "message": "..."}}`, with `retryAfter`
 * in the body for 413 and 429 when a `Retry-After` header is set; `computeFault` otherwise.
 */
export const renderComputeFault: ErrorRenderer = (error) => {
  const name = FAULT_NAMES[error.status] ?? 'computeFault';
  const fault: Record<string, unknown> = { code: error.status, message: error.message };
  const retryAfter = error.headers['Retry-After'];
  if ((error.status === 413 || error.status === 429) && retryAfter !== undefined) fault.retryAfter = retryAfter;
  return json(error.status, { [name]: fault }, error.headers);
};

/** Neutron: `{"NeutronError": {"type": "PortNotFound", "message": "...", "detail": ""}}`. */
export const renderNeutronError: ErrorRenderer = (error) =>
  json(error.status, { NeutronError: { type: error.neutronType, message: error.message, detail: '' } }, error.headers);

const HTTP_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function httpTitle(status: number): string {
  return HTTP_TITLES[status] ?? 'Error';
}

/** Keystone (and keystonemiddleware in front of every service): `{"error": {"code", "message", "title"}}`. */
export const renderKeystoneError: ErrorRenderer = (error) =>
  json(error.status, { error: { code: error.status, message: error.message, title: httpTitle(error.status) } }, error.headers);

/** Glance answers errors with webob's default HTML page. */
export const renderGlanceError: ErrorRenderer = (error) => {
  const status = `${error.status} ${httpTitle(error.status)}`;
  const body = `<html>\n <head>\n  <title>${status}</title>\n </head>\n <body>\n  <h1>${status}</h1>\n  ${escapeHtml(error.message)}<br /><br />\n\n\n\n </body>\n</html>`;
  return { status: error.status, headers: { 'content-type': 'text/html; charset=UTF-8', ...error.headers }, body };
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * What keystonemiddleware answers, before the service sees the call, when `X-Auth-Token` is
 * missing, unknown or expired. It is the same on every service.
 */
export function tokenRejected(identityUrl: string): SimResponse {
  return renderKeystoneError(
    new ApiError(401, 'The request you have made requires authentication.', undefined, {
      'WWW-Authenticate': `Keystone uri="${identityUrl}"`,
    }),
  );
}

/** webob's exception name for a status, e.g. `HTTPNotFound`, as Neutron reports unnamed errors. */
function defaultNeutronType(status: number): string {
  return `HTTP${httpTitle(status).replace(/ /g, '')}`;
}
