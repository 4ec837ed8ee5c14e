import { TAG } from './tags.js';

/** The disk formats an image file may be uploaded in (Nodepool's `formats` names). */
export const IMAGE_FILE_FORMATS = ['raw', 'qcow2', 'vhd'] as const;
export type ImageFileFormat = (typeof IMAGE_FILE_FORMATS)[number];

/** One image file to upload to one provider, for one upload record. */
export interface ImageUploadRequest {
  /** The top-level `diskimages` name; the adapter adds that provider entry's own metadata (OpenStack `meta`). */
  diskimage: string;
  /** The cloud image's name: Nodepool's `{image_name}-{timestamp}` (its default `image-name-format`). */
  imageName: string;
  /** The local file. */
  path: string;
  format: ImageFileFormat;
  /** Ours (see `uploadTags`): written last, so that no configured metadata overrides them. */
  tags: Record<string, string>;
  /** Stops waiting; what was made so far is deleted, best effort. */
  signal?: AbortSignal;
}

/**
 * Uploading images to a cloud, the half of nodepool-builder that does not build: one image
 * per call, tagged in the calls that create it.
 */
export interface ImageUploads {
  /**
   * Uploads the file and resolves with the cloud's image id once the image can boot servers
   * (Glance `active`, AMI `available`, Azure image `Succeeded`). Not idempotent: each call makes
   * a new image. On failure it deletes what it made, best effort, and rejects with a CloudError
   * whose message is the cloud's.
   */
  uploadImage(request: ImageUploadRequest): Promise<{ externalId: string }>;
  /**
   * Deletes an image by the id `uploadImage` returned (and what it is made of, e.g. an AMI's
   * snapshot). Idempotent: an image already gone (NotFound) is success. Resolves once the cloud
   * has accepted the delete.
   */
  deleteImage(externalId: string): Promise<void>;
}

/** The tags of an upload: Nodepool's three (what its leak cleanup reads) and our installation id. */
export function uploadTags(input: { buildId: string; uploadId: string; providerName: string; systemId: string }): Record<string, string> {
  return {
    [TAG.buildId]: input.buildId,
    [TAG.uploadId]: input.uploadId,
    [TAG.providerName]: input.providerName,
    [TAG.systemId]: input.systemId,
  };
}

/** Configured metadata first, without keys of ours (`nodepool_*`, `cloudpool_*`), then ours. */
export function withUploadTags(configured: Record<string, string>, ours: Record<string, string>): Record<string, string> {
  const user = Object.fromEntries(Object.entries(configured).filter(([key]) => !key.startsWith('nodepool_') && !key.startsWith('cloudpool_')));
  return { ...user, ...ours };
}
