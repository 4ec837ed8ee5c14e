/**
 * The `Owner.N` test of DescribeImages and DescribeSnapshots: an owner is an account id,
 * `self` (the caller's account) or an alias such as `amazon`. No owners means any owner.
 */
export function ownerTest(owners: readonly string[], accountId: string): ((ownerId: string, ownerAlias?: string) => boolean) | undefined {
  if (owners.length === 0) return undefined;
  const wanted = new Set(owners.map((owner) => (owner === 'self' ? accountId : owner)));
  return (ownerId, ownerAlias) => wanted.has(ownerId) || (ownerAlias !== undefined && wanted.has(ownerAlias));
}
