import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NodepoolZk, ZkClient, listComponents, type ZkTlsConfig } from '@cloudpool/common';
import { FakeDriver, startTlsZooKeeper, testChroot, waitFor, type TlsZooKeeper } from '@cloudpool/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { fakeProvider, label } from '../support/launcher-harness.js';
import { cloudpool, testIo, useTempDir } from './cli-test-kit.js';

const drivers = new Map([['fake', new FakeDriver()]]);
let zk: TlsZooKeeper;
/** A client of the server's root (no chroot), over TLS. */
let root: ZkClient;

beforeAll(async () => {
  zk = await startTlsZooKeeper();
  root = await ZkClient.connect({ hosts: zk.hosts, tls: zk.pki.client, sessionTimeoutMs: 4000 });
});

afterAll(async () => {
  await root?.close();
  await zk?.stop();
});

/** nodepool.yaml for the TLS server under `chroot`, with Nodepool's `zookeeper-tls` settings. */
function configText(chroot: string, tls: ZkTlsConfig): string {
  return `zookeeper-servers:
  - host: 127.0.0.1
    port: ${zk.server.port}
    chroot: ${chroot}
zookeeper-tls:
  cert: ${tls.cert}
  key: ${tls.key}
  ca: ${tls.ca}
zookeeper-timeout: 4
labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}`)}`;
}

describe('zookeeper-tls for the CLI and the launcher (a TLS-only server, client certificates required)', () => {
  const tempDir = useTempDir();
  const write = async (text: string) => {
    const file = path.join(tempDir(), 'nodepool.yaml');
    await writeFile(file, text);
    return file;
  };

  it('runs a command over TLS, creating the missing chroot through its second connection', async () => {
    const chroot = testChroot();
    const file = await write(configText(chroot, zk.pki.client));
    const { code, stdout, stderr } = await cloudpool(['request-list', '-c', file, '--json'], { drivers });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual([]);
    expect(await root.exists(chroot)).toBeDefined();
  });

  it('fails a command with one line naming the CA file when it did not sign the server certificate', async () => {
    const other = await zk.pki.otherCa('not-the-servers-ca');
    const file = await write(configText(testChroot(), { ...zk.pki.client, ca: other.cert }));
    const { code, stdout, stderr } = await cloudpool(['list', '-c', file], { drivers });
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    const [line, ...rest] = stderr.split('\n');
    expect(rest).toEqual(['']);
    expect(line).toMatch(new RegExp(`^cloudpool: could not connect to ZooKeeper at 127\\.0\\.0\\.1:${zk.server.port}/t-\\w+ over TLS: `));
    expect(line).toContain(`the certificate of 127.0.0.1:${zk.server.port} is not signed by the CA in ${other.cert}`);
  });

  it('runs the launcher over TLS: it registers, serves a request from a TLS client and stops on SIGTERM', async () => {
    const chroot = testChroot();
    const file = await write(configText(chroot, zk.pki.client));
    const test = testIo({ drivers: new Map([['fake', new FakeDriver({ listTtlMs: 0 })]]), daemon: { hostname: 'tls-launcher' } });
    const exit = runCli(['launcher', '-c', file, '--no-web'], test.io);
    const client = await ZkClient.connect({ hosts: zk.hosts, chroot, tls: zk.pki.client, sessionTimeoutMs: 4000 });
    try {
      const zuul = new NodepoolZk(client, { identifier: 'zuul' });
      await waitFor(async () => (await listComponents(client, 'launcher')).length === 1);
      const request = await zuul.submitRequest({ node_types: ['small'] });
      await waitFor(async () => (await zuul.getRequest(request))?.state === 'fulfilled', 20_000);
      test.signals.send('SIGTERM');
      expect(await exit).toBe(0);
      expect(await listComponents(client, 'launcher')).toEqual([]);
      expect(test.stderr.text).toBe('');
    } finally {
      test.signals.send('SIGTERM');
      await exit;
      await client.close();
    }
  });
});
