import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeNodepoolBuilder, waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { cloudpool } from '../../packages/launcher/test/cli/cli-test-kit.js';
import { CLOUDS, useCloudHarness } from './support/cloud-harness.js';
import { DISKIMAGE } from './support/cloud-under-test.js';
import { OpenStackCloud } from './support/openstack-cloud.js';

/** A nodepool-builder and a launcher on one ZooKeeper: diskimage labels boot what the builder uploaded. */
describe.each(CLOUDS)('launcher on $name: labels booting nodepool-builder uploads', ({ create }) => {
  const harness = useCloudHarness(create);

  it('declines until an upload is ready, then boots the newest ready one, and a newer one from the next launch on', async () => {
    const h = harness();
    const builder = new FakeNodepoolBuilder(h.zk.requester.client);
    const launcher = await h.startLauncher({ diskimage: true });
    const provider = h.cloud.providerName;

    const early = await h.zk.waitForRequest(await h.zk.request(['small']));
    expect(early).toMatchObject({ state: 'failed', declined_by: [h.poolId] });
    expect(h.cloud.calls(h.cloud.createAction)).toBe(0);

    const first = await builder.build(DISKIMAGE);
    const firstImage = await h.cloud.seedBuilderImage('dib-1');
    const firstUpload = await builder.upload(DISKIMAGE, first, provider, { external_id: firstImage, external_name: 'dib-1' });
    await waitFor(() => launcher.context.images.newestReady(DISKIMAGE, provider)?.id === firstUpload);
    const served = await h.zk.waitForRequest(await h.zk.request(['small']));
    expect(served.state).toBe('fulfilled');
    const node = (await h.zk.requester.getNode(served.nodes[0]!))!;
    expect(node).toMatchObject({ image_id: `/nodepool/images/${DISKIMAGE}/builds/${first}/providers/${provider}/images/${firstUpload}`, username: h.cloud.username });
    expect((await h.cloud.bootedImage(node.external_id as string))?.toLowerCase()).toBe(firstImage.toLowerCase());

    const second = await builder.build(DISKIMAGE);
    const secondImage = await h.cloud.seedBuilderImage('dib-2');
    const secondUpload = await builder.upload(DISKIMAGE, second, provider, { external_id: secondImage, external_name: 'dib-2' });
    await waitFor(() => launcher.context.images.newestReady(DISKIMAGE, provider)?.buildId === second);
    const next = await h.zk.waitForRequest(await h.zk.request(['large']));
    const nextNode = (await h.zk.requester.getNode(next.nodes[0]!))!;
    expect(nextNode.image_id).toBe(`/nodepool/images/${DISKIMAGE}/builds/${second}/providers/${provider}/images/${secondUpload}`);
    expect((await h.cloud.bootedImage(nextNode.external_id as string))?.toLowerCase()).toBe(secondImage.toLowerCase());
  });
});

/** `cloudpool image upload` beside a launcher: the launcher boots what the command uploaded, as it boots nodepool-builder's uploads. */
describe('launcher on openstack: a label booting an image uploaded with cloudpool image upload', () => {
  const harness = useCloudHarness(() => new OpenStackCloud());

  it('boots the upload from the next launch on, with the upload as the node image_id', async () => {
    const h = harness();
    const launcher = await h.startLauncher({ diskimage: true });
    const provider = h.cloud.providerName;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-image-upload-'));
    try {
      await writeFile(path.join(dir, 'nodepool.yaml'), h.configText({ diskimage: true }));
      await writeFile(path.join(dir, 'dib.qcow2'), Buffer.from('a qcow2 image'));
      const { code, stdout, stderr } = await cloudpool(['image', 'upload', DISKIMAGE, path.join(dir, 'dib.qcow2'), '--json', '-c', path.join(dir, 'nodepool.yaml')], {
        drivers: new Map([[h.cloud.name, h.cloud.driver]]),
      });
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const result = JSON.parse(stdout) as { buildId: string; outcomes: Array<{ provider: string; state: string; uploadId: string; externalId: string }> };
      const [outcome] = result.outcomes;
      expect(outcome).toMatchObject({ provider, state: 'ready' });
      await waitFor(() => launcher.context.images.newestReady(DISKIMAGE, provider)?.id === outcome!.uploadId);
      const served = await h.zk.waitForRequest(await h.zk.request(['small']));
      expect(served.state).toBe('fulfilled');
      const node = (await h.zk.requester.getNode(served.nodes[0]!))!;
      expect(node.image_id).toBe(`/nodepool/images/${DISKIMAGE}/builds/${result.buildId}/providers/${provider}/images/${outcome!.uploadId}`);
      expect(await h.cloud.bootedImage(node.external_id as string)).toBe(outcome!.externalId);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
