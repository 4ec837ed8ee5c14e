import { createHash } from 'node:crypto';
import { TAG } from '@cloudpool/common';

/** Server metadata (and Neutron tag) key holding the launch attempt a resource was made for. */
export const ATTEMPT_KEY = 'cloudpool_attempt';

/** Nova's limits on one server tag. */
const NOVA_TAG_MAX_LENGTH = 60;
/** Neutron's limit on one tag. */
const NEUTRON_TAG_MAX_LENGTH = 255;

/**
 * The Nova server tag (microversion 2.52) that lets `GET /servers/detail?tags=` return only
 * one provider's servers: `nodepool_provider_name=<provider>`, or, for a name Nova cannot take
 * in a tag (over 60 characters, or with `/` or `,`), `nodepool_provider_name#<digest>` with the
 * first 16 hex digits of the name's SHA-256. It only narrows the listing: ownership is always
 * decided from the server's metadata.
 */
export function providerServerTag(providerName: string): string {
  const plain = `${TAG.providerName}=${providerName}`;
  if (plain.length <= NOVA_TAG_MAX_LENGTH && !/[/,]/.test(plain)) return plain;
  return `${TAG.providerName}#${createHash('sha256').update(providerName).digest('hex').slice(0, 16)}`;
}

/**
 * Neutron tags are plain strings: each tag `key: value` is written `key=value`. A pair that
 * Neutron cannot hold (over 255 characters) or that would break a comma-separated tag filter
 * (a `,` in it) is left out; our own keys hold names and ids, which in practice never do.
 */
export function toNeutronTags(tags: Record<string, string>): string[] {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .filter((tag) => tag.length <= NEUTRON_TAG_MAX_LENGTH && !tag.includes(','));
}

/** Reads `key=value` Neutron tags back into a mapping; tags without `=` are ignored. */
export function fromNeutronTags(tags: readonly string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) {
    const separator = tag.indexOf('=');
    if (separator > 0) result[tag.slice(0, separator)] = tag.slice(separator + 1);
  }
  return result;
}

/** The Neutron tags every port of one launch attempt carries, to find them by (`tags=` filter). */
export function attemptTags(nodeId: string, attempt: string, nonce: string | undefined): string[] {
  return toNeutronTags({ [TAG.nodeId]: nodeId, [ATTEMPT_KEY]: attempt, ...(nonce === undefined ? {} : { [TAG.nodeNonce]: nonce }) });
}

/** Who makes a resource: this installation's provider. */
export interface ResourceOwner {
  systemId: string;
  providerName: string;
}

/** 16 hex digits of SHA-256 over (installation id, provider name): "made by this installation's provider", in a description. */
function ownerDigest(owner: ResourceOwner): string {
  return createHash('sha256').update(JSON.stringify([owner.systemId, owner.providerName])).digest('hex').slice(0, 16);
}

/** What `identityDescription` writes; `tagsFromDescription` reads it back. */
const IDENTITY_DESCRIPTION = /^cloudpool node (\S+) nonce ([0-9a-f]+|-) attempt (\d+) owner ([0-9a-f]{16})$/;

/**
 * The description a port or floating IP is created with, e.g. `cloudpool node 0000000042 nonce
 * 9f1c2a3b4d5e6f70 attempt 1 owner 3a7c0e1f2b4d6a8c`: the node, its nonce and attempt, and a
 * digest of the installation id and provider that made it. Neutron takes a description in the
 * create body, where it takes no tags, so a crash between the create and the tagging still
 * leaves this on the resource, and leak cleanup reads the tags back from it.
 */
export function identityDescription(owner: ResourceOwner, node: { nodeId: string; nonce: string | undefined; attempt: number }): string {
  return `cloudpool node ${node.nodeId} nonce ${node.nonce ?? '-'} attempt ${node.attempt} owner ${ownerDigest(owner)}`;
}

/**
 * The tags of a resource whose description `identityDescription` wrote for `owner` (provider,
 * installation, node id, attempt and nonce); undefined for any other description, including
 * the same shape written for another provider or installation.
 */
export function tagsFromDescription(description: string | undefined, owner: ResourceOwner): Record<string, string> | undefined {
  const match = IDENTITY_DESCRIPTION.exec(description ?? '');
  if (!match || match[4] !== ownerDigest(owner)) return undefined;
  const [, nodeId, nonce, attempt] = match as unknown as [string, string, string, string];
  return {
    [TAG.providerName]: owner.providerName,
    [TAG.systemId]: owner.systemId,
    [TAG.nodeId]: nodeId,
    [ATTEMPT_KEY]: attempt,
    ...(nonce === '-' ? {} : { [TAG.nodeNonce]: nonce }),
  };
}

/** Whether `actual` holds every tag of `expected` (a cloud that ignored tags on create holds none). */
export function hasAllTags(actual: readonly string[] | undefined, expected: readonly string[]): boolean {
  return expected.every((tag) => actual?.includes(tag));
}
