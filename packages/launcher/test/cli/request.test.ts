import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { cloudpool, useTempDir, writeConfig } from './cli-test-kit.js';

const BODY = `labels:
  - name: small
  - name: unserved
providers:
${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}`)}`;

describe('request: a node request submitted as Zuul does', () => {
  const harness = useLauncherHarness();
  const tempDir = useTempDir();
  let file: string;

  beforeEach(async () => {
    file = await writeConfig(tempDir(), harness().chroot, BODY);
    await harness().startLauncher(BODY);
  });

  const run = (args: string[]) => cloudpool([...args, '-c', file], { drivers: new Map([['fake', harness().driver]]) });

  it('--wait returns once a running launcher fulfilled it, with the nodes in the order of the labels', async () => {
    const { code, stdout, stderr } = await run(['request', 'small', 'small', '--wait', '--json', '--tenant', 'tenant-a', '--priority', '50']);
    expect(code).toBe(0);
    const { request, nodes } = JSON.parse(stdout) as { request: { id: string; state: string; nodes: string[] }; nodes: Array<{ id: string; state: string; label: string[] }> };
    expect(request.id).toMatch(/^050-\d{10}$/);
    expect(request.state).toBe('fulfilled');
    expect(nodes.map((n) => n.id)).toEqual(request.nodes);
    expect(nodes.map((n) => [n.state, n.label])).toEqual([
      ['ready', ['small']],
      ['ready', ['small']],
    ]);
    expect(stderr).toBe(`Request ${request.id} submitted for small, small\n`);
    const stored = await harness().requester.getNode(nodes[0]!.id);
    expect(stored).toMatchObject({ tenant_name: 'tenant-a', requestor: 'cloudpool-cli' });
  });

  it('prints the nodes as a table without --json', async () => {
    const { code, stdout } = await run(['request', 'small', '--wait']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| \d{10} \| fake-a +\| small \| .* \| ready +\|/);
  });

  it('without --wait returns once a launcher has taken the request, which is then withdrawn', async () => {
    const { code, stdout, stderr } = await run(['request', 'small']);
    expect(code).toBe(0);
    // The fake cloud boots at once: the request may be fulfilled by the time it is read.
    expect(stdout).toMatch(/^Request 100-\d{10}: pending\n$|\| fake-a +\| small \| .* \| ready +\|/);
    expect(stderr).toContain('is withdrawn as this command exits; nodes launched for it become ready nodes for anyone');
  });

  it('exits 1 with one line when every pool declined the request', async () => {
    const { code, stdout, stderr } = await run(['request', 'unserved', '--wait']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Request 100-\d{10}: failed\n$/);
    expect(stderr.split('\n').at(-2)).toMatch(/^cloudpool: request 100-\d{10} failed: declined by fake-a-main$/);
  });

  it('refuses a priority that is not three digits and the min-ready requestor name', async () => {
    expect((await run(['request', 'small', '--priority', '1000'])).stderr).toBe(
      "cloudpool: option '--priority <nnn>' argument '1000' is invalid. expected a whole number from 0 to 999 (see --help)\n",
    );
    const minReady = await run(['request', 'small', '--requestor', 'NodePool:min-ready']);
    expect(minReady.code).toBe(1);
    expect(minReady.stderr).toContain("reserved for launchers' min-ready requests");
  });
});
