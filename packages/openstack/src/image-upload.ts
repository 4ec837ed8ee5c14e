import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CloudError, withUploadTags, type ImageUploadRequest, type ImageUploads, type TimerClock } from '@cloudpool/common';
import type { GlanceImage } from './port.js';
import { ignoringNotFound } from './not-found.js';
import type { OpenStackClient } from './sdk/http-client.js';

/**
 * The Glance calls an upload makes (Glance v2: create, upload data, show, delete), beside the
 * driver's main port. Rejects only with CloudErrors.
 */
export interface GlanceUploadApi {
  /** `POST /v2/images`: a `queued` image with these base and custom properties. */
  createImage(body: Record<string, unknown>): Promise<GlanceImage>;
  /** `PUT /v2/images/{id}/file` with the file's bytes streamed (`application/octet-stream`); 204. */
  putImageData(id: string, path: string, size: number): Promise<void>;
  /** `GET /v2/images/{id}`. */
  getImage(id: string): Promise<GlanceImage>;
  /** `DELETE /v2/images/{id}`; 404 is `not-found`. */
  deleteImage(id: string): Promise<void>;
}

/** The Glance upload calls over the driver's client (its queue, token and error mapping). */
export class HttpGlanceUploadApi implements GlanceUploadApi {
  constructor(private readonly client: OpenStackClient) {}

  async createImage(body: Record<string, unknown>): Promise<GlanceImage> {
    return (await this.client.call<GlanceImage>({ action: 'glance.images.create', kind: 'write', service: 'image', method: 'POST', path: '/images', body })).data;
  }

  async putImageData(id: string, path: string, size: number): Promise<void> {
    await this.client.call({
      action: 'glance.images.upload',
      kind: 'write',
      service: 'image',
      method: 'PUT',
      path: `/images/${encodeURIComponent(id)}/file`,
      // A new stream for each attempt: a retried call sends the whole file again.
      body: () => createReadStream(path),
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
    });
  }

  async getImage(id: string): Promise<GlanceImage> {
    return (await this.client.call<GlanceImage>({ action: 'glance.images.get', kind: 'read', service: 'image', method: 'GET', path: `/images/${encodeURIComponent(id)}` })).data;
  }

  async deleteImage(id: string): Promise<void> {
    await this.client.call({ action: 'glance.images.delete', kind: 'write', service: 'image', method: 'DELETE', path: `/images/${encodeURIComponent(id)}` });
  }
}

export interface GlanceImageUploadsOptions {
  api: GlanceUploadApi;
  /** The provider's `diskimages` `meta`, by diskimage name: Glance properties of its uploads. */
  meta: (diskimage: string) => Record<string, string>;
  timers: TimerClock;
  /** Between two reads of an image not yet `active` (default 2 s). */
  pollIntervalMs?: number;
  /** How long an upload may take to become `active` after its data was sent (default 1 hour, Nodepool's `image-upload-timeout`). */
  timeoutMs?: number;
}

/** Glance statuses after which an image never becomes `active`. */
const DEAD = new Set(['killed', 'deleted', 'pending_delete', 'deactivated']);

/**
 * Uploads to Glance as Nodepool's OpenStack driver does (openstacksdk's `create_image`): a
 * private image named as asked, `disk_format` the file's format, `container_format` `bare`,
 * the `meta` of the provider's diskimage and our tags as custom properties (ours win); then
 * the file's data, streamed; then the image is read until `active`. On any failure the image is
 * deleted, best effort, and the cloud's error is passed on.
 */
export class GlanceImageUploads implements ImageUploads {
  constructor(private readonly options: GlanceImageUploadsOptions) {}

  async uploadImage(request: ImageUploadRequest): Promise<{ externalId: string }> {
    const { api } = this.options;
    const { size } = await stat(request.path);
    const image = await api.createImage({
      name: request.imageName,
      disk_format: request.format,
      container_format: 'bare',
      visibility: 'private',
      ...withUploadTags(this.options.meta(request.diskimage), request.tags),
    });
    try {
      await api.putImageData(image.id, request.path, size);
      await this.untilActive(image.id, request.signal);
      return { externalId: image.id };
    } catch (error) {
      await ignoringNotFound(api.deleteImage(image.id)).catch(() => undefined);
      throw error;
    }
  }

  async deleteImage(externalId: string): Promise<void> {
    await ignoringNotFound(this.options.api.deleteImage(externalId));
  }

  private async untilActive(id: string, signal: AbortSignal | undefined): Promise<void> {
    const { timers } = this.options;
    const deadline = timers.now() + (this.options.timeoutMs ?? 3_600_000);
    for (;;) {
      signal?.throwIfAborted();
      const { status } = await this.options.api.getImage(id);
      if (status === 'active') return;
      if (DEAD.has(status)) throw new CloudError('permanent', `glance.images.get: image ${id} is ${status} after its upload`, { action: 'glance.images.get' });
      if (timers.now() >= deadline) throw new CloudError('transient', `glance.images.get: image ${id} is still ${status} after the upload timeout`, { action: 'glance.images.get' });
      await new Promise<void>((resolve) => timers.setTimeout(resolve, this.options.pollIntervalMs ?? 2_000));
    }
  }
}
