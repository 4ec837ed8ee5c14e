import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import { startZooKeeperServer, waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { testIo } from '../../launcher/test/cli/cli-test-kit.js';
import { runCli } from '@cloudpool/launcher/cli';
import { demoCommand } from '../src/demo-command.js';
import type { DemoSummary } from '../src/demo-summary.js';

/** Pids of the ZooKeeper servers (QuorumPeerMain) that this process started and that still run. */
async function ourZooKeepers(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const [cmdline, stat] = await Promise.all([readFile(`/proc/${entry}/cmdline`, 'utf8'), readFile(`/proc/${entry}/stat`, 'utf8')]).catch(() => ['', '']);
    // stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its closing parenthesis.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (cmdline.includes('QuorumPeerMain') && parent === process.pid) pids.push(Number(entry));
  }
  return pids;
}

/** Whether anything accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The AWS variables the demo sets while it runs. */
const awsEnv = () => ({ id: process.env.AWS_ACCESS_KEY_ID, endpoint: process.env.AWS_ENDPOINT_URL, profile: process.env.AWS_PROFILE });

describe('cloudpool demo', () => {
  it('sees a ZooKeeper server this process runs, and no longer once it stopped', async () => {
    const server = await startZooKeeperServer();
    expect(await ourZooKeepers()).toHaveLength(1);
    await server.stop();
    expect(await ourZooKeepers()).toEqual([]);
  });

  it('fulfils every request, deletes every node and leak, spares foreign resources and stops all it started, within two minutes', async () => {
    const envBefore = awsEnv();
    const { io, stdout, stderr } = testIo();
    const code = await runCli(['demo', '--json'], io, [(program, cliIo) => void program.addCommand(demoCommand(cliIo))]);

    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    expect(stdout.lines).toHaveLength(1);
    const summary = JSON.parse(stdout.lines[0]!) as DemoSummary;
    expect(summary).toMatchObject({ ok: true, requests: { submitted: 12, fulfilled: 12, failed: 0 }, nodes: { launched: 12, deleted: 12 } });
    expect(summary.failure).toBeUndefined();
    expect(summary.elapsedSeconds).toBeLessThan(120);
    expect(summary.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    expect(summary.clouds.map((c) => c.cloud)).toEqual(['EC2', 'Azure', 'OpenStack']);
    for (const cloud of summary.clouds) {
      expect(cloud.apiCalls, cloud.cloud).toBeGreaterThan(0);
      expect(cloud.leaksPlanted, cloud.cloud).toBe(2);
      expect(cloud.leaksDeleted, cloud.cloud).toBe(cloud.leaksPlanted);
      expect(cloud.foreignPlanted, cloud.cloud).toBe(1);
      expect(cloud.foreignSpared, cloud.cloud).toBe(cloud.foreignPlanted);
    }

    expect(Object.keys(summary.ports).sort()).toEqual(['azure', 'dashboard', 'ec2', 'openstack', 'zookeeper']);
    for (const [what, port] of Object.entries(summary.ports)) expect(await listening(port), `${what} on port ${port}`).toBe(false);
    expect(await ourZooKeepers()).toEqual([]);
    expect(awsEnv()).toEqual(envBefore);
  }, 150_000);

  it('tells its story in steps, and on Ctrl-C stops everything it started and fails with a one-line reason', async () => {
    const { io, stdout, stderr, signals } = testIo();
    const exit = runCli(['demo'], io, [(program, cliIo) => void program.addCommand(demoCommand(cliIo))]);
    await waitFor(() => stdout.text.includes('[4/7] Zuul requests 12 nodes'), 60_000);
    signals.send('SIGINT');
    const code = await exit;

    expect(code).toBe(1);
    expect(stderr.lines).toHaveLength(1);
    expect(stderr.lines[0]).toMatch(/^cloudpool: demo failed: step 4 \(Zuul requests 12 nodes\): interrupted/);
    expect(stdout.text).toMatch(/\[1\/7\] Start ZooKeeper\n {4}serving on 127\.0\.0\.1:\d+/);
    const dashboard = /Dashboard: http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout.text);
    expect(dashboard).not.toBeNull();
    expect(stdout.text).toContain('[7/7] Stop everything');
    expect(stdout.text).not.toContain('FAILED:');
    expect(stdout.text).toMatch(/FAILED in [\d.]+ s: step 4/);
    expect(await listening(Number(dashboard![1]))).toBe(false);
    expect(await ourZooKeepers()).toEqual([]);
  }, 90_000);
});
