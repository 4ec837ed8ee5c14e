import { json, type SimResponse } from '../../core/index.js';
import { SERVICE_PATHS } from '../keystone/catalog.js';
import { ApiError, renderComputeFault } from '../errors.js';
import { apiVersion, negotiateMicroversion, type ApiVersion, type MicroversionPolicy } from '../microversion.js';
import type { VolumeRecord } from '../model.js';
import { limitOf, volumeQuotaError } from '../quotas.js';
import { volumeStatus } from '../resource-status.js';
import { Router } from '../router.js';
import type { ApiContext, OpenStackService, RouteSpec, ServiceEnv } from '../service.js';
import { isoMicros, isRecord, nextPageHref, pageLimit, readJson, requireMember, stringField, stringMap } from '../wire.js';

/** The highest block-storage microversion served (Cinder 2024.2). */
const MAX_MICROVERSION = '3.71';

/** The id of Cinder's `__DEFAULT__` volume type. */
const DEFAULT_VOLUME_TYPE_ID = '5fed9d7c-401d-46e2-8e80-f30c70cb7e1d';

/** Cinder's answer to deleting a volume that is not `available` or `error`. */
const NOT_DELETABLE =
  'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.';

/**
 * Cinder's block-storage API v3 under `/volume/v3/{project_id}`: volumes (create, list,
 * detail with filters and paging, show, delete) and `/limits`. Quota overruns are 413
 * `overLimit`; the gate's capacity fault leaves the new volume in `error`, as Cinder's scheduler does.
 */
export function cinderService(env: ServiceEnv): OpenStackService {
  const policy: MicroversionPolicy = { serviceType: 'volume', min: apiVersion('3.0'), max: apiVersion(MAX_MICROVERSION) };
  const endpoint = () => `${env.baseUrl()}${SERVICE_PATHS.volume}`;
  /** Cinder refuses a URL naming another project than the token's. */
  const project = (context: ApiContext): string => {
    if (context.params.project !== env.state.projectId) throw new ApiError(400, 'Malformed request url');
    return env.state.projectId;
  };
  const volumesUrl = (context: ApiContext) => `${endpoint()}/v3/${project(context)}/volumes`;
  const find = (context: ApiContext): VolumeRecord => {
    project(context);
    const volume = env.state.volumes.get(context.params.id ?? '');
    if (!volume) throw new ApiError(404, `Volume ${context.params.id ?? ''} could not be found.`);
    return volume;
  };
  const view = (context: ApiContext, volume: VolumeRecord) => volumeView(env, volume, context.version, volumesUrl(context));
  const routes = new Router<RouteSpec>().add('GET', '/', {
    action: 'cinder.versions.list',
    kind: 'read',
    public: true,
    handle: () =>
      json(300, {
        versions: [
          {
            id: 'v3.0',
            links: [{ href: `${endpoint()}/v3/`, rel: 'self' }],
            'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
            min_version: policy.min.toString(),
            status: 'CURRENT',
            updated: '2023-08-31T00:00:00Z',
            version: policy.max.toString(),
          },
        ],
      }),
  });
  routes
    .under('/v3/:project')
    .add('POST', '/volumes', {
      action: 'cinder.volumes.create',
      kind: 'write',
      isCreate: true,
      handle: (context) => json(202, { volume: view(context, createVolume(env, context, false)) }),
      onNoCapacity: (context) => json(202, { volume: view(context, createVolume(env, context, true)) }),
    })
    .add('GET', '/volumes', { action: 'cinder.volumes.list', kind: 'read', handle: (context) => listVolumes(env, context, volumesUrl(context), false) })
    .add('GET', '/volumes/detail', { action: 'cinder.volumes.detail', kind: 'read', handle: (context) => listVolumes(env, context, volumesUrl(context), true) })
    .add('GET', '/volumes/:id', { action: 'cinder.volumes.get', kind: 'read', handle: (context) => json(200, { volume: view(context, find(context)) }) })
    .add('DELETE', '/volumes/:id', {
      action: 'cinder.volumes.delete',
      kind: 'write',
      handle: (context) => {
        const volume = find(context);
        const status = volumeStatus(volume, env.clock.now());
        if (status !== 'available' && status !== 'error') throw new ApiError(400, NOT_DELETABLE);
        env.state.requestVolumeDeletion(volume, env.knobs().deleteTimeMs);
        return { status: 202 };
      },
    })
    .add('GET', '/limits', {
      action: 'cinder.limits.get',
      kind: 'read',
      handle: (context) => {
        project(context);
        const { quotas } = env.knobs();
        const totals = env.state.volumeTotals();
        return json(200, {
          limits: {
            absolute: {
              maxTotalBackupGigabytes: 1000,
              maxTotalBackups: 10,
              maxTotalSnapshots: 10,
              maxTotalVolumeGigabytes: limitOf(quotas, 'volumeGb'),
              maxTotalVolumes: limitOf(quotas, 'volumes'),
              totalBackupGigabytesUsed: 0,
              totalBackupsUsed: 0,
              totalGigabytesUsed: totals.gigabytes,
              totalSnapshotsUsed: 0,
              totalVolumesUsed: totals.volumes,
            },
            rate: [],
          },
        });
      },
    });
  return {
    name: 'cinder',
    prefix: SERVICE_PATHS.volume,
    routes,
    render: renderComputeFault,
    serverErrorMessage: 'The server has either erred or is incapable of performing the requested operation.',
    throttleStatus: 429,
    negotiate: (headers) => negotiateMicroversion(headers, policy),
  };
}

