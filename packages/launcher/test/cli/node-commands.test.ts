import type { NewNode } from '@cloudpool/common';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { cloudpool, useTempDir, writeConfig } from './cli-test-kit.js';

const BODY = `labels:
  - name: small
providers:
${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}`)}`;

describe('the node commands on ZooKeeper: list, delete, hold, request-list, info, erase', () => {
  const harness = useLauncherHarness();
  const tempDir = useTempDir();
  let file: string;

  beforeEach(async () => {
    file = await writeConfig(tempDir(), harness().chroot, BODY);
  });

  const run = (args: string[], stdin?: string) =>
    cloudpool([...args, '-c', file], { drivers: new Map([['fake', harness().driver]]), ...(stdin === undefined ? {} : { stdin }) });

  const seed = (fields: Partial<NewNode> = {}) =>
    harness().requester.createNode({
      state: 'ready',
      provider: 'fake-a',
      pool: 'main',
      type: ['small'],
      external_id: 'i-0abc',
      public_ipv4: '203.0.113.5',
      private_ipv4: '10.0.0.5',
      hostname: 'node-small',
      launcher: 'launcher-1',
      ...fields,
    });

  it('list prints the nodes as Nodepool does, with whether each is locked; --detail adds columns; --json gives records', async () => {
    const free = await seed();
    const used = await seed({ state: 'in-use', external_id: 'i-0def', comment: 'job 42', username: 'zuul', user_data: 'job-42', driver_data: { fleet: 'f-1' } });
    const locked = await harness().requester.lockNode(used);
    try {
      const { code, stdout, stderr } = await run(['list']);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const lines = stdout.trimEnd().split('\n');
      expect(lines[1]).toMatch(/^\| ID +\| Provider \| Label +\| Server ID \| Public IPv4 \| IPv6 +\| State +\| Age +\| Locked +\|$/);
      expect(lines).toHaveLength(6);
      expect(lines[3]).toMatch(new RegExp(`^\\| ${free} \\| fake-a +\\| small +\\| i-0abc +\\| 203\\.0\\.113\\.5 +\\| None \\| ready +\\| 00:00:00:0\\d \\| unlocked \\|$`));
      expect(lines[4]).toContain(`| ${used} | fake-a `);
      expect(lines[4]).toMatch(/\| in-use \| .* \| locked +\|$/);
      expect(stdout).not.toContain('Private IPv4');

      const detail = await run(['list', '--detail']);
      expect(detail.stdout).toContain('| Pool | Hostname   | Private IPv4 | AZ   | Username | Port | Launcher   | Allocated To | Hold Job | Comment | User Data | Driver Data     |');
      expect(detail.stdout).toContain('| main | node-small | 10.0.0.5     | None | zuul     | 22   | launcher-1 | None         | None     | job 42  | job-42    | {"fleet":"f-1"} |');

      const json = await run(['list', '--json']);
      expect(json.stdout.split('\n')).toEqual([expect.any(String), '']);
      const records = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
      expect(records.map((r) => [r.id, r.state, r.locked, r.label])).toEqual([
        [free, 'ready', 'unlocked', ['small']],
        [used, 'in-use', 'locked', ['small']],
      ]);
      expect(records[1]).toMatchObject({ username: 'zuul', user_data: 'job-42', driver_data: { fleet: 'f-1' } });

      // Nodepool's word order: the option before the command.
      expect((await cloudpool(['-c', file, 'list', '--json'], { drivers: new Map([['fake', harness().driver]]) })).stdout).toBe(json.stdout);
    } finally {
      await locked?.lock.release();
    }
  });

  it('delete marks the node deleting under its lock and prints it, leaving the cloud delete to a launcher', async () => {
    const id = await seed();
    const { code, stdout } = await run(['delete', id]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`\\| ${id} \\| fake-a .*\\| deleting \\|`));
    expect((await harness().requester.getNode(id))?.state).toBe('deleting');
    expect(await harness().requester.client.getChildren(`/nodepool/nodes/${id}/lock`)).toEqual([]);
  });

  it('delete --now deletes the cloud instance through the provider, then the record', async () => {
    // A launcher of this installation ran here: it stored the installation id.
    await harness().requester.getSystemId();
    const cloud = harness().driver.cloud('fake-a');
    const instance = cloud.plantInstance({ nodepool_node_id: 'x' });
    const id = await seed({ external_id: instance.id });
    const { code, stdout } = await run(['delete', id, '--now', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ id, state: 'deleted' });
    expect(cloud.listInstances().map((i) => i.id)).not.toContain(instance.id);
    expect(await harness().requester.getNode(id)).toBeUndefined();
  });

  it('delete --now where no launcher stored an installation id refuses, mints none and changes nothing', async () => {
    const cloud = harness().driver.cloud('fake-a');
    const instance = cloud.plantInstance({ nodepool_node_id: 'x' });
    const id = await seed({ external_id: instance.id });
    const { code, stderr } = await run(['delete', id, '--now']);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^cloudpool: no installation id in ZooKeeper at /cloudpool/system-id: .*refusing to delete node ${id}'s cloud resources here\n$`));
    expect(await harness().requester.storedSystemId()).toBeUndefined();
    expect(cloud.listInstances().map((i) => i.id)).toContain(instance.id);
    expect((await harness().requester.getNode(id))?.state).toBe('ready');
  });

  it('delete --now of a node whose provider is not configured changes nothing and says why, on one line', async () => {
    await harness().requester.getSystemId();
    const id = await seed({ provider: 'elsewhere' });
    const { code, stderr } = await run(['delete', id, '--now']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `cloudpool: node ${id} belongs to provider elsewhere, which is not in ${file}: its cloud resources cannot be deleted from here; ` +
        'without --now a launcher that has the provider deletes it\n',
    );
    expect((await harness().requester.getNode(id))?.state).toBe('ready');
  });

  it('hold sets state hold and the reason as comment under the lock; a node locked by someone else is refused', async () => {
    const id = await seed();
    const { code, stdout } = await run(['hold', id, '--reason', 'debugging job 7', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ id, state: 'hold', comment: 'debugging job 7', locked: 'unlocked' });
    expect(await harness().requester.getNode(id)).toMatchObject({ state: 'hold', comment: 'debugging job 7' });

    const busy = await seed();
    const locked = await harness().requester.lockNode(busy);
    try {
      const refused = await run(['hold', busy]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`cloudpool: node ${busy} is locked by someone else (a job using it, or a launcher deleting it); try again later\n`);
    } finally {
      await locked?.lock.release();
    }
  });

  it('request-list prints the requests in ZooKeeper', async () => {
    const first = await harness().request(['small']);
    const second = await harness().request(['small', 'small'], { requestor: 'zuul-tenant-a' }, '200');
    const { code, stdout } = await run(['request-list']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| Request ID +\| Priority \| State +\| Requestor +\| Node Types +\| Nodes \| Declined By \| Event ID \|/);
    expect(stdout).toMatch(new RegExp(`\\| ${first} \\| 0 +\\| requested \\| zuul-test +\\| small +\\|`));
    expect(stdout).toMatch(new RegExp(`\\| ${second} \\| 0 +\\| requested \\| zuul-tenant-a \\| small,small \\|`));
    const json = JSON.parse((await run(['request-list', '--json'])).stdout) as Array<{ id: string }>;
    expect(json.map((r) => r.id)).toEqual([first, second]);
  });

  it("info shows one provider's nodes, and says when the provider is not configured", async () => {
    const mine = await seed();
    const other = await seed({ provider: 'retired' });
    const { code, stdout } = await run(['info', 'fake-a']);
    expect(code).toBe(0);
    expect(stdout).toContain('ZooKeeper nodes for provider fake-a:');
    expect(stdout).toContain(`| ${mine} |`);
    expect(stdout).not.toContain(`| ${other} |`);
    expect(stdout).toContain('Pools registered for provider fake-a:');
    const retired = JSON.parse((await run(['info', 'retired', '--json'])).stdout) as { configured: boolean; nodes: Array<{ id: string }> };
    expect(retired.configured).toBe(false);
    expect(retired.nodes.map((n) => n.id)).toEqual([other]);
  });

  it('erase asks first and erases nothing unless the answer is y; --force erases without asking', async () => {
    const kept = await seed();
    const gone = [await seed({ provider: 'retired' }), await seed({ provider: 'retired' })];
    const declined = await run(['erase', 'retired'], 'n\n');
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('WARNING! This action is not reversible!\nErase ZooKeeper data for provider retired (2 nodes)? [N/y] ');
    expect(declined.stderr.endsWith('cloudpool: aborted: no data erased\n')).toBe(true);
    expect(await harness().requester.listNodeIds()).toHaveLength(3);

    const confirmed = await run(['erase', 'retired'], 'y\n');
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toBe('Erased the ZooKeeper records of 2 nodes of provider retired\n');
    expect(await harness().requester.listNodeIds()).toEqual([kept]);

    const forced = await run(['erase', 'fake-a', '--force', '--json']);
    expect(forced.stderr).toBe('');
    expect(JSON.parse(forced.stdout)).toEqual({ provider: 'fake-a', erased: [kept] });
    expect(await harness().requester.listNodeIds()).toEqual([]);
    expect(gone).toHaveLength(2);
  });

  it('reports an unknown node id and a missing config file on one line, with exit code 1', async () => {
    const unknown = await run(['delete', '0000009999']);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'cloudpool: node 0000009999 not found\n' });
    const missing = await cloudpool(['list', '-c', `${file}.missing`]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `cloudpool: cannot read the configuration ${file}.missing: no such file (-c names another file)\n` });
  });
});
