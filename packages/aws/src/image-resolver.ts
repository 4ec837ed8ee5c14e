import type { BlockDeviceMapping, Image } from '@aws-sdk/client-ec2';
import { CloudError, isCloudError, SharedListCache, type Clock } from '@cloudpool/common';
import type { AwsCloudImageSettings } from './config.js';
import type { Ec2Port } from './port.js';

/** The AMI a launch boots, and its own mapping of its root device (see root-volume.ts). */
export interface ResolvedImage {
  imageId: string;
  /** The image's `BlockDeviceMappings` entry of its `RootDeviceName`; undefined when it has none. */
  rootDevice: BlockDeviceMapping | undefined;
}

/**
 * Resolves a cloud image to an AMI: `image-id` as given, `image-filters` to the newest
 * matching image by CreationDate (as Nodepool does). Either way one DescribeImages, whose
 * answer is kept for `ttlMs` and shared by concurrent launches, so many launches of a label
 * cost one call; a newer image matching the filters is picked up once it expires. An image
 * that does not exist, or filters matching none, are `permanent` CloudErrors.
 */
export class ImageResolver {
  private readonly cache = new Map<string, SharedListCache<ResolvedImage>>();

  constructor(
    private readonly calls: Pick<Ec2Port, 'describeImages'>,
    private readonly options: { ttlMs: number; clock: Clock },
  ) {}

  resolve(image: AwsCloudImageSettings): Promise<ResolvedImage> {
    const key = JSON.stringify([image.imageId ?? null, image.imageFilters ?? null]);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = new SharedListCache(() => this.lookUp(image), this.options);
      this.cache.set(key, entry);
    }
    return entry.get();
  }

  private async lookUp(image: AwsCloudImageSettings): Promise<ResolvedImage> {
    if (image.imageFilters) {
      const filters = image.imageFilters.map(({ name, values }) => ({ Name: name, Values: values }));
      const newest = newestImage(await this.calls.describeImages({ Filters: filters }));
      if (!newest?.ImageId) throw permanent(`no image matches the image-filters ${JSON.stringify(image.imageFilters)}`);
      return { imageId: newest.ImageId, rootDevice: rootDeviceOf(newest) };
    }
    if (image.imageId === undefined) throw permanent('the cloud image has neither image-id nor image-filters');
    const imageId = image.imageId;
    const found = await this.calls.describeImages({ ImageIds: [imageId] }).catch((error: unknown) => {
      throw isCloudError(error, 'not-found') ? permanent(`image ${imageId} does not exist`) : error;
    });
    const described = found.find((candidate) => candidate.ImageId === imageId);
    if (!described) throw permanent(`image ${imageId} does not exist`);
    return { imageId, rootDevice: rootDeviceOf(described) };
  }
}

function rootDeviceOf(image: Image): BlockDeviceMapping | undefined {
  return image.BlockDeviceMappings?.find((mapping) => mapping.DeviceName !== undefined && mapping.DeviceName === image.RootDeviceName);
}

function newestImage(images: Image[]): Image | undefined {
  return images.reduce<Image | undefined>(
    (newest, image) => (!newest || (image.CreationDate ?? '') > (newest.CreationDate ?? '') ? image : newest),
    undefined,
  );
}

function permanent(message: string): CloudError {
  return new CloudError('permanent', `DescribeImages: ${message}`, { action: 'DescribeImages' });
}
