import { interfaceAddress, type CloudInstance, type NodeRecord, type PoolConfig, type PoolLabelConfig, type ProviderConfig } from '@cloudpool/common';

/**
 * Writes what the cloud says of a ready instance, how to connect to it, and the host keys its
 * readiness scan gathered (`hostKeys`, in the same write as the state `ready`) onto its record.
 */
export function applyReadyInstance(node: NodeRecord, instance: CloudInstance, hostKeys: string[], provider: ProviderConfig, pool: PoolConfig, label: PoolLabelConfig): void {
  const image = label.cloudImage === undefined ? undefined : provider.cloudImages.get(label.cloudImage);
  node.state = 'ready';
  node.external_id = instance.externalId;
  node.public_ipv4 = instance.publicIpv4 ?? null;
  node.private_ipv4 = instance.privateIpv4 ?? null;
  node.public_ipv6 = instance.publicIpv6 ?? null;
  node.interface_ip = interfaceAddress(instance) ?? null;
  node.host_keys = [...hostKeys];
  if (instance.cloud !== undefined) node.cloud = instance.cloud;
  node.az = instance.az ?? null;
  node.region = instance.region ?? null;
  node.host_id = instance.hostId ?? null;
  node.hostname = `np${node.id}`;
  node.attributes = Object.keys(pool.nodeAttributes).length > 0 ? { ...pool.nodeAttributes } : null;
  if (image) {
    node.username = image.username ?? null;
    node.python_path = image.pythonPath;
    node.shell_type = image.shellType ?? null;
    node.connection_type = image.connectionType;
    node.connection_port = image.connectionPort;
    node.image_id = image.name;
  }
}
