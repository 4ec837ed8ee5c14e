import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { TAG } from '@cloudpool/common';

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
