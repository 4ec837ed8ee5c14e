import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { isOurs, TAG } from '@cloudpool/common';

/** Tags as EC2 takes them. */
export function tagList(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Tags as EC2 returns them, as a record (entries without a key are dropped). */
export function tagRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { Key, Value } of tags ?? []) if (Key !== undefined) record[Key] = Value ?? '';
  return record;
}

/** The server-side filter for resources tagged with a provider's name. */
export function providerTagFilter(providerName: string): Filter {
  return { Name: `tag:${TAG.providerName}`, Values: [providerName] };
}

/**
 * Whether tags say a resource is this provider's, in this installation or made by Nodepool
 * (no system id: leak cleanup may adopt those). Resources of another installation that shares
 * the provider name are not.
 */
export function isProviderResource(tags: Readonly<Record<string, string>>, providerName: string, systemId: string): boolean {
  return isOurs(tags, { providerName, systemId, adoptNodepoolResources: true });
}
