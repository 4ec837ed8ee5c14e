/**
 * The tags (or OpenStack metadata keys) cloudpool writes on every cloud resource it creates.
 * The `nodepool_*` names are Nodepool's, so an installation can move between the two.
 */
export const TAG = {
  nodeId: 'nodepool_node_id',
  poolName: 'nodepool_pool_name',
  providerName: 'nodepool_provider_name',
  /** cloudpool's installation id: two installations sharing an account never touch each other's resources. */
  systemId: 'cloudpool_system_id',
  /** Any value protects a resource from leak cleanup. */
  protect: 'cloudpool_protect',
  /**
   * The random nonce of the node record a resource was made for (`cloudpool_node_nonce` in the
   * record): tells apart two nodes of one id, as after ZooKeeper lost its data.
   */
  nodeNonce: 'cloudpool_node_nonce',
  buildId: 'nodepool_build_id',
  uploadId: 'nodepool_upload_id',
} as const;

export interface NodeTagInput {
  nodeId: string;
  poolName: string;
  providerName: string;
  systemId: string;
  /** The node record's nonce, when it has one. */
  nodeNonce?: string;
}

/**
 * The tags of a node's resources: the label's user tags first, then ours, which a user tag can
 * never override (a user tag with one of our names is dropped).
 */
export function nodeTags(input: NodeTagInput, userTags: Record<string, string> = {}): Record<string, string> {
  const ours: Record<string, string> = {
    [TAG.nodeId]: input.nodeId,
    [TAG.poolName]: input.poolName,
    [TAG.providerName]: input.providerName,
    [TAG.systemId]: input.systemId,
    ...(input.nodeNonce === undefined ? {} : { [TAG.nodeNonce]: input.nodeNonce }),
  };
  const user = Object.fromEntries(
    Object.entries(userTags).filter(([key]) => !key.startsWith('nodepool_') && !key.startsWith('cloudpool_')),
  );
  return { ...user, ...ours };
}

/**
 * Who a tagged resource belongs to, as read back from its tags. Decided once per provider
 * (`providerOwnership`) and applied by every driver to its node list, its quota usage (what is
 * not ours is unmanaged usage) and by leak cleanup.
 */
export interface Ownership {
  providerName: string;
  systemId: string;
  /** Under `cloudpool.cleanup.adopt-nodepool-resources`: a resource with our provider tag and no system id is ours. */
  adoptNodepoolResources?: boolean;
}

/** Whether tags say the resource is this provider's and this installation's (safety rule 1 of leak cleanup). */
export function isOurs(tags: Record<string, string>, owner: Ownership): boolean {
  if (tags[TAG.providerName] !== owner.providerName) return false;
  const systemId = tags[TAG.systemId];
  if (systemId === undefined) return owner.adoptNodepoolResources === true;
  return systemId === owner.systemId;
}

/**
 * This provider's ownership: its name, the installation id (`cloudpool_system_id`) and
 * `cloudpool.cleanup.adopt-nodepool-resources`. Every driver and leak cleanup take it from here.
 */
export function providerOwnership(
  providerName: string,
  context: { systemId: string; cleanup: { adoptNodepoolResources: boolean } },
): Ownership {
  return { providerName, systemId: context.systemId, adoptNodepoolResources: context.cleanup.adoptNodepoolResources };
}
