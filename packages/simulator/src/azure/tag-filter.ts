import { ArmError } from './errors.js';

/** The subset of ARM's OData `$filter` on resource and resource group lists that is served. */
export interface ResourceFilter {
  tagName?: string;
  tagValue?: string;
  resourceType?: string;
}

const CLAUSE = /^\s*(tagName|tagValue|resourceType)\s+eq\s+'((?:[^']|'')*)'\s*$/i;
const FIELDS: Record<string, keyof ResourceFilter> = { tagname: 'tagName', tagvalue: 'tagValue', resourcetype: 'resourceType' };

/**
 * Parses `tagName eq 'x'`, `tagName eq 'x' and tagValue eq 'y'` and `resourceType eq 'T'`
 * (clauses joined by `and`; quotes doubled inside values, as OData writes them).
 */
export function parseResourceFilter(filter: string | null): ResourceFilter {
  if (!filter) return {};
  const parsed: ResourceFilter = {};
  for (const clause of filter.split(/\s+and\s+/i)) {
    const match = CLAUSE.exec(clause);
    const field = match ? FIELDS[(match[1] as string).toLowerCase()] : undefined;
    if (!match || !field) throw invalidFilter(filter);
    parsed[field] = (match[2] as string).replace(/''/g, "'");
  }
  if (parsed.tagValue !== undefined && parsed.tagName === undefined) throw invalidFilter(filter);
  return parsed;
}

function invalidFilter(filter: string): ArmError {
  return new ArmError(400, 'InvalidFilterInQueryString',
    `The $filter '${filter}' is not supported. Supported: tagName eq '{name}' [and tagValue eq '{value}'], resourceType eq '{type}'.`);
}
