import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { imageLocks, readImageTree, SYSTEM_ID_PATH } from '@cloudpool/common';
import { FakeNodepoolBuilder } from '@cloudpool/common/testing';
import { ConnectionRegistry, createOpenStackDriver } from '@cloudpool/openstack';
import { OpenStackSimulator } from '@cloudpool/simulator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cloudpool, useTempDir, writeConfig } from '../../packages/launcher/test/cli/cli-test-kit.js';
import { useLauncherHarness } from '../../packages/launcher/test/support/launcher-harness.js';

/** Debian's python3-kazoo is installed for Debian's own interpreter (scripts/bootstrap.sh installs it). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const KAZOO_READER = fileURLToPath(new URL('../../packages/common/test/zk/kazoo-image-records.py', import.meta.url));

interface GlanceView {
  id: string;
  name: string;
  status: string;
  size: number | null;
  checksum: string | null;
  disk_format: string;
  container_format: string;
  visibility: string;
  [property: string]: unknown;
}

/** Two simulated clouds: `sim-a` takes any image, `sim-b` only images of at most 4 bytes (Glance's `image_size_cap`). */
let simA: OpenStackSimulator;
let simB: OpenStackSimulator;

beforeAll(async () => {
  simA = await new OpenStackSimulator({ cloudName: 'sim-a' }).start();
  simB = await new OpenStackSimulator({ cloudName: 'sim-b', imageSizeCap: 4 }).start();
});

afterAll(async () => {
  await simA?.stop();
  await simB?.stop();
});

