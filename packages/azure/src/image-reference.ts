import type { Image, ImageReference } from '@azure/arm-compute';
import { CloudError } from '@cloudpool/common';
import type { AzureCloudImageSettings, AzureGalleryImage } from './config.js';

function galleryImageId(kind: 'SharedGalleries' | 'CommunityGalleries', image: AzureGalleryImage): string {
  const id = `/${kind}/${image.galleryName}/Images/${image.name}`;
  return image.version === undefined ? id : `${id}/Versions/${image.version}`;
}

/** Whether an image of the resource group passes every key of an `image-filter`. */
function matchesFilter(image: Image, filter: NonNullable<AzureCloudImageSettings['imageFilter']>): boolean {
  if (image.provisioningState !== 'Succeeded') return false;
  if (filter.name !== undefined && image.name !== filter.name) return false;
  if (filter.location !== undefined && image.location !== filter.location) return false;
  return Object.entries(filter.tags ?? {}).every(([key, value]) => image.tags?.[key] === value);
}

/**
 * The `imageReference` of a VM booting a cloud image: a Marketplace reference, an image id, a
 * shared or community gallery image (latest version unless one is named), or the last image by
 * name of the resource group matching `image-filter` (read with `listImages` only then).
 */
export async function imageReferenceFor(image: AzureCloudImageSettings, listImages: () => Promise<Image[]>): Promise<ImageReference> {
  if (image.imageReference) return { ...image.imageReference };
  if (image.imageId !== undefined) return { id: image.imageId };
  if (image.sharedGalleryImage) return { sharedGalleryImageId: galleryImageId('SharedGalleries', image.sharedGalleryImage) };
  if (image.communityGalleryImage) return { communityGalleryImageId: galleryImageId('CommunityGalleries', image.communityGalleryImage) };
  if (image.imageFilter) {
    const filter = image.imageFilter;
    const found = (await listImages()).filter((candidate) => matchesFilter(candidate, filter));
    found.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
    const last = found.at(-1);
    if (last?.id) return { id: last.id };
    throw new CloudError('permanent', `no image of the resource group matches image-filter ${JSON.stringify(filter)}`, { action: 'images.list' });
  }
  throw new CloudError('permanent', 'the cloud image names no image', { action: 'virtualMachines.createOrUpdate' });
}
