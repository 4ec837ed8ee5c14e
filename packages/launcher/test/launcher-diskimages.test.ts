import { FakeNodepoolBuilder, waitFor } from '@cloudpool/common/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

/** A fake provider whose pool serves `small` (a cloud image) and `dib` (nodepool-builder's `fedora`). */
const config = `labels:
  - name: small
  - name: dib
diskimages:
  - name: base
    abstract: true
    username: builder-user
    python-path: /usr/bin/python3
    elements: [vm]
  - name: fedora
    parent: base
    rebuild-age: 86400
providers:
  - name: fake-a
    driver: fake
    cloud-images:
      - name: fake-image
        username: zuul
    diskimages:
      - name: fedora
        connection-port: 2222
        shell-type: bash
    pools:
      - name: main
        max-servers: 5
        labels:
${label('small')}          - name: dib
            diskimage: fedora
            cores: 1
            ram: 1024
`;

describe('launcher: diskimage labels boot the uploads of nodepool-builder', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  let builder: FakeNodepoolBuilder;
  let time = 1_700_000_000;
  beforeEach(() => {
    h = harness();
    builder = new FakeNodepoolBuilder(h.requester.client, () => time++);
  });

  it('declines while no upload is ready ("images are not available"), as Nodepool does; other labels are served', async () => {
    const launcher = await h.startLauncher(config);
    const reasons: string[] = [];
    launcher.context.events.on('request', (event: { outcome: string; reason?: string }) => {
      if (event.outcome === 'declined' && event.reason) reasons.push(event.reason);
    });
    const build = await builder.build('fedora');
    await builder.upload('fedora', build, 'fake-a', { state: 'uploading' });
    await builder.upload('fedora', build, 'other-provider', { external_id: 'img-elsewhere' });
    const dib = await h.waitForRequest(await h.request(['dib']));
    expect(dib).toMatchObject({ state: 'failed', declined_by: ['fake-a-main'] });
    await waitFor(() => reasons.length > 0);
    expect(reasons).toEqual(['images are not available: diskimage "fedora" of label "dib" has no ready upload to this provider']);
    expect((await h.waitForRequest(await h.request(['small']))).state).toBe('fulfilled');
  });

  it("boots the newest ready upload, writes Nodepool's image_id and the diskimage's connection fields, and uses a new upload from the next launch on", async () => {
    await h.startLauncher(config);
    const first = await builder.build('fedora');
    const older = await builder.upload('fedora', first, 'fake-a', { external_id: 'img-1' });
    const newer = await builder.upload('fedora', first, 'fake-a', { external_id: 'img-2' });
    await builder.upload('fedora', first, 'fake-a', { external_id: 'img-3', state: 'failed' });
    expect(older).not.toBe(newer);
    // Paused builds stop the builder, not the launcher.
    await builder.pause('fedora');

    const served = await h.waitForRequest(await h.request(['dib']));
    expect(served.state).toBe('fulfilled');
    const node = (await h.requester.getNode(served.nodes[0]!))!;
    expect(node).toMatchObject({
      image_id: `/nodepool/images/fedora/builds/${first}/providers/fake-a/images/${newer}`,
      username: 'builder-user',
      python_path: '/usr/bin/python3',
      shell_type: 'bash',
      connection_type: 'ssh',
      connection_port: 2222,
    });
    const cloud = h.driver.cloud('fake-a');
    expect(cloud.instances.get(node.external_id as string)?.image).toBe('img-2');

    const second = await builder.build('fedora');
    const latest = await builder.upload('fedora', second, 'fake-a', { external_id: 'img-4' });
    const launcher = h.launchers[0]!;
    await waitFor(() => launcher.context.images.newestReady('fedora', 'fake-a')?.id === latest && launcher.context.images.newestReady('fedora', 'fake-a')?.buildId === second);
    const next = await h.waitForRequest(await h.request(['dib']));
    const nextNode = (await h.requester.getNode(next.nodes[0]!))!;
    expect(nextNode.image_id).toBe(`/nodepool/images/fedora/builds/${second}/providers/fake-a/images/${latest}`);
    expect(cloud.instances.get(nextNode.external_id as string)?.image).toBe('img-4');
    // A cloud-image node keeps the cloud image's name as image_id.
    const small = await h.waitForRequest(await h.request(['small']));
    expect((await h.requester.getNode(small.nodes[0]!))!.image_id).toBe('fake-image');
  });
});