async function token(sim: OpenStackSimulator): Promise<string> {
  const { user, project, domain } = sim.identity;
  const scopedTo = { domain: { name: domain.name } };
  const response = await fetch(`${sim.connectionInfo().authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user.name, password: user.password, ...scopedTo } } }, scope: { project: { name: project.name, ...scopedTo } } } }),
  });
  return response.headers.get('x-subject-token')!;
}

async function glanceImages(sim: OpenStackSimulator, provider: string): Promise<GlanceView[]> {
  const response = await fetch(`${sim.url}/image/v2/images?nodepool_provider_name=${provider}`, { headers: { 'X-Auth-Token': await token(sim) } });
  return ((await response.json()) as { images: GlanceView[] }).images;
}

const PROVIDERS = `diskimages:
  - name: dib
    username: cloud-user
labels:
  - name: small
providers:
  - name: os-a
    driver: openstack
    cloud: sim-a
    diskimages:
      - name: dib
        meta:
          purpose: ci
          nodepool_build_id: not-ours-to-set
    pools:
      - name: main
        labels:
          - name: small
            diskimage: dib
            flavor-name: m1.small
  - name: os-b
    driver: openstack
    cloud: sim-b
    diskimages:
      - name: dib
    pools:
      - name: main
        labels:
          - name: small
            diskimage: dib
            flavor-name: m1.small
  - name: os-c
    driver: openstack
    cloud: sim-a
    cloud-images:
      - name: ubuntu
        image-name: ubuntu-jammy
    pools:
      - name: main
        labels:
          - name: small
            cloud-image: ubuntu
            flavor-name: m1.small
`;

describe('cloudpool image upload and image cleanup on simulated OpenStack clouds, with records a Nodepool launcher boots', () => {
  const harness = useLauncherHarness();
  const tempDir = useTempDir();

  it('uploads to every provider naming the image, records ready and failed uploads as nodepool-builder does, and deletes what image-delete marks', async () => {
    const dir = tempDir();
    // JSON is YAML: both clouds in one clouds.yaml.
    const clouds = { clouds: { ...simA.connectionInfo().document.clouds, ...simB.connectionInfo().document.clouds } };
    await writeFile(path.join(dir, 'clouds.yaml'), JSON.stringify(clouds), { mode: 0o600 });
    const drivers = new Map([['openstack', createOpenStackDriver({ cloudsYaml: () => ({ directories: [dir], env: {} }), connections: new ConnectionRegistry() })]]);
    const config = await writeConfig(dir, harness().chroot, PROVIDERS);
    const file = path.join(dir, 'dib.raw');
    const data = randomBytes(1024);
    await writeFile(file, data);

    const upload = await cloudpool(['image', 'upload', 'dib', file, '--format', 'raw', '--json', '-c', config], { drivers });
    expect(upload.code).toBe(1);
    expect(upload.stderr).toContain('the upload to os-b failed');
    const result = JSON.parse(upload.stdout) as { buildId: string; outcomes: Array<Record<string, string>> };
    const zk = harness().requester.client;
    const systemId = (await zk.get(SYSTEM_ID_PATH)).data.toString('utf8');

    // The cloud image: private, the file's bytes, Nodepool's upload tags plus ours, configured meta under them.
    const [image, ...others] = await glanceImages(simA, 'os-a');
    expect(others).toEqual([]);
    const a = result.outcomes.find((outcome) => outcome.provider === 'os-a')!;
    expect(image).toMatchObject({
      id: a.externalId,
      name: a.externalName,
      status: 'active',
      size: 1024,
      checksum: createHash('md5').update(data).digest('hex'),
      disk_format: 'raw',
      container_format: 'bare',
      visibility: 'private',
      purpose: 'ci',
      nodepool_build_id: result.buildId,
      nodepool_upload_id: a.uploadId,
      nodepool_provider_name: 'os-a',
      cloudpool_system_id: systemId,
    });
    expect(a.externalName).toMatch(/^dib-\d{10}$/);
    // sim-b refused the data: the upload is failed with Glance's message, and its queued image deleted.
    const b = result.outcomes.find((outcome) => outcome.provider === 'os-b')!;
    expect(b).toMatchObject({ state: 'failed', uploadId: expect.any(String) });
    expect(b.reason).toContain('Image exceeds the storage quota');
    expect(await glanceImages(simB, 'os-b')).toEqual([]);
    expect(result.outcomes.map((outcome) => outcome.provider).sort()).toEqual(['os-a', 'os-b']);

    // The records, through our parser and through kazoo reading them as Nodepool does.
    const [tree] = await readImageTree(zk);
    expect(tree?.builds.map((build) => [build.id, build.fields.state, build.fields.formats])).toEqual([[result.buildId, 'ready', 'raw']]);
    expect(tree?.uploads.map((u) => [u.provider, u.id, u.fields.state, u.fields.external_id, u.fields.format])).toEqual([
      ['os-a', a.uploadId, 'ready', a.externalId, 'raw'],
      ['os-b', b.uploadId, 'failed', null, null],
    ]);
    const connect = `${inject('zookeeperConnectString').split(',')[0]}${harness().chroot}`;
    const kazoo = JSON.parse((await promisify(execFile)(PYTHON, [KAZOO_READER, connect, 'read'])).stdout) as { recent: Record<string, string>; uploads: Record<string, Record<string, unknown>> };
    expect(kazoo.recent).toEqual({ 'dib/os-a': `${result.buildId}/${a.uploadId}` });
    expect(kazoo.uploads[`dib/${result.buildId}/os-a/${a.uploadId}`]).toMatchObject({ state: 'ready', external_id: a.externalId, external_name: a.externalName, username: 'cloud-user' });

    // image-delete marks it; image cleanup deletes the Glance image, then the record.
    const marked = await cloudpool(['image-delete', '--provider', 'os-a', '--image', 'dib', '--build-id', result.buildId, '--upload-id', a.uploadId!, '-c', config], { drivers });
    expect(marked.code).toBe(0);
    // Beside them, an upload left `uploading` by a dead uploader, and one an uploader is working on.
    const builder = new FakeNodepoolBuilder(zk);
    const stale = await builder.upload('dib', result.buildId, 'os-c', { state: 'uploading' });
    const working = await builder.upload('dib', result.buildId, 'os-a', { state: 'uploading' });
    const uploader = imageLocks.upload(zk, { image: 'dib', buildId: result.buildId, provider: 'os-a' }, 'nodepool-builder');
    expect(await uploader.acquire({ blocking: false })).toBe(true);
    const cleanup = await cloudpool(['image', 'cleanup', '--json', '-c', config], { drivers });
    await uploader.release();
    expect({ code: cleanup.code, stderr: cleanup.stderr }).toEqual({ code: 0, stderr: '' });
    const where = { image: 'dib', buildId: result.buildId };
    expect(cleanup.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { ...where, provider: 'os-a', uploadId: a.uploadId, state: 'deleted' },
      { ...where, provider: 'os-b', uploadId: b.uploadId, state: 'deleted' },
      { ...where, provider: 'os-c', uploadId: stale, state: 'deleted', reason: 'an upload no uploader is working on' },
    ]);
    expect(await glanceImages(simA, 'os-a')).toEqual([]);
    const [after] = await readImageTree(zk);
    expect(after?.uploads.map((u) => [u.provider, u.id, u.fields.state])).toEqual([['os-a', working, 'uploading']]);
    expect(after?.builds.map((build) => build.fields.state)).toEqual(['ready']);
  });

  it("refuses while another builder holds the image's build lock, writing nothing and uploading nothing", async () => {
    const dir = tempDir();
    const clouds = { clouds: { ...simA.connectionInfo().document.clouds, ...simB.connectionInfo().document.clouds } };
    await writeFile(path.join(dir, 'clouds.yaml'), JSON.stringify(clouds), { mode: 0o600 });
    const drivers = new Map([['openstack', createOpenStackDriver({ cloudsYaml: () => ({ directories: [dir], env: {} }), connections: new ConnectionRegistry() })]]);
    const config = await writeConfig(dir, harness().chroot, PROVIDERS);
    const file = path.join(dir, 'dib.raw');
    await writeFile(file, Buffer.from('abc'));
    // The lock nodepool-builder takes (kazoo's recipe, shown interoperable in common's image-records-write test).
    const imagesBefore = await glanceImages(simA, 'os-a');
    const held = imageLocks.build(harness().requester.client, 'dib', 'nodepool-builder');
    expect(await held.acquire({ blocking: false })).toBe(true);
    const refused = await cloudpool(['image', 'upload', 'dib', file, '-c', config], { drivers });
    await held.release();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('another builder holds the build lock of "dib"');
    expect(await harness().requester.client.getChildren('/nodepool/images/dib/builds')).toEqual(['lock']);
    expect(await glanceImages(simA, 'os-a')).toEqual(imagesBefore);
  });

  it('cloudpool builder builds a diskimage with its command on its rebuild-age and uploads it; a failing command records nothing', async () => {
    const dir = tempDir();
    await writeFile(path.join(dir, 'clouds.yaml'), JSON.stringify({ clouds: simA.connectionInfo().document.clouds }), { mode: 0o600 });
    const drivers = new Map([['openstack', createOpenStackDriver({ cloudsYaml: () => ({ directories: [dir], env: {} }), connections: new ConnectionRegistry() })]]);
    const body = (command: string) =>
      PROVIDERS.replace('    username: cloud-user\n', `    username: cloud-user\n    rebuild-age: 3600\n    formats: [raw]\n    cloudpool-build-command: ${JSON.stringify(command)}\n`).replace(/ {2}- name: os-b[\s\S]*?(?= {2}- name: os-c)/, '');
    const imagesBefore = (await glanceImages(simA, 'os-a')).length;
    const config = await writeConfig(dir, harness().chroot, body(`printf built > "$CLOUDPOOL_IMAGE_FILE"`));
    const built = await cloudpool(['builder', '--once', '--json', '--images-dir', dir, '-c', config], { drivers });
    expect({ code: built.code, stderr: built.stderr }).toEqual({ code: 0, stderr: '' });
    const outcome = JSON.parse(built.stdout) as { image: string; state: string; upload: { buildId: string; outcomes: Array<{ provider: string; state: string; externalId: string }> } };
    expect(outcome).toMatchObject({ image: 'dib', state: 'built', upload: { outcomes: [{ provider: 'os-a', state: 'ready' }] } });
    const images = await glanceImages(simA, 'os-a');
    expect(images).toHaveLength(imagesBefore + 1);
    expect(images.find((image) => image.id === outcome.upload.outcomes[0]!.externalId)).toMatchObject({ size: 5, disk_format: 'raw', nodepool_build_id: outcome.upload.buildId });
    // The build is younger than its rebuild-age: the next pass builds nothing.
    expect(await cloudpool(['builder', '--once', '--json', '--images-dir', dir, '-c', config], { drivers })).toEqual({ code: 0, stdout: '', stderr: '' });

    await harness().requester.client.deleteRecursive('/nodepool/images');
    const failing = await writeConfig(dir, harness().chroot, body('echo no space left >&2; exit 3'));
    const failed = await cloudpool(['builder', '--once', '--json', '--images-dir', dir, '-c', failing], { drivers });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual({ image: 'dib', state: 'failed', reason: 'the build command exited with 3' });
    expect(failed.stderr).toContain('no space left');
    expect(await harness().requester.client.exists('/nodepool/images')).toBeUndefined();
  });

  it('refuses an image that is not a top-level diskimage, writing nothing', async () => {
    const dir = tempDir();
    const config = await writeConfig(dir, harness().chroot, PROVIDERS);
    const refused = await cloudpool(['image', 'upload', 'nope', path.join(dir, 'missing.raw'), '-c', config]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('diskimage "nope" is not in the configuration\'s top-level diskimages');
    expect(await harness().requester.client.exists('/nodepool/images')).toBeUndefined();
  });
});
