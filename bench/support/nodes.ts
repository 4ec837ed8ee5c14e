import { NodepoolZk, serializeNode, type NewNode, type ZkClient } from '@cloudpool/common';
import { inParallel } from './harness.js';

/** A ready node as a launcher writes it (the fields `applyReadyInstance` fills), for provider `provider`. */
export function readyNode(provider: string, label: string, index: number): NewNode {
  const octets = `${(index >> 8) & 255}.${index & 255}`;
  return {
    state: 'ready',
    cloud: 'aws',
    provider,
    pool: 'main',
    type: [label],
    allocated_to: null,
    launcher: 'bench-launcher-0',
    external_id: `i-${(0x1000000000 + index).toString(16).padStart(17, '0')}`,
    hostname: `np${String(index).padStart(10, '0')}`,
    public_ipv4: `203.0.${octets}`,
    private_ipv4: `10.0.${octets}`,
    interface_ip: `203.0.${octets}`,
    az: 'us-east-1a',
    region: 'us-east-1',
    username: 'ubuntu',
    python_path: 'auto',
    connection_type: 'ssh',
    connection_port: 22,
    image_id: 'jammy',
    resources: { cores: 2, ram: 4096, instances: 1 },
    requestor: 'zuul-bench',
    tenant_name: 'bench',
  };
}

/** Writes `count` ready node records; returns their ids and the bytes of their JSON. */
export async function plantNodes(client: ZkClient, count: number, provider: string, label: string): Promise<{ ids: string[]; bytes: number }> {
  const zk = new NodepoolZk(client, { identifier: 'bench' });
  const ids: string[] = [];
  let bytes = 0;
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    200,
    async (i) => {
      const node = readyNode(provider, label, i);
      ids.push(await zk.createNode(node));
    },
  );
  // Measure what was stored: the records as they are in ZooKeeper.
  await inParallel(ids, 200, async (id) => {
    const found = await zk.getNode(id);
    if (found) bytes += serializeNode(found).length;
  });
  return { ids: ids.sort(), bytes };
}
