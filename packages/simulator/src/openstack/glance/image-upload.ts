import { createHash } from 'node:crypto';
import { json, type SimResponse } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { ImageRecord, ImageVisibility } from '../model.js';
import type { ApiContext, ServiceEnv } from '../service.js';
import { isRecord, newUuid, readJson } from '../wire.js';

/** Glance's `disk_format` values (its default `disk_formats` option). */
const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
/** Glance's `container_format` values (its default `container_formats` option). */
const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];
const VISIBILITIES: readonly ImageVisibility[] = ['public', 'community', 'shared', 'private'];
/** Base properties Glance sets itself: a create naming one is refused (403). */
const READ_ONLY = ['checksum', 'created_at', 'updated_at', 'status', 'size', 'virtual_size', 'file', 'self', 'schema', 'direct_url', 'locations', 'os_hash_algo', 'os_hash_value'];
/** Base properties a create may set, besides the custom (string-valued) ones. */
const BASE_WRITABLE = new Set(['id', 'name', 'disk_format', 'container_format', 'visibility', 'protected', 'tags', 'min_disk', 'min_ram', 'os_hidden', 'owner']);

/** Glance's `image_size_cap` default: 1 TiB. */
export const DEFAULT_IMAGE_SIZE_CAP = 1_099_511_627_776;

/**
 * `POST /v2/images` (Glance v2 "Create image"): a record in status `queued`, without data,
 * answered 201 with the image and its `Location`. `disk_format`, `container_format` and
 * `visibility` must be among Glance's values (400), a read-only property is refused (403), an
 * `id` already used is 409; any other key is a custom property and must be a string (400).
 */
export function createImage(env: ServiceEnv, context: ApiContext, view: (image: ImageRecord) => Record<string, unknown>): SimResponse {
  const body = readJson(context.request);
  if (!isRecord(body)) throw new ApiError(400, 'Malformed request body');
  for (const key of READ_ONLY) if (key in body) throw new ApiError(403, `Attribute '${key}' is read-only.`);
  const enumField = (key: string, allowed: readonly string[]): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !allowed.includes(value)) throw new ApiError(400, `Invalid value '${String(value)}' for parameter '${key}': must be one of ${allowed.join(', ')}`);
    return value;
  };
  const diskFormat = enumField('disk_format', DISK_FORMATS);
  const containerFormat = enumField('container_format', CONTAINER_FORMATS);
  const visibility = (enumField('visibility', VISIBILITIES) ?? 'shared') as ImageVisibility;
  const tags = body.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) throw new ApiError(400, "Invalid value for 'tags': must be a list of strings");
  if (body.name !== undefined && body.name !== null && typeof body.name !== 'string') throw new ApiError(400, "Invalid value for 'name': must be a string");
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (BASE_WRITABLE.has(key)) continue;
    if (typeof value !== 'string') throw new ApiError(400, `Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'string' (property ${key})`);
    properties[key] = value;
  }
  const id = typeof body.id === 'string' ? body.id : newUuid();
  if (env.state.images.has(id)) throw new ApiError(409, `Image with identifier ${id} already exists!`);
  const image: ImageRecord = {
    id,
    name: typeof body.name === 'string' ? body.name : '',
    diskFormat: diskFormat ?? null,
    containerFormat: containerFormat ?? null,
    sizeBytes: null,
    minDiskGb: typeof body.min_disk === 'number' ? body.min_disk : 0,
    minRamMb: typeof body.min_ram === 'number' ? body.min_ram : 0,
    osDistro: '',
    owner: env.state.projectId,
    createdAt: env.clock.now(),
    tags: [...new Set(tags as string[])],
    visibility,
    protected: body.protected === true,
    properties,
    status: 'queued',
  };
  env.state.images.set(id, image);
  return { ...json(201, view(image)), headers: { 'content-type': 'application/json; charset=UTF-8', location: `${env.baseUrl()}/image/v2/images/${id}` } };
}

/**
 * `PUT /v2/images/{id}/file` (Glance v2 "Upload binary image data"): the body is the image's
 * data (`Content-Type: application/octet-stream`, else 415). Only a `queued` image takes data
 * (409 otherwise), and only once its `disk_format` and `container_format` are set (400); data
 * larger than `image_size_cap` is 413 and leaves the image `queued`. The image goes through
 * `saving` to `active`, with its size and checksums, and the answer is 204.
 */
export function uploadImageData(env: ServiceEnv, context: ApiContext, sizeCap: number): SimResponse {
  const id = context.params.id ?? '';
  const image = env.state.images.get(id);
  if (!image || (image.owner !== env.state.projectId && image.visibility === 'private')) throw new ApiError(404, `No image found with ID ${id}`);
  const type = String(context.request.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type !== 'application/octet-stream') throw new ApiError(415, `Content-Type must be application/octet-stream, not ${type || 'none'}`);
  if (image.owner !== env.state.projectId) throw new ApiError(403, 'You are not permitted to upload data for this image.');
  const status = image.status ?? 'active';
  if (status !== 'queued') throw new ApiError(409, `Image status transition from ${status} to saving is not allowed`);
  if (image.diskFormat === null || image.containerFormat === null) throw new ApiError(400, 'Properties disk_format, container_format must be set prior to saving data.');
  const data = context.request.body;
  if (data.length > sizeCap) throw new ApiError(413, `Image exceeds the storage quota: The size of the data ${data.length} will exceed the limit. ${sizeCap} bytes remaining.`);
  image.status = 'saving';
  image.sizeBytes = data.length;
  image.checksum = createHash('md5').update(data).digest('hex');
  image.hashValue = createHash('sha512').update(data).digest('hex');
  image.status = 'active';
  return { status: 204 };
}
