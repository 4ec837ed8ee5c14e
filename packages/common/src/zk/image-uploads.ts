import type { ZkClient } from './client.js';
import { assertZnodeName, IMAGE_ROOT, imageBuildsPath, imageUploadsPath } from './paths.js';

/** One image upload that a Nodepool builder recorded for a provider. */
export interface ProviderUpload {
  image: string;
  /** The build's id: unique within its image (a sequence number in older Nodepool, a UUID in newer). */
  buildId: string;
  /** The upload's id: a sequence number, unique only within its build and provider. */
  uploadId: string;
}

/** The child of `builds/` and of an upload `images/` znode that is the builders' lock, not an id. */
const LOCK = 'lock';

/**
 * Every upload that Nodepool's builders recorded for `provider`, of every image and build and in
 * every state (one being deleted too): the znodes
 * `/nodepool/images/<image>/builds/<build>/providers/<provider>/images/<upload>`, as Nodepool's
 * `getProviderUploads` reads them, sorted by image, build and upload. Complete or rejecting:
 * no `/nodepool/images` means no uploads; a znode that vanishes between the listing of its
 * parent and its own (an image, build or upload tree being deleted) holds nothing, as is true
 * of it from then on; any other failure rejects.
 */
export async function listProviderUploads(client: ZkClient, provider: string): Promise<ProviderUpload[]> {
  assertZnodeName(provider, 'provider name');
  const images = (await client.getChildrenOrEmpty(IMAGE_ROOT)).sort();
  const perImage = await Promise.all(
    images.map(async (image) => {
      const builds = withoutLock(await client.getChildrenOrEmpty(imageBuildsPath(image)));
      const perBuild = await Promise.all(
        builds.map(async (buildId) => {
          const uploads = withoutLock(await client.getChildrenOrEmpty(imageUploadsPath(image, buildId, provider)));
          return uploads.map((uploadId): ProviderUpload => ({ image, buildId, uploadId }));
        }),
      );
      return perBuild.flat();
    }),
  );
  return perImage.flat();
}

function withoutLock(children: string[]): string[] {
  return children.filter((child) => child !== LOCK).sort();
}
