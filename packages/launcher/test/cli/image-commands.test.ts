import { FakeNodepoolBuilder } from '@cloudpool/common/testing';
import { imageBuildRequestPath, imageUploadPath } from '@cloudpool/common';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { get, useWebServers } from '../web/web-test-support.js';
import { cloudpool, useTempDir, writeConfig } from './cli-test-kit.js';

const BODY = `labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}`)}`;

/** The cells of a text-table line, trimmed. */
const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
/** A whole table as header cells and row cells. */
const table = (text: string) => {
  const lines = text.trimEnd().split('\n');
  return { header: cells(lines[1]!), rows: lines.slice(3, -1).map(cells), rules: [lines[0], lines[2], lines.at(-1)] };
};
const AGE = /^\d\d:\d\d:\d\d:\d\d$/;

describe("the image commands and endpoints, on records as nodepool-builder writes them", () => {
  const harness = useLauncherHarness();
  const tempDir = useTempDir();
  const startWeb = useWebServers();
  let file: string;
  let builder: FakeNodepoolBuilder;
  const now = () => Math.floor(Date.now() / 1000) - 90;
  let ubuntuBuild: string;
  let ready: string;
  let uploading: string;

  beforeEach(async () => {
    file = await writeConfig(tempDir(), harness().chroot, BODY);
    builder = new FakeNodepoolBuilder(harness().requester.client, now);
    ubuntuBuild = await builder.build('ubuntu', { formats: 'raw,qcow2', builder: 'nb01' });
    ready = await builder.upload('ubuntu', ubuntuBuild, 'fake-a', { external_id: 'img-0001', external_name: 'ubuntu-1700000000' });
    uploading = await builder.upload('ubuntu', ubuntuBuild, 'fake-b', { state: 'uploading' });
    await builder.build('debian', { state: 'building', builder: 'nb02', formats: 'qcow2' });
    await builder.pause('debian');
    await harness().requester.client.mkdirp(imageBuildRequestPath('centos'));
  });

  const run = (args: string[]) => cloudpool([...args, '-c', file], { drivers: new Map([['fake', harness().driver]]) });

  it("image-list: Nodepool's columns in its order, a row per upload; JSON records with the epoch age", async () => {
    const { code, stdout, stderr } = await run(['image-list']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const { header, rows } = table(stdout);
    expect(header).toEqual(['Build ID', 'Upload ID', 'Provider', 'Image', 'Provider Image Name', 'Provider Image ID', 'State', 'Age']);
    expect(rows.map((r) => r.slice(0, 7))).toEqual([
      [ubuntuBuild, ready, 'fake-a', 'ubuntu', 'ubuntu-1700000000', 'img-0001', 'ready'],
      [ubuntuBuild, uploading, 'fake-b', 'ubuntu', 'None', 'None', 'uploading'],
    ]);
    expect(rows[0]![7]).toMatch(AGE);
    const json = JSON.parse((await run(['image-list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(Object.keys(json[0]!)).toEqual(['id', 'upload_id', 'provider', 'image', 'external_name', 'external_id', 'state', 'age']);
    expect(json[0]).toEqual({ id: ubuntuBuild, upload_id: ready, provider: 'fake-a', image: 'ubuntu', external_name: 'ubuntu-1700000000', external_id: 'img-0001', state: 'ready', age: expect.any(Number) });
    expect(Math.abs((json[0]!.age as number) - now())).toBeLessThan(5);
  });

  it("dib-image-list: <image>-<build> ids, the formats joined, 'paused' for a paused image", async () => {
    const { stdout } = await run(['dib-image-list']);
    const { header, rows } = table(stdout);
    expect(header).toEqual(['ID', 'Image', 'Builder', 'Formats', 'State', 'Age']);
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      [expect.stringMatching(/^debian-\d{10}$/), 'debian', 'nb02', 'qcow2', 'paused'],
      [`ubuntu-${ubuntuBuild}`, 'ubuntu', 'nb01', 'qcow2,raw', 'ready'],
    ]);
    const json = JSON.parse((await run(['dib-image-list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(json[1]).toEqual({ id: `ubuntu-${ubuntuBuild}`, image: 'ubuntu', builder: 'nb01', formats: ['qcow2', 'raw'], state: 'ready', age: expect.any(Number) });
  });

  it('image-status: pause flags and build requests per image', async () => {
    const { header, rows } = table((await run(['image-status'])).stdout);
    expect(header).toEqual(['Image', 'Paused', 'Build Request', 'Build Request Age']);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['centos', 'False', 'pending'],
      ['debian', 'True', 'None'],
      ['ubuntu', 'False', 'None'],
    ]);
    const json = JSON.parse((await run(['image-status', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(json[1]).toEqual({ image: 'debian', paused: true, build_request: null, build_request_age: null });
    expect(json[0]).toMatchObject({ image: 'centos', paused: false, build_request: 'pending', build_request_age: expect.any(Number) });
  });

  it('image-delete and dib-image-delete mark for the builder as Nodepool does, refusing what is in progress or missing', async () => {
    const done = await run(['image-delete', '--provider', 'fake-a', '--image', 'ubuntu', '--build-id', ubuntuBuild, '--upload-id', ready]);
    expect(done).toMatchObject({ code: 0, stderr: '' });
    const stored = JSON.parse((await harness().requester.client.get(imageUploadPath('ubuntu', ubuntuBuild, 'fake-a', ready))).data.toString('utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ state: 'deleting', external_id: 'img-0001', external_name: 'ubuntu-1700000000' });

    const busy = await run(['image-delete', '--provider', 'fake-b', '--image', 'ubuntu', '--build-id', ubuntuBuild, '--upload-id', uploading]);
    expect(busy).toMatchObject({ code: 1, stderr: 'cloudpool: Cannot delete because image upload in progress\n' });
    const missing = await run(['image-delete', '--provider', 'fake-a', '--image', 'ubuntu', '--build-id', ubuntuBuild, '--upload-id', '0000000099']);
    expect(missing).toMatchObject({ code: 1, stderr: 'cloudpool: Image upload not found\n' });

    expect(await run(['dib-image-delete', `ubuntu-${ubuntuBuild}`])).toMatchObject({ code: 0, stdout: `Build ubuntu-${ubuntuBuild} marked for deletion\n` });
    const rows = JSON.parse((await run(['dib-image-list', '--json'])).stdout) as Array<{ id: string; state: string }>;
    expect(rows.find((r) => r.id === `ubuntu-${ubuntuBuild}`)?.state).toBe('deleting');
    const debian = rows.find((r) => r.id.startsWith('debian-'))!;
    expect(await run(['dib-image-delete', debian.id])).toMatchObject({ code: 1, stderr: 'cloudpool: Cannot delete a build in progress\n' });
    expect(await run(['dib-image-delete', 'ubuntu-0000000099'])).toMatchObject({ code: 1, stderr: 'cloudpool: Build ubuntu-0000000099 not found\n' });
  });

  it('/image-list, /dib-image-list and /image-status serve the same records and tables as the commands', async () => {
    const launcher = await harness().startLauncher(BODY);
    const web = await startWeb(launcher);
    for (const path of ['image-list', 'dib-image-list', 'image-status']) {
      const json = await get(web, `/${path}`, 'application/json');
      expect(json.contentType).toBe('application/json');
      const cli = JSON.parse((await run([path, '--json'])).stdout) as Array<Record<string, unknown>>;
      const served = JSON.parse(json.body) as Array<Record<string, unknown>>;
      expect(served.map((r) => ({ ...r, age: undefined }))).toEqual(cli.map((r) => ({ ...r, age: undefined })));
      const text = await get(web, `/${path}`, 'text/plain');
      expect(table(text.body).header).toEqual(table((await run([path])).stdout).header);
    }
    const fields = await get(web, '/image-list?fields=image,state', 'text/plain');
    expect(table(fields.body).header).toEqual(['Image', 'State']);
    expect(table(fields.body).rows).toEqual([['ubuntu', 'ready'], ['ubuntu', 'uploading']]);
  });
});
