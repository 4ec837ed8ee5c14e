import { randomBytes } from 'node:crypto';
import type { ZkClient } from '../zk/client.js';
import type { ImageBuildFields, ImageUploadFields } from '../zk/image-records.js';
import { imageBuildPath, imageBuildsPath, imagePausePath, imageUploadPath, imageUploadsPath } from '../zk/paths.js';

/**
 * Writes image records the way nodepool-builder does, for tests of what reads them: a build is
 * a sequential child of `builds/` made with its missing parents (`storeBuild`), an upload a
 * sequential child of `providers/<provider>/images/` (`storeImageUpload`), both JSON as
 * `ImageBuild.toDict` / `ImageUpload.toDict` write it (every key, nulls included); updates
 * rewrite the whole record. The builders' kazoo lock znodes (`builds/lock`, `images/lock`,
 * `<upload>/lock`) are left as a builder leaves them after releasing its locks.
 */
export class FakeNodepoolBuilder {
  constructor(
    private readonly client: ZkClient,
    /** Epoch seconds, for `state_time`. */
    private readonly now: () => number = () => Date.now() / 1000,
  ) {}

  /** Stores a new build of `image` and returns its id (a 10-digit sequence, as older builders make). */
  async build(image: string, fields: Partial<ImageBuildFields> = {}): Promise<string> {
    await this.plantLock(`${imageBuildsPath(image)}/lock`);
    const path = await this.client.create(`${imageBuildsPath(image)}/`, JSON.stringify(this.buildFields(fields)), { sequential: true });
    return path.slice(path.lastIndexOf('/') + 1);
  }

  /** Stores a build under a given id (newer builders use a UUID hex). */
  async buildWithId(image: string, buildId: string, fields: Partial<ImageBuildFields> = {}): Promise<string> {
    await this.client.mkdirp(imageBuildsPath(image));
    await this.client.create(imageBuildPath(image, buildId), JSON.stringify(this.buildFields(fields)));
    return buildId;
  }

  /** Stores a new upload of a build to `provider` and returns its id. */
  async upload(image: string, buildId: string, provider: string, fields: Partial<ImageUploadFields> = {}): Promise<string> {
    const uploads = imageUploadsPath(image, buildId, provider);
    await this.plantLock(`${uploads}/lock`);
    const path = await this.client.create(`${uploads}/`, JSON.stringify(this.uploadFields(fields)), { sequential: true });
    const id = path.slice(path.lastIndexOf('/') + 1);
    await this.plantLock(`${path}/lock`);
    return id;
  }

  /** Rewrites an upload record whole with `changes` (a new `state` gets a new `state_time`). */
  async updateUpload(image: string, buildId: string, provider: string, uploadId: string, changes: Partial<ImageUploadFields>): Promise<void> {
    const path = imageUploadPath(image, buildId, provider, uploadId);
    const { data } = await this.client.get(path);
    const fields = { ...(JSON.parse(data.toString('utf8')) as ImageUploadFields), ...(changes.state ? { state_time: this.now() } : {}), ...changes };
    await this.client.set(path, JSON.stringify(fields));
  }

  /** `nodepool image-pause <image>` / `image-unpause`. */
  async pause(image: string, paused = true): Promise<void> {
    if (paused) await this.client.mkdirp(imagePausePath(image));
    else await this.client.delete(imagePausePath(image));
  }

  private buildFields(fields: Partial<ImageBuildFields>): ImageBuildFields {
    return {
      state: 'ready',
      state_time: this.now(),
      builder: 'builder01.example.org',
      builder_id: randomBytes(16).toString('hex'),
      formats: 'qcow2,raw',
      username: 'zuul',
      python_path: 'auto',
      shell_type: null,
      ...fields,
    };
  }

  private uploadFields(fields: Partial<ImageUploadFields>): ImageUploadFields {
    return { state: 'ready', state_time: this.now(), external_id: null, external_name: null, format: 'raw', username: 'zuul', python_path: 'auto', shell_type: null, ...fields };
  }

  /** A released kazoo lock: the lock znode stays, without contenders. */
  private async plantLock(lockPath: string): Promise<void> {
    await this.client.mkdirp(lockPath);
  }
}
