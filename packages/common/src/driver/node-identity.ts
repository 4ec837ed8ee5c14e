import { createHash } from 'node:crypto';

/** What identifies one node record of one installation in a cloud. */
export interface NodeIdentityInput {
  /** This installation's id (`cloudpool_system_id`). */
  systemId: string;
  providerName: string;
  nodeId: string;
  /**
   * The node record's nonce (`cloudpool_node_nonce`, random, written when the record was made).
   * Without it (a record written by another tool) the identity names only installation and id.
   */
  nonce: string | undefined;
}

/**
 * A short digest (12 hex digits, 48 bits) of a node record's identity, for cloud names and
 * idempotency tokens that could otherwise match an existing resource. It changes with the
 * installation and with the nonce, so a node id handed out again after ZooKeeper lost its data,
 * or the same id in another installation, never names what was made for the other node.
 */
export function nodeIdentity(input: NodeIdentityInput, extra: readonly (string | number)[] = []): string {
  return createHash('sha256')
    .update(JSON.stringify([input.systemId, input.providerName, input.nodeId, input.nonce ?? null, ...extra]))
    .digest('hex')
    .slice(0, 12);
}
