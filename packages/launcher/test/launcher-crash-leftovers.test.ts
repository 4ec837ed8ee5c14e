import { TAG, type NewNode } from '@cloudpool/common';
import type { FakeCloud } from '@cloudpool/common/testing';
import { waitFor } from '@cloudpool/common/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

const CONFIG = `labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 10\n        labels:\n${label('small')}`)}`;

/** Whether the instance is gone or being deleted. */
const deletedFrom = (cloud: FakeCloud, id: string) => cloud.instances.get(id)?.goneAt !== undefined || !cloud.instances.has(id);

/** Records as a launcher killed at some point leaves them: unlocked, its request gone or given up. */
describe('launcher: leftovers of a crashed launcher', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(() => {
    h = harness();
  });

  const leftover = (fields: Partial<NewNode> & Pick<NewNode, 'state'>) =>
    h.requester.createNode({ provider: 'fake-a', pool: 'main', type: ['small'], launcher: 'dead-launcher', ...fields });

  it('deletes an unlocked init node whose request is gone or back to requested, and keeps one of a pending request', async () => {
    const requested = await h.request(['other-label']);
    const pending = await h.request(['other-label']);
    const pendingRecord = (await h.requester.getRequest(pending))!;
    pendingRecord.state = 'pending';
    await h.requester.updateRequest(pendingRecord);
    const ofGone = await leftover({ state: 'init', allocated_to: '100-0000009999' });
    const ofRequested = await leftover({ state: 'init', allocated_to: requested });
    const ofPending = await leftover({ state: 'init', allocated_to: pending });
    // The pending request is locked, as a live launcher making its nodes holds it.
    const requestLock = (await h.requester.lockRequest(pending))!;
    await h.startLauncher(CONFIG);
    await waitFor(async () => !(await h.requester.getNode(ofGone)) && !(await h.requester.getNode(ofRequested)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.requester.getNode(ofPending))?.state).toBe('init');
    await requestLock.release();
  });

  it('deletes an unlocked in-use node with its instance, and keeps one its user holds locked', async () => {
    const cloud = h.driver.cloud('fake-a');
    const tags = (node: string) => ({ [TAG.providerName]: 'fake-a', [TAG.nodeId]: node });
    const launcher = await h.startLauncher(CONFIG);
    const orphan = cloud.plantInstance({ ...tags('x'), [TAG.systemId]: launcher.context.systemId });
    const held = cloud.plantInstance({ ...tags('y'), [TAG.systemId]: launcher.context.systemId });
    const heldNode = await leftover({ state: 'ready', external_id: held.id });
    const locked = (await h.requester.lockNode(heldNode))!;
    locked.node.state = 'in-use';
    await h.requester.updateNode(locked.node);
    const orphanNode = await leftover({ state: 'in-use', external_id: orphan.id });
    await waitFor(async () => !(await h.requester.getNode(orphanNode)));
    expect(deletedFrom(cloud, orphan.id)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.requester.getNode(heldNode))?.state).toBe('in-use');
    expect(deletedFrom(cloud, held.id)).toBe(false);
    await locked.lock.release();
  });

  it('finds the instance of a building node without external id by its node tag and deletes it with the record', async () => {
    const cloud = h.driver.cloud('fake-a');
    const launcher = await h.startLauncher(CONFIG);
    const node = await leftover({ state: 'building', allocated_to: '100-0000009999' });
    const instance = cloud.plantInstance({ [TAG.providerName]: 'fake-a', [TAG.systemId]: launcher.context.systemId, [TAG.nodeId]: node });
    await waitFor(async () => !(await h.requester.getNode(node)));
    expect(deletedFrom(cloud, instance.id)).toBe(true);
  });
});

describe('launcher: a node delete cut short', () => {
  const harness = useLauncherHarness();

  it('removes a record left in state deleted (with its lock znode) when the last step of a delete failed', async () => {
    const h = harness();
    const id = await h.requester.createNode({ state: 'deleted', provider: 'fake-a', pool: 'main', type: ['small'] });
    await h.requester.client.create(`/nodepool/nodes/${id}/lock`, '');
    await h.startLauncher(CONFIG);
    await waitFor(async () => !(await h.requester.getNode(id)));
  });
});
