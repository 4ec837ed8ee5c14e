import { CreateNodeStateMachine, DeleteNodeStateMachine, ManualClock, nodeTags } from '@cloudpool/common';
import { vmNameOf } from '../src/names.js';
import { describe, expect, it } from 'vitest';
import { label, pool, PROVIDER, startAdapter, SYSTEM_ID, useSimulatedAzure } from '../src/testing/test-bed.js';

/** Advances a state machine until it ends, letting its steps' cloud calls run in between. */
async function run(machine: { advance(): void; complete: boolean; failed: boolean }, rounds = 400): Promise<void> {
  for (let round = 0; round < rounds && !machine.complete && !machine.failed; round++) {
    machine.advance();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Azure VM identity', () => {
  const azure = useSimulatedAzure();

  it('finds its VM in the listing although Compute spells the resource group otherwise than the create answer', async () => {
    const adapter = await startAdapter(azure());
    const nodeId = '0000000777';
    const tags = nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {});
    const create = new CreateNodeStateMachine(adapter, { nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags }, { clock: new ManualClock(), bootTimeoutMs: 60_000 });
    await run(create);

    // As real Compute does, reads name the group upper-cased; the PUT's answer echoed the request.
    const read = await azure().clients.compute.virtualMachines.get(azure().resourceGroup, vmNameOf({ systemId: SYSTEM_ID, providerName: PROVIDER, nodeId, nonce: undefined }));
    expect(read.id).toContain(`/resourceGroups/${azure().resourceGroup.toUpperCase()}/`);
    expect(azure().resourceGroup).not.toBe(azure().resourceGroup.toUpperCase());

    expect(create.error).toBeUndefined();
    expect(create.complete).toBe(true);
    expect(create.instance?.externalId).toBe(create.externalId);

    const remove = new DeleteNodeStateMachine(adapter, create.externalId!);
    await run(remove);
    expect(remove.complete).toBe(true);
    expect((await adapter.listNodes()).map((instance) => instance.externalId)).toEqual([]);
  });
});
