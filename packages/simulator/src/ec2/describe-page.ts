import type { ActionContext } from './action-context.js';
import { compileFilters, parseFilters, type CompiledFilters, type FilterCatalog } from './filters.js';
import { decodeNextToken, encodeNextToken, pageSizeOf, type PageBounds } from './paging.js';
import type { QueryParams } from './query-protocol.js';
import type { ResourceStore, StoredResource } from './resource-store.js';
import { xmlText } from './xml.js';

export interface DescribeOptions<T> {
  catalog: FilterCatalog<T>;
  bounds: PageBounds;
  /** Only these resources (from `…Id.N` parameters). */
  only?: readonly T[];
  /** A test besides the filters (e.g. `Owner.N`). */
  alsoRequire?: (resource: T) => boolean;
}

/** The `Filter.N` of a request against a catalog, with an extra test if given. */
export function requestFilters<T>(params: QueryParams, catalog: FilterCatalog<T>, alsoRequire?: (resource: T) => boolean): CompiledFilters<T> {
  const compiled = compileFilters(parseFilters(params), catalog);
  if (!alsoRequire) return compiled;
  return { tagCandidates: compiled.tagCandidates, test: (resource) => alsoRequire(resource) && compiled.test(resource) };
}

/**
 * One page of a paged Describe call: `Filter.N`, `MaxResults` and `NextToken` applied to a
 * store. Returns the page and its `<nextToken>` element (empty on the last page).
 */
export function describePage<T extends StoredResource>(
  store: ResourceStore<T>,
  params: QueryParams,
  context: ActionContext,
  options: DescribeOptions<T>,
): { items: T[]; nextTokenXml: string } {
  const page = store.page({
    filters: requestFilters(params, options.catalog, options.alsoRequire),
    only: options.only,
    after: decodeNextToken(params.string('NextToken')),
    limit: pageSizeOf(params, options.bounds, context.knobs.maxPageSize),
  });
  const nextToken = page.continueAfter === undefined ? undefined : encodeNextToken(page.continueAfter);
  return { items: page.items, nextTokenXml: xmlText('nextToken', nextToken) };
}
