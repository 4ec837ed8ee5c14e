import type { Ec2Action } from './action-context.js';
import { describePage } from './describe-page.js';
import { ec2Errors } from './errors.js';
import type { FilterCatalog } from './filters.js';
import type { ImageRecord } from './images.js';
import { ownerTest } from './owners.js';
import { lookUp, lookUpOne, RESOURCE_KINDS } from './resource-kinds.js';
import { imageXml } from './resource-xml.js';
import { xmlList, xmlText } from './xml.js';

const IMAGE_FILTERS: FilterCatalog<ImageRecord> = {
  'image-id': (image) => image.id,
  name: (image) => image.name,
  description: (image) => image.description,
  state: () => 'available',
  'owner-id': (image) => image.ownerId,
  'owner-alias': (image) => image.ownerAlias,
  architecture: (image) => image.architecture,
  'is-public': (image) => String(image.isPublic),
  'image-type': () => 'machine',
  'root-device-type': () => 'ebs',
  'root-device-name': (image) => image.rootDeviceName,
  'virtualization-type': () => 'hvm',
  'platform-details': (image) => image.platformDetails,
  'creation-date': (image) => image.creationDate,
  'block-device-mapping.snapshot-id': (image) => image.blockDevices.map((device) => device.snapshotId),
  'block-device-mapping.volume-size': (image) => image.blockDevices.map((device) => String(device.volumeSize)),
  'block-device-mapping.volume-type': (image) => image.blockDevices.map((device) => device.volumeType),
};

/**
 * DescribeImages: `ImageId.N` (all must exist), `Owner.N` (`self`, `amazon`, an account id)
 * and filters (`name` with wildcards, `tag:KEY`, …), paged (`MaxResults` 1 to 1000).
 */
export const describeImages: Ec2Action = {
  kind: 'read',
  run(params, context) {
    const ids = params.list('ImageId');
    const owned = ownerTest(params.list('Owner'), context.account.accountId);
    const page = describePage(context.account.images, params, context, {
      catalog: IMAGE_FILTERS,
      bounds: { min: 1, max: 1000 },
      only: ids.length > 0 ? lookUp(context.account, RESOURCE_KINDS.image, ids) : undefined,
      alsoRequire: owned && ((image) => owned(image.ownerId, image.ownerAlias)),
    });
    return xmlList('imagesSet', page.items, imageXml) + page.nextTokenXml;
  },
};

/**
 * DeregisterImage: only the account's own images (`UnauthorizedOperation` otherwise). With
 * `DeleteAssociatedSnapshots` its snapshots go too; otherwise they stay (and may then leak).
 */
export const deregisterImage: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const { account } = context;
    const image = lookUpOne(account, RESOURCE_KINDS.image, params.requiredString('ImageId'));
    if (image.ownerId !== account.accountId) throw ec2Errors.unauthorized();
    account.images.delete(image.id);
    if (!params.boolean('DeleteAssociatedSnapshots')) return xmlText('return', true);
    const deleted = image.blockDevices.map((device) => device.snapshotId).filter((snapshotId) => account.snapshots.get(snapshotId));
    for (const snapshotId of deleted) account.snapshots.delete(snapshotId);
    return (
      xmlText('return', true) +
      xmlList('deleteSnapshotResultSet', deleted, (snapshotId) => xmlText('snapshotId', snapshotId) + xmlText('returnCode', 'success'))
    );
  },
};
