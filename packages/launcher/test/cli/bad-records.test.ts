import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { cloudpool, useTempDir, writeConfig } from './cli-test-kit.js';

const BODY = `labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}`)}`;

describe('listings with one bad record in ZooKeeper', () => {
  const harness = useLauncherHarness();
  const tempDir = useTempDir();
  let file: string;

  beforeEach(async () => {
    file = await writeConfig(tempDir(), harness().chroot, BODY);
  });

  const run = (args: string[]) => cloudpool([...args, '-c', file], { drivers: new Map([['fake', harness().driver]]) });

  it('list and info show the other nodes and name the bad one on stderr', async () => {
    const good = await harness().requester.createNode({ state: 'ready', provider: 'fake-a', pool: 'main', type: ['small'] });
    await harness().requester.client.create('/nodepool/nodes/0000000099', 'not json');
    for (const args of [['list'], ['info', 'fake-a']]) {
      const { code, stdout, stderr } = await run(args);
      expect(code).toBe(0);
      expect(stdout).toContain(good);
      expect(stderr).toMatch(/^cloudpool: skipped invalid record at \/nodepool\/nodes\/0000000099: not JSON/);
    }
  });

  it('request-list shows the other requests and names a bad one and one with a malformed name', async () => {
    const good = await harness().request(['small']);
    await harness().requester.client.create('/nodepool/requests/100-0000000777', '{"state": "nonsense"}');
    await harness().requester.client.create('/nodepool/requests/junk', '{}');
    const { code, stdout, stderr } = await run(['request-list']);
    expect(code).toBe(0);
    expect(stdout).toContain(good);
    expect(stderr).toContain('skipped invalid record at /nodepool/requests/100-0000000777');
    expect(stderr).toContain('skipped invalid record at /nodepool/requests/junk');
  });
});
