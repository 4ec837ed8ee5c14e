import { json } from '../../core/index.js';
import { ApiError } from '../errors.js';
import { notFound } from './query.js';
import type { RouteAdder } from '../router.js';
import type { ApiContext, RouteSpec } from '../service.js';
import { isRecord, readJson } from '../wire.js';

/** Something Neutron can tag (standard-attr-tag): networks, ports, floating IPs. */
export interface Taggable {
  tags: string[];
}

/** Neutron's tag length limit. */
const MAX_TAG_LENGTH = 255;

function validTag(tag: unknown): string {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
    throw new ApiError(400, `Invalid input for operation: '${String(tag)}' is not a valid tag (1 to ${MAX_TAG_LENGTH} characters).`, 'InvalidInput');
  }
  return tag;
}

/**
 * Neutron's tag API on one collection (`/v2.0/{plural}/{id}/tags[/{tag}]`): list, replace all,
 * delete all, check one (204/404), add one (201), delete one.
 */
export function addNeutronTagRoutes(
  router: RouteAdder<RouteSpec>,
  plural: string,
  resourceName: string,
  find: (id: string) => Taggable | undefined,
): void {
  const resource = (context: ApiContext): Taggable => {
    const id = context.params.id ?? '';
    const found = find(id);
    if (!found) throw notFound(resourceName, id);
    return found;
  };
  const tagOf = (context: ApiContext) => validTag(context.params.tag);
  const action = (verb: string) => `neutron.${plural}.tags.${verb}`;
  router
    .add('GET', `/${plural}/:id/tags`, { action: action('list'), kind: 'read', handle: (context) => json(200, { tags: resource(context).tags }) })
    .add('PUT', `/${plural}/:id/tags`, {
      action: action('replace'),
      kind: 'write',
      handle: (context) => {
        const body = readJson(context.request);
        const tags = isRecord(body) ? body.tags : undefined;
        if (!Array.isArray(tags)) throw new ApiError(400, "Invalid input for operation: 'tags' must be a list.", 'InvalidInput');
        const target = resource(context);
        target.tags = [...new Set(tags.map(validTag))];
        return json(200, { tags: target.tags });
      },
    })
    .add('DELETE', `/${plural}/:id/tags`, {
      action: action('clear'),
      kind: 'write',
      handle: (context) => {
        resource(context).tags = [];
        return { status: 204 };
      },
    })
    .add('GET', `/${plural}/:id/tags/:tag`, {
      action: action('check'),
      kind: 'read',
      handle: (context) => {
        const tag = tagOf(context);
        if (!resource(context).tags.includes(tag)) throw new ApiError(404, `Tag ${tag} could not be found.`, 'TagNotFound');
        return { status: 204 };
      },
    })
    .add('PUT', `/${plural}/:id/tags/:tag`, {
      action: action('add'),
      kind: 'write',
      handle: (context) => {
        const tag = tagOf(context);
        const target = resource(context);
        if (!target.tags.includes(tag)) target.tags.push(tag);
        return { status: 201 };
      },
    })
    .add('DELETE', `/${plural}/:id/tags/:tag`, {
      action: action('delete'),
      kind: 'write',
      handle: (context) => {
        const tag = tagOf(context);
        const target = resource(context);
        if (!target.tags.includes(tag)) throw new ApiError(404, `Tag ${tag} could not be found.`, 'TagNotFound');
        target.tags = target.tags.filter((existing) => existing !== tag);
        return { status: 204 };
      },
    });
}
