import type { Ec2Action } from './action-context.js';
import { describePage } from './describe-page.js';
import { Ec2Error, ec2Errors } from './errors.js';
import type { FilterCatalog } from './filters.js';
import { ownerTest } from './owners.js';
import { lookUp, lookUpOne, RESOURCE_KINDS } from './resource-kinds.js';
import { snapshotXml, volumeXml } from './resource-xml.js';
import type { SnapshotRecord } from './snapshots.js';
import { volumeState, type VolumeRecord } from './volumes.js';
import { xmlList, xmlText, xmlTime } from './xml.js';

const VOLUME_FILTERS: FilterCatalog<VolumeRecord> = {
  'volume-id': (volume) => volume.id,
  status: (volume) => volumeState(volume),
  size: (volume) => String(volume.size),
  'volume-type': (volume) => volume.volumeType,
  'availability-zone': (volume) => volume.availabilityZone,
  'snapshot-id': (volume) => volume.snapshotId ?? '',
  encrypted: (volume) => String(volume.encrypted),
  'create-time': (volume) => xmlTime(volume.createTime),
  'attachment.instance-id': (volume) => volume.attachment?.instanceId,
  'attachment.device': (volume) => volume.attachment?.device,
  'attachment.status': (volume) => (volume.attachment ? 'attached' : undefined),
  'attachment.delete-on-termination': (volume) => volume.attachment && String(volume.attachment.deleteOnTermination),
};

const SNAPSHOT_FILTERS: FilterCatalog<SnapshotRecord> = {
  'snapshot-id': (snapshot) => snapshot.id,
  status: (snapshot) => snapshot.state,
  'owner-id': (snapshot) => snapshot.ownerId,
  'volume-id': (snapshot) => snapshot.volumeId,
  'volume-size': (snapshot) => String(snapshot.volumeSize),
  description: (snapshot) => snapshot.description,
  encrypted: (snapshot) => String(snapshot.encrypted),
  'start-time': (snapshot) => xmlTime(snapshot.startTime),
  progress: (snapshot) => (snapshot.state === 'completed' ? '100%' : '0%'),
};

/** DescribeVolumes: `VolumeId.N` (all must exist) and filters, paged (`MaxResults` 5 to 500) in creation order. */
export const describeVolumes: Ec2Action = {
  kind: 'read',
  run(params, context) {
    const ids = params.list('VolumeId');
    const page = describePage(context.account.volumes, params, context, {
      catalog: VOLUME_FILTERS,
      bounds: { min: 5, max: 500 },
      only: ids.length > 0 ? lookUp(context.account, RESOURCE_KINDS.volume, ids) : undefined,
    });
    return xmlList('volumeSet', page.items, (volume) => volumeXml(volume, context.account)) + page.nextTokenXml;
  },
};

/** DeleteVolume: only a detached volume (else `VolumeInUse`); it is `deleting` for the delete time knob, then gone. */
export const deleteVolume: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const volume = lookUpOne(context.account, RESOURCE_KINDS.volume, params.requiredString('VolumeId'));
    if (volume.attachment) {
      throw new Ec2Error('VolumeInUse', `Volume ${volume.id} is currently attached to ${volume.attachment.instanceId}`);
    }
    context.account.deleteVolume(volume, context.now, context.knobs.deleteTimeMs);
    return xmlText('return', true);
  },
};

/** DescribeSnapshots: `SnapshotId.N`, `Owner.N` (`self`, an account id) and filters, paged (`MaxResults` 5 to 1000). */
export const describeSnapshots: Ec2Action = {
  kind: 'read',
  run(params, context) {
    const ids = params.list('SnapshotId');
    const owned = ownerTest(params.list('Owner'), context.account.accountId);
    const page = describePage(context.account.snapshots, params, context, {
      catalog: SNAPSHOT_FILTERS,
      bounds: { min: 5, max: 1000 },
      only: ids.length > 0 ? lookUp(context.account, RESOURCE_KINDS.snapshot, ids) : undefined,
      alsoRequire: owned && ((snapshot) => owned(snapshot.ownerId)),
    });
    return xmlList('snapshotSet', page.items, snapshotXml) + page.nextTokenXml;
  },
};

/** DeleteSnapshot: refused with `InvalidSnapshot.InUse` while a registered image uses the snapshot. */
export const deleteSnapshot: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const snapshot = lookUpOne(context.account, RESOURCE_KINDS.snapshot, params.requiredString('SnapshotId'));
    if (snapshot.ownerId !== context.account.accountId) throw ec2Errors.unauthorized();
    for (const image of context.account.images.values()) {
      if (image.blockDevices.some((device) => device.snapshotId === snapshot.id)) {
        throw new Ec2Error('InvalidSnapshot.InUse', `The snapshot ${snapshot.id} is currently in use by ${image.id}`);
      }
    }
    context.account.snapshots.delete(snapshot.id);
    return xmlText('return', true);
  },
};
