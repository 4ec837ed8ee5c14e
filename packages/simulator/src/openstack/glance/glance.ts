import { createHash } from 'node:crypto';
import { json, type SimResponse } from '../../core/index.js';
import { SERVICE_PATHS } from '../keystone/catalog.js';
import { ApiError, renderGlanceError } from '../errors.js';
import type { ImageRecord } from '../model.js';
import { Router } from '../router.js';
import { createImage, DEFAULT_IMAGE_SIZE_CAP, uploadImageData } from './image-upload.js';
import type { ApiContext, OpenStackService, RouteSpec, ServiceEnv } from '../service.js';
import { isoSeconds } from '../wire.js';

/** Glance's page size when the client gives no `limit` (`limit_param_default`). */
const DEFAULT_PAGE_SIZE = 25;

/**
 * An image as Glance v2 shows it (not wrapped: `GET /v2/images/{id}` returns the image itself):
 * its custom properties as top-level keys beside the base properties, which they cannot replace.
 */
function imageView(image: ImageRecord): Record<string, unknown> {
  return {
    ...image.properties,
    ...(image.osDistro ? { os_distro: image.osDistro } : {}),
    checksum: image.status === 'queued' ? null : (image.checksum ?? createHash('md5').update(image.id).digest('hex')),
    container_format: image.containerFormat,
    created_at: isoSeconds(image.createdAt),
    disk_format: image.diskFormat,
    file: `/v2/images/${image.id}/file`,
    id: image.id,
    min_disk: image.minDiskGb,
    min_ram: image.minRamMb,
    name: image.name,
    os_hash_algo: 'sha512',
    os_hash_value: image.status === 'queued' ? null : (image.hashValue ?? createHash('sha512').update(image.id).digest('hex')),
    os_hidden: false,
    owner: image.owner,
    protected: image.protected,
    schema: '/v2/schemas/image',
    self: `/v2/images/${image.id}`,
    size: image.sizeBytes,
    status: image.status ?? 'active',
    tags: image.tags,
    updated_at: isoSeconds(image.createdAt),
    virtual_size: null,
    visibility: image.visibility,
  };
}

/** Parameters of `GET /v2/images` that are not property filters. */
const CONTROL_PARAMETERS = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'tag', 'visibility']);

/**
 * Glance's image API v2 under `/image`: list (filters by any base or custom property such as
 * `name`, `owner` or `nodepool_provider_name`, by `tag` and `visibility`; paging), show,
 * delete, and create with a data upload (see image-upload.ts).
 */
export function glanceService(env: ServiceEnv, options: { imageSizeCap?: number } = {}): OpenStackService {
  const endpoint = () => `${env.baseUrl()}${SERVICE_PATHS.image}`;
  const routes = new Router<RouteSpec>()
    .add('GET', '/', {
      action: 'glance.versions.list',
      kind: 'read',
      public: true,
      handle: () => json(300, { versions: [{ id: 'v2.16', links: [{ href: `${endpoint()}/v2/`, rel: 'self' }], status: 'CURRENT' }] }),
    })
    .add('GET', '/v2/images', { action: 'glance.images.list', kind: 'read', handle: (context) => listImages(env, context) })
    .add('POST', '/v2/images', { action: 'glance.images.create', kind: 'write', handle: (context) => createImage(env, context, imageView) })
    .add('PUT', '/v2/images/:id/file', {
      action: 'glance.images.upload',
      kind: 'write',
      handle: (context) => uploadImageData(env, context, options.imageSizeCap ?? DEFAULT_IMAGE_SIZE_CAP),
    })
    .add('GET', '/v2/images/:id', {
      action: 'glance.images.get',
      kind: 'read',
      handle: (context) => {
        const image = env.state.images.get(context.params.id ?? '');
        if (!image) throw new ApiError(404, `No image found with ID ${context.params.id ?? ''}`);
        return json(200, imageView(image));
      },
    })
    .add('DELETE', '/v2/images/:id', { action: 'glance.images.delete', kind: 'write', handle: (context) => deleteImage(env, context.params.id ?? '') });
  return {
    name: 'glance',
    prefix: SERVICE_PATHS.image,
    routes,
    render: renderGlanceError,
    serverErrorMessage: 'The server has either erred or is incapable of performing the requested operation.',
    throttleStatus: 429,
  };
}

/**
 * Deletes an image at once (204). Glance refuses, with 403, a protected image and one of
 * another project (the caller is no admin); a missing image is 404.
 */
function deleteImage(env: ServiceEnv, id: string): SimResponse {
  const image = env.state.images.get(id);
  if (!image) throw new ApiError(404, `Failed to find image ${id} to delete`);
  if (image.owner !== env.state.projectId) throw new ApiError(403, 'You are not permitted to delete this image.');
  if (image.protected) throw new ApiError(403, `Image ${id} is protected and cannot be deleted.`);
  env.state.images.delete(id);
  return { status: 204 };
}

/**
 * What a listing shows without `visibility`: every image the project sees but the community
 * images of other projects; `visibility=all` shows those too, any other value only that visibility.
 */
function visibleIn(listing: string | null, image: ImageRecord, projectId: string): boolean {
  if (listing === 'all') return true;
  if (listing !== null) return image.visibility === listing;
  return image.visibility !== 'community' || image.owner === projectId;
}

/** Newest first; `limit` (25 by default) and `marker`; `next` is a relative link, as Glance writes it. */
function listImages(env: ServiceEnv, context: ApiContext): SimResponse {
  const { query } = context;
  const maxPageSize = env.knobs().maxPageSize;
  const limitText = query.get('limit');
  if (limitText !== null && !/^\d+$/.test(limitText)) throw new ApiError(400, 'limit param must be an integer');
  const limit = Math.min(limitText === null ? DEFAULT_PAGE_SIZE : Number(limitText), maxPageSize);
  const ordered = [...env.state.images.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  const marker = query.get('marker');
  let start = 0;
  if (marker !== null) {
    start = ordered.findIndex((image) => image.id === marker) + 1;
    if (start === 0) throw new ApiError(400, `marker [${marker}] not found`);
  }
  const filters = [...new Set(query.keys())].filter((key) => !CONTROL_PARAMETERS.has(key));
  const tags = query.getAll('tag');
  const visibility = query.get('visibility');
  const views = ordered
    .slice(start)
    .filter((image) => visibleIn(visibility, image, env.state.projectId))
    .map(imageView)
    .filter((view) => filters.every((key) => String(view[key]) === query.get(key)) && tags.every((tag) => (view.tags as string[]).includes(tag)));
  const page = views.slice(0, limit);
  const body: Record<string, unknown> = { images: page, first: '/v2/images', schema: '/v2/schemas/images' };
  const last = page.at(-1);
  if (last && page.length === limit) {
    const params = new URLSearchParams(query);
    params.set('marker', String(last.id));
    body.next = `/v2/images?${params.toString()}`;
  }
  return json(200, body);
}
