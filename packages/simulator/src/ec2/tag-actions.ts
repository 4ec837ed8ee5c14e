import type { Ec2Action } from './action-context.js';
import { Ec2Error, ec2Errors } from './errors.js';
import { kindOfId, lookUp, type ResourceKind } from './resource-kinds.js';
import type { StoredResource } from './resource-store.js';
import { parseTags } from './tag-params.js';
import { xmlText } from './xml.js';

/**
 * CreateTags on resources of any type the simulator holds (instances, volumes, interfaces,
 * snapshots, images, addresses). All ids are checked before any tag is set, so it is all or nothing.
 */
export const createTags: Ec2Action = {
  kind: 'write',
  run(params, context) {
    const ids = params.list('ResourceId');
    if (ids.length === 0) throw ec2Errors.missingParameter('ResourceId');
    const tags = parseTags(params, 'Tag');
    if (tags.size === 0) throw ec2Errors.missingParameter('Tag');
    const idsByKind = new Map<ResourceKind, string[]>();
    for (const id of ids) {
      const kind = kindOfId(id);
      if (!kind) throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
      idsByKind.set(kind, [...(idsByKind.get(kind) ?? []), id]);
    }
    const targets: Array<{ kind: ResourceKind; resources: StoredResource[] }> = [];
    for (const [kind, kindIds] of idsByKind) targets.push({ kind, resources: lookUp(context.account, kind, kindIds) });
    for (const { kind, resources } of targets) {
      const store = kind.store(context.account);
      for (const resource of resources) for (const [key, value] of tags) store.setTag(resource, key, value);
    }
    return xmlText('return', true);
  },
};
