import { nodeTags, TAG } from '@cloudpool/common';
import { vmNameOf } from '../src/names.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label, pool, PROVIDER, SimulatedAzure, startAdapter, SYSTEM_ID } from '../src/testing/test-bed.js';

describe('Azure: a public IP still in use', () => {
  let azure: SimulatedAzure;

  beforeAll(async () => {
    azure = await SimulatedAzure.start();
  });
  afterAll(async () => {
    await azure.stop();
  });

  it("is refused with ARM's PublicIPAddressCannotBeDeleted, which the driver takes as retry-later, and deleted once its NIC is gone", async () => {
    const adapter = await startAdapter(azure);
    const nodeId = '0000000801';
    const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {});
    await adapter.createResource({ nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags }, { onExternalId: () => undefined, signal: new AbortController().signal });
    const ours = async () => (await adapter.listResources()).filter((resource) => resource.tags[TAG.nodeId] === nodeId);
    const publicIp = (await ours()).find((resource) => resource.type === 'public-ip')!;

    await expect(adapter.deleteResource(publicIp)).rejects.toMatchObject({ kind: 'transient', code: 'PublicIPAddressCannotBeDeleted' });

    await azure.clients.compute.virtualMachines.beginDeleteAndWait(azure.resourceGroup, vmNameOf({ systemId: SYSTEM_ID, providerName: PROVIDER, nodeId, nonce: undefined }), { updateIntervalInMs: 5 });
    await adapter.deleteResource(publicIp);
    expect((await ours()).filter((resource) => resource.type === 'public-ip')).toEqual([]);
  });
});