/** A volume as Cinder shows it, with the fields of the microversion. */
function volumeView(env: ServiceEnv, volume: VolumeRecord, version: ApiVersion, volumesUrl: string): Record<string, unknown> {
  const image = volume.imageId ? env.state.images.get(volume.imageId) : undefined;
  const view: Record<string, unknown> = {
    attachments: volume.attachedTo
      ? [{ attachment_id: volume.id, attached_at: isoMicros(volume.createdAt), device: '/dev/vda', host_name: null, id: volume.id, server_id: volume.attachedTo, volume_id: volume.id }]
      : [],
    availability_zone: volume.availabilityZone,
    bootable: String(volume.imageId !== null),
    consistencygroup_id: null,
    created_at: isoMicros(volume.createdAt),
    description: volume.description,
    encrypted: false,
    id: volume.id,
    links: [
      { href: `${volumesUrl}/${volume.id}`, rel: 'self' },
      { href: `${volumesUrl.replace('/v3/', '/')}/${volume.id}`, rel: 'bookmark' },
    ],
    metadata: volume.metadata,
    migration_status: null,
    multiattach: false,
    name: volume.name,
    'os-vol-tenant-attr:tenant_id': volume.projectId,
    replication_status: null,
    size: volume.sizeGb,
    snapshot_id: null,
    source_volid: null,
    status: volumeStatus(volume, env.clock.now()),
    updated_at: isoMicros(volume.updatedAt),
    user_id: volume.userId,
    volume_type: '__DEFAULT__',
  };
  if (image) view.volume_image_metadata = { image_id: image.id, image_name: image.name };
  if (version.atLeast('3.13')) view.group_id = null;
  if (version.atLeast('3.48')) view.shared_targets = true;
  if (version.atLeast('3.63')) view.volume_type_id = DEFAULT_VOLUME_TYPE_ID;
  if (version.atLeast('3.65')) view.consumes_quota = true;
  return view;
}

/**
 * `POST /volumes`: `size` (GiB) is required; over quota is a 413 `overLimit` worded as
 * Cinder's VolumeLimitExceeded or VolumeSizeExceedsAvailableQuota. With `noBackend` the volume
 * is accepted and ends in `error`.
 */
function createVolume(env: ServiceEnv, context: ApiContext, noBackend: boolean): VolumeRecord {
  const request = requireMember(readJson(context.request), 'volume');
  const sizeGb = Number(request.size);
  if (!Number.isInteger(sizeGb) || sizeGb < 1) {
    throw new ApiError(400, `Invalid input for field/attribute size. Value: ${JSON.stringify(request.size ?? null)}. size must be an integer greater than 0`);
  }
  const imageId = stringField(request, 'imageRef') ?? null;
  if (imageId !== null && !env.state.images.has(imageId)) throw new ApiError(400, 'Invalid image identifier or unable to access requested image.');
  const zone = stringField(request, 'availability_zone') ?? 'nova';
  if (zone !== 'nova') throw new ApiError(400, `Availability zone '${zone}' is invalid.`);
  const { quotas, bootTimeMs } = env.knobs();
  const overQuota = volumeQuotaError(quotas, env.state.volumeTotals(), sizeGb);
  if (overQuota) throw overQuota;
  return env.state.createVolume({
    sizeGb,
    name: stringField(request, 'name') ?? null,
    description: stringField(request, 'description') ?? null,
    metadata: stringMap(request.metadata, 'metadata'),
    imageId,
    availabilityZone: zone,
    readyAt: env.clock.now() + bootTimeMs,
    failed: noBackend,
  });
}

/**
 * `GET /volumes[/detail]`: newest first, `limit`/`marker` paging with a `volumes_links` next
 * link when the page is full, filters `name`, `status`, `bootable` and `metadata` (a JSON or
 * Python-style dict, every pair must match).
 */
function listVolumes(env: ServiceEnv, context: ApiContext, volumesUrl: string, detailed: boolean): SimResponse {
  const { query } = context;
  const limit = pageLimit(query, env.knobs().maxPageSize);
  const now = env.clock.now();
  const ordered = [...env.state.volumes.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  const marker = query.get('marker');
  let start = 0;
  if (marker !== null) {
    start = ordered.findIndex((volume) => volume.id === marker) + 1;
    if (start === 0) throw new ApiError(404, `Marker ${marker} could not be found.`);
  }
  const metadata = parseMetadataFilter(query.get('metadata'));
  const name = query.get('name');
  const status = query.get('status');
  const bootable = query.get('bootable');
  const page = ordered
    .slice(start)
    .filter(
      (volume) =>
        (name === null || volume.name === name) &&
        (status === null || volumeStatus(volume, now) === status.toLowerCase()) &&
        (bootable === null || String(volume.imageId !== null) === bootable.toLowerCase()) &&
        Object.entries(metadata).every(([key, value]) => volume.metadata[key] === value),
    )
    .slice(0, limit);
  const body: Record<string, unknown> = {
    volumes: page.map((volume) =>
      detailed
        ? volumeView(env, volume, context.version, volumesUrl)
        : { id: volume.id, links: [{ href: `${volumesUrl}/${volume.id}`, rel: 'self' }], name: volume.name },
    ),
  };
  const last = page.at(-1);
  if (last && page.length === limit) {
    body.volumes_links = [{ href: nextPageHref(`${volumesUrl}${detailed ? '/detail' : ''}`, query, last.id), rel: 'next' }];
  }
  return json(200, body);
}

function parseMetadataFilter(text: string | null): Record<string, string> {
  if (text === null) return {};
  for (const candidate of [text, text.replace(/'/g, '"')]) {
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (isRecord(parsed)) return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
    } catch {
      // Not JSON yet: try the Python-style spelling next.
    }
  }
  throw new ApiError(400, `Invalid input received: metadata filter ${text} is not a dictionary`);
}
