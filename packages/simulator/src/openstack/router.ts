/** The outcome of matching a request path against a service's routes. */
export type RouteMatch<T> =
  | { kind: 'found'; value: T; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

/** Where routes are added: a router, or a part of one under a common path prefix. */
export interface RouteAdder<T> {
  add(method: string, pattern: string, value: T): RouteAdder<T>;
}

interface RouteEntry<T> {
  method: string;
  segments: string[];
  value: T;
}

/**
 * Matches `METHOD /path` against patterns such as `/servers/:id/tags/:tag`. A `:name`
 * segment matches one URL-decoded path segment; the first route added wins, so add literal
 * routes (`/servers/detail`) before parametrised ones (`/servers/:id`). A trailing slash is ignored.
 */
export class Router<T> implements RouteAdder<T> {
  private readonly routes: RouteEntry<T>[] = [];

  add(method: string, pattern: string, value: T): this {
    this.routes.push({ method, segments: splitPath(pattern), value });
    return this;
  }

  /** Adds routes under a common prefix: `router.under('/v2.1').add('GET', '/servers', ...)`. */
  under(prefix: string): RouteAdder<T> {
    const adder: RouteAdder<T> = {
      add: (method, pattern, value) => {
        this.add(method, `${prefix}${pattern}`, value);
        return adder;
      },
    };
    return adder;
  }

  match(method: string, path: string): RouteMatch<T> {
    const segments = splitPath(path);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', value: route.value, params };
      pathKnown = true;
    }
    return pathKnown ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const segment = actual[i] as string;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (expected !== segment) {
      return undefined;
    }
  }
  return params;
}
