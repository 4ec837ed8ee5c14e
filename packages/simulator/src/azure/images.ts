import { objectField, without } from './request-fields.js';
import type { ResourceKind } from './resource-kind.js';
import { provisioningState, type Image } from './resource-model.js';

const TYPE = 'Microsoft.Compute/images';

/** Managed images, which VMs may boot from (`imageReference.id`). Stored as sent. */
export const images: ResourceKind<Image> = {
  type: TYPE,
  provider: 'Microsoft.Compute',
  collection: 'images',

  create(ctx, target, body) {
    return {
      type: TYPE,
      ...target,
      tags: {},
      createdAt: ctx.now,
      provisioning: { verb: 'Creating', until: ctx.now },
      properties: without(objectField(body.properties), 'provisioningState'),
    };
  },

  update(ctx, image, body) {
    image.properties = without(objectField(body.properties), 'provisioningState');
    image.provisioning = { verb: 'Updating', until: ctx.now };
  },

  toArm(image, now) {
    return {
      name: image.name,
      id: image.id,
      type: TYPE,
      location: image.location,
      tags: image.tags,
      properties: { ...image.properties, provisioningState: provisioningState(image, now) },
    };
  },
};

/** The OS type an image declares (`storageProfile.osDisk.osType`), if any. */
export function imageOsType(image: Image): string | undefined {
  const osType = objectField(objectField(objectField(image.properties).storageProfile).osDisk).osType;
  return typeof osType === 'string' ? osType : undefined;
}
