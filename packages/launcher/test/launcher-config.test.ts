import { listComponents, type PoolComponentContent } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { configForReload } from '../src/config-reload.js';
import { configText, fakeProvider, label, type LauncherHarness, useLauncherHarness } from './support/launcher-harness.js';

const pool = (labels: string, extra = '') => `      - name: main\n        max-servers: 10\n${extra}        labels:\n${labels}`;
const LABELS = 'labels:\n  - name: small\n  - name: large\n';

describe('launcher: providers and configuration', () => {
  const harness = useLauncherHarness();
  let h: LauncherHarness;
  beforeEach(() => {
    h = harness();
  });

  const pools = async () =>
    (await listComponents(h.launchers[0]!.context.client, 'pool')).map((c) => c.content as PoolComponentContent);

  it('serves a request from the pool with the better priority, and from another provider when asked', async () => {
    await h.startLauncher(
      `${LABELS}providers:\n${fakeProvider('second', pool(label('small'), '        priority: 200\n'))}${fakeProvider('first', pool(label('small'), '        priority: 100\n'))}`,
    );
    await waitFor(async () => (await pools()).length === 2);
    for (let i = 0; i < 3; i++) {
      const request = await h.waitForRequest(await h.request(['small']));
      expect((await h.requester.getNode(request.nodes[0]!))!.provider).toBe('first');
    }
    const preferred = await h.waitForRequest(await h.request(['small'], { provider: 'second' }));
    expect((await h.requester.getNode(preferred.nodes[0]!))!.provider).toBe('second');
  });

  it('re-registers a pool whose configuration changed and leaves an unchanged provider running', async () => {
    const before = `${LABELS}providers:\n${fakeProvider('a', pool(label('small')))}${fakeProvider('b', pool(label('small')))}`;
    const launcher = await h.startLauncher(before);
    const providerB = launcher.runtimes().get('b')!;
    const after = before.replace(`${fakeProvider('a', pool(label('small')))}`, `${fakeProvider('a', pool(label('small') + label('large')))}`);
    await launcher.applyConfig(h.config(after));
    await waitFor(async () => (await pools()).find((p) => p.provider_name === 'a')?.supported_labels.includes('large'));
    expect((await pools()).filter((p) => p.provider_name === 'a')).toHaveLength(1);
    expect(launcher.runtimes().get('b')).toBe(providerB);
    const request = await h.waitForRequest(await h.request(['large']));
    expect((await h.requester.getNode(request.nodes[0]!))!.provider).toBe('a');
  });

  it('stops a removed provider from taking requests while its nodes stay', async () => {
    const both = `${LABELS}providers:\n${fakeProvider('a', pool(label('small')))}${fakeProvider('b', pool(label('large')))}`;
    const launcher = await h.startLauncher(both);
    const large = await h.waitForRequest(await h.request(['large']));
    await launcher.applyConfig(h.config(`${LABELS}providers:\n${fakeProvider('a', pool(label('small')))}`));
    await waitFor(async () => (await pools()).every((p) => p.provider_name === 'a'));
    const unserved = await h.waitForRequest(await h.request(['large']));
    expect(unserved.state).toBe('failed');
    expect((await h.requester.getNode(large.nodes[0]!))!.state).toBe('ready');
  });

  it('keeps the other providers, and a broken provider its previous configuration, when an edit breaks one', async () => {
    const good = `${LABELS}providers:\n${fakeProvider('a', pool(label('small')))}${fakeProvider('b', pool(label('large')))}`;
    const launcher = await h.startLauncher(good);
    const providerB = launcher.runtimes().get('b')!;
    const broken = good.replace(pool(label('large')), pool(label('large')).replace('max-servers: 10', 'max-servers: ten'));
    const logged: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line).msg as string) });
    const config = configForReload({ text: configText(h.chroot, broken), path: 'nodepool.yaml' }, new Map([['fake', h.driver]]), launcher.currentConfig, logger);
    expect(logged).toContainEqual(expect.stringMatching(/providers\[1\]\.pools\[0\]\.max-servers: expected a number, got "ten" \(line \d+\)/));
    await launcher.applyConfig(config!);
    expect(launcher.runtimes().get('b')).toBe(providerB);
    expect((await h.waitForRequest(await h.request(['small']))).state).toBe('fulfilled');
    expect((await h.waitForRequest(await h.request(['large']))).state).toBe('fulfilled');
  });

  it('keeps every provider when an edit renames one onto the name of another (the file is invalid)', async () => {
    const good = `${LABELS}providers:\n${fakeProvider('a', pool(label('small')))}${fakeProvider('b', pool(label('large')))}`;
    const launcher = await h.startLauncher(good);
    const providerB = launcher.runtimes().get('b')!;
    const renamed = good.replace(fakeProvider('b', pool(label('large'))), fakeProvider('a', pool(label('large'))));
    const logged: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line).msg as string) });
    const config = configForReload({ text: configText(h.chroot, renamed), path: 'nodepool.yaml' }, new Map([['fake', h.driver]]), launcher.currentConfig, logger);
    expect(config).toBeUndefined();
    expect(logged).toContainEqual(expect.stringMatching(/providers\[1\]\.name: provider "a" is already defined at providers\[0\]/));
    expect(logged).toContainEqual('configuration not reloaded: the previous one stays in force');
    expect(launcher.runtimes().get('b')).toBe(providerB);
    expect((await h.waitForRequest(await h.request(['large']))).state).toBe('fulfilled');
  });

  it('rejects an unknown driver with the provider named', () => {
    expect(() => h.config(`${LABELS}providers:\n  - name: x\n    driver: gce\n`)).toThrow(/providers\[0\]\.driver: unknown driver "gce"/);
  });
});
