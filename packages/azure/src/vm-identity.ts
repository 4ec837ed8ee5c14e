/**
 * The external id of a VM: its ARM id spelled one way, whoever answered. ARM ids are
 * case-insensitive and Microsoft.Compute does not keep their casing: a PUT's answer echoes the
 * request's resource group, while GETs and lists often spell it upper-cased. The framework
 * compares external ids verbatim, so the id of a VM is always built from the provider's
 * subscription and resource group as configured and the VM's name, never taken from an answer.
 * (Nodepool keys its nodes on the VM name for the same reason.)
 */
export function canonicalVmId(subscriptionId: string, resourceGroup: string, vmName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
}
