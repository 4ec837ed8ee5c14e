import { buildFormats, type ImageTreeEntry } from '@cloudpool/common';
import { formatAge, type StatusList } from './nodepool-status.js';
import type { Column } from './text-table.js';

const columns = (pairs: Array<[string, string]>): Column[] => pairs.map(([key, header]) => ({ key, header }));

/** Nodepool's `image_list` columns (uploads). */
export const IMAGE_COLUMNS = columns([
  ['id', 'Build ID'],
  ['upload_id', 'Upload ID'],
  ['provider', 'Provider'],
  ['image', 'Image'],
  ['external_name', 'Provider Image Name'],
  ['external_id', 'Provider Image ID'],
  ['state', 'State'],
  ['age', 'Age'],
]);

/** Nodepool's `dib_image_list` columns (builds). */
export const DIB_IMAGE_COLUMNS = columns([
  ['id', 'ID'],
  ['image', 'Image'],
  ['builder', 'Builder'],
  ['formats', 'Formats'],
  ['state', 'State'],
  ['age', 'Age'],
]);

/** Nodepool's `image_status` columns (one row per image). */
export const IMAGE_STATUS_COLUMNS = columns([
  ['image', 'Image'],
  ['paused', 'Paused'],
  ['build_request', 'Build Request'],
  ['build_request_age', 'Build Request Age'],
]);

/**
 * The table shows `age` as Nodepool's `DD:HH:MM:SS`; the JSON keeps what Nodepool's records
 * hold there, whole epoch seconds of the last state change.
 */
function withAges(list: Omit<StatusList, 'tableRows'>, nowMs: number): StatusList {
  return { ...list, tableRows: list.rows.map((row) => ({ ...row, age: formatAge(row.age as number, nowMs) })) };
}

/** Every upload of every build of every image, as Nodepool's `image-list`. */
export function imageList(images: readonly ImageTreeEntry[], nowMs: number): StatusList {
  const rows = images.flatMap((image) =>
    image.uploads.map((upload) => ({
      id: upload.buildId,
      upload_id: upload.id,
      provider: upload.provider,
      image: upload.image,
      external_name: upload.fields.external_name,
      external_id: upload.fields.external_id,
      state: upload.fields.state,
      age: Math.trunc(upload.fields.state_time),
    })),
  );
  return withAges({ columns: IMAGE_COLUMNS, rows }, nowMs);
}

/** Every build, as Nodepool's `dib-image-list`: `<image>-<build>` ids; state `paused` while the image is paused. */
export function dibImageList(images: readonly ImageTreeEntry[], nowMs: number): StatusList {
  const rows = images.flatMap((image) =>
    image.builds.map((build) => ({
      id: `${image.name}-${build.id}`,
      image: image.name,
      builder: build.fields.builder ?? null,
      formats: buildFormats(build),
      state: image.paused ? 'paused' : build.fields.state,
      age: Math.trunc(build.fields.state_time),
    })),
  );
  return withAges({ columns: DIB_IMAGE_COLUMNS, rows }, nowMs);
}

/**
 * Each image's pause flag and build request, as Nodepool's `image-status`: a request is
 * `pending` until a builder takes it (a build newer than the request appears) and `building`
 * then; its age is the request's creation, in whole epoch seconds.
 */
export function imageStatus(images: readonly ImageTreeEntry[]): StatusList {
  const rows = images.map((image) => {
    const requested = image.buildRequestedAt;
    const taken = requested !== undefined && image.builds.some((build) => build.stat.ctime >= requested);
    return {
      image: image.name,
      paused: image.paused,
      build_request: requested === undefined ? null : taken ? 'building' : 'pending',
      build_request_age: requested === undefined ? null : Math.trunc(requested / 1000),
    };
  });
  return { columns: IMAGE_STATUS_COLUMNS, rows };
}
