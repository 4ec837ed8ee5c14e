import type { BootUpload, CloudInstance, NodeRecord, PoolConfig, PoolLabelConfig, ProviderConfig } from '@cloudpool/common';

/**
 * Writes what the cloud says of a ready instance, and how to connect to it, onto its node record.
 * A diskimage node is reached as the provider's `diskimages` entry says and gets the upload's
 * znode path as `image_id`, as Nodepool writes them; a cloud-image node its entry's name.
 */
export function applyReadyInstance(
  node: NodeRecord,
  instance: CloudInstance,
  provider: ProviderConfig,
  pool: PoolConfig,
  label: PoolLabelConfig,
  upload?: BootUpload,
): void {
  const image =
    label.diskimage !== undefined
      ? provider.diskimages.get(label.diskimage)
      : label.cloudImage === undefined
        ? undefined
        : provider.cloudImages.get(label.cloudImage);
  node.state = 'ready';
  node.external_id = instance.externalId;
  node.public_ipv4 = instance.publicIpv4 ?? null;
  node.private_ipv4 = instance.privateIpv4 ?? null;
  node.public_ipv6 = instance.publicIpv6 ?? null;
  node.interface_ip = instance.interfaceIp ?? instance.publicIpv4 ?? instance.publicIpv6 ?? instance.privateIpv4 ?? null;
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
