import { interfaceAddress, labelImageEntry, type BootUpload, type CloudInstance, type NodeRecord, type PoolConfig, type PoolLabelConfig, type ProviderConfig } from '@cloudpool/common';

/**
 * Writes what the cloud says of a ready instance, and how to connect to it, onto its node record.
 * A diskimage node is reached as the provider's `diskimages` entry says and gets the upload's
 * znode path as `image_id`, as Nodepool writes them; a cloud-image node its entry's name. The
 * host keys its readiness scan gathered (`hostKeys`) go in the same write as the state `ready`.
 */
export function applyReadyInstance(
  node: NodeRecord,
  instance: CloudInstance,
  hostKeys: string[],
  provider: ProviderConfig,
  pool: PoolConfig,
  label: PoolLabelConfig,
  upload?: BootUpload,
): void {
  const image = labelImageEntry(provider, label);
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
    node.image_id = upload?.imageId ?? image.name;
  }
}
