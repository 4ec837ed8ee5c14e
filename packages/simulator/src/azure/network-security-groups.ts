import { randomUUID } from 'node:crypto';
import { objectField, without } from './request-fields.js';
import type { ResourceKind } from './resource-kind.js';
import { provisioningState, type NetworkSecurityGroup } from './resource-model.js';

const TYPE = 'Microsoft.Network/networkSecurityGroups';

/**
 * Network security groups, stored with their rules as sent. A subnet refers to one
 * (`properties.networkSecurityGroup.id`); Standard public IPs admit no inbound traffic unless an
 * NSG on the subnet or NIC allows it, which is why Nodepool's documentation asks for one.
 */
export const networkSecurityGroups: ResourceKind<NetworkSecurityGroup> = {
  type: TYPE,
  provider: 'Microsoft.Network',
  collection: 'networkSecurityGroups',

  create(ctx, target, body) {
    return {
      type: TYPE,
      ...target,
      tags: {},
      createdAt: ctx.now,
      provisioning: { verb: 'Updating', until: ctx.now },
      resourceGuid: randomUUID(),
      etag: `W/"${randomUUID()}"`,
      properties: without(objectField(body.properties), 'provisioningState', 'resourceGuid'),
    };
  },

  update(ctx, group, body) {
    group.properties = without(objectField(body.properties), 'provisioningState', 'resourceGuid');
    group.etag = `W/"${randomUUID()}"`;
    group.provisioning = { verb: 'Updating', until: ctx.now };
  },

  toArm(group, now) {
    return {
      name: group.name,
      id: group.id,
      etag: group.etag,
      type: TYPE,
      location: group.location,
      tags: group.tags,
      properties: { securityRules: [], ...group.properties, provisioningState: provisioningState(group, now), resourceGuid: group.resourceGuid },
    };
  },
};
