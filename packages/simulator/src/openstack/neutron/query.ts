import { json, type SimResponse } from '../../core/index.js';
import { ApiError } from '../errors.js';
import { nextPageHref, pageLimit } from '../wire.js';

/** How one Neutron collection is listed. */
export interface NeutronCollection<T> {
  /** Plural name: the body key (`ports`) and its links key (`ports_links`). */
  plural: string;
  /** Name in a NotFound error, e.g. `Port` (type `PortNotFound`). */
  resourceName: string;
  /** The resource as the API shows it; filters compare against these fields. */
  view(item: T): Record<string, unknown>;
  /** Whether a page marker names an existing resource (Neutron answers 404 otherwise). */
  has(id: string): boolean;
}

/** Query parameters that are not attribute filters. */
const CONTROL_PARAMETERS = new Set(['limit', 'marker', 'fields', 'sort_key', 'sort_dir', 'page_reverse', 'tags', 'tags-any', 'not-tags', 'not-tags-any']);

/**
 * A Neutron list: attribute filters (`?device_id=a&device_id=b` matches either; an unknown
 * attribute is a 400), the tag filters, `fields` projection, id order and `limit`/`marker`
 * paging with a `next` link when the page is full. `candidates` may be pre-narrowed by an index.
 */
export function neutronList<T extends { id: string; tags: string[] }>(
  collection: NeutronCollection<T>,
  candidates: Iterable<T>,
  query: URLSearchParams,
  collectionUrl: string,
  maxPageSize: number,
): SimResponse {
  const limit = pageLimit(query, maxPageSize);
  const marker = query.get('marker');
  if (marker !== null && !collection.has(marker)) throw notFound(collection.resourceName, marker);
  const filters = attributeFilters(query);
  const matchesTags = tagFilter(query);
  const selected: Array<{ id: string; view: Record<string, unknown> }> = [];
  for (const item of candidates) {
    if ((marker !== null && item.id <= marker) || !matchesTags(item.tags)) continue;
    const view = collection.view(item);
    if (filters.every(([key, values]) => matchesAttribute(view, key, values))) selected.push({ id: item.id, view });
  }
  selected.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = selected.slice(0, limit);
  const fields = query.getAll('fields');
  const body: Record<string, unknown> = { [collection.plural]: page.map(({ view }) => (fields.length ? project(view, fields) : view)) };
  const last = page.at(-1);
  if (last && page.length === limit) body[`${collection.plural}_links`] = [{ href: nextPageHref(collectionUrl, query, last.id), rel: 'next' }];
  return json(200, body);
}

/** A Neutron show answer, `{"port": {...}}`, honouring `fields`. */
export function neutronShow(singular: string, view: Record<string, unknown>, query: URLSearchParams): SimResponse {
  const fields = query.getAll('fields');
  return json(200, { [singular]: fields.length ? project(view, fields) : view });
}

/** Neutron's 404 for a resource, e.g. `{"type": "PortNotFound", "message": "Port X could not be found."}`. */
export function notFound(resourceName: string, id: string): ApiError {
  return new ApiError(404, `${resourceName} ${id} could not be found.`, `${resourceName.replace(/ /g, '')}NotFound`);
}

/** The `fields` a client asked for, in the order it asked. */
function project(view: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of fields) if (field in view) result[field] = view[field];
  return result;
}

function attributeFilters(query: URLSearchParams): Array<[string, string[]]> {
  const keys = new Set([...query.keys()].filter((key) => !CONTROL_PARAMETERS.has(key)));
  return [...keys].map((key) => [key, query.getAll(key)]);
}

function matchesAttribute(view: Record<string, unknown>, key: string, values: readonly string[]): boolean {
  if (!(key in view)) throw new ApiError(400, `[${key}] is invalid attribute for filtering`);
  const actual = view[key];
  return values.some((value) => {
    if (typeof actual === 'boolean') return value.toLowerCase() === String(actual);
    if (actual === null) return value === '' || value.toLowerCase() === 'none';
    return String(actual) === value;
  });
}

/** `tags` (all of), `tags-any`, `not-tags` (not all of), `not-tags-any` (none of); comma-separated or repeated. */
function tagFilter(query: URLSearchParams): (tags: readonly string[]) => boolean {
  const list = (name: string) => query.getAll(name).flatMap((value) => value.split(',')).filter(Boolean);
  const all = list('tags');
  const any = list('tags-any');
  const notAll = list('not-tags');
  const notAny = list('not-tags-any');
  return (tags) => {
    const has = (tag: string) => tags.includes(tag);
    if (all.length && !all.every(has)) return false;
    if (any.length && !any.some(has)) return false;
    if (notAll.length && notAll.every(has)) return false;
    if (notAny.length && notAny.some(has)) return false;
    return true;
  };
}
