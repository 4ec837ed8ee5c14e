import type { NodeRecord } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import type { HostKeys, SshHosts } from '@cloudpool/simulator';
import { describe, expect, it } from 'vitest';
import { CLOUDS, useCloudHarness, type CloudHarness } from './support/cloud-harness.js';
import { SSH_PORT } from './support/cloud-under-test.js';

/** The simulated VMs' sshd endpoints of the harness's cloud. */
function sshOf(h: CloudHarness): SshHosts {
  const { ssh } = h.cloud.sim;
  if (!ssh) throw new Error(`${h.cloud.name}: simulator not in SSH mode`);
  return ssh;
}

/** The host keys the VM at the node's `interface_ip` offers. */
async function keysAt(h: CloudHarness, node: NodeRecord): Promise<HostKeys> {
  const host = sshOf(h).hostAt(node.interface_ip ?? '');
  if (!host) throw new Error(`no simulated VM at ${node.interface_ip}`);
  return sshOf(h).keys(host);
}

/** Every version of a node's record the launcher's cache saw, in order. */
function recordVersions(h: CloudHarness): NodeRecord[] {
  const seen: NodeRecord[] = [];
  const launcher = h.zk.launchers.at(-1)!;
  launcher.context.nodes.on('added', (node: NodeRecord) => seen.push(structuredClone(node)));
  launcher.context.nodes.on('updated', (node: NodeRecord) => seen.push(structuredClone(node)));
  return seen;
}

/** What Zuul reads: `host_keys`, a list of `"<type> <base64>"` strings whose key blob names the same type. */
function expectZuulHostKeys(raw: unknown): void {
  expect(Array.isArray(raw)).toBe(true);
  for (const entry of raw as unknown[]) {
    expect(typeof entry).toBe('string');
    const [type, base64, ...rest] = (entry as string).split(' ');
    expect(rest).toEqual([]);
    expect(type).toMatch(/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa)$/);
    const blob = Buffer.from(base64!, 'base64');
    expect(blob.toString('base64')).toBe(base64);
    expect(blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('ascii')).toBe(type);
  }
}

/** Nodepool's readiness on each cloud: the launcher scans the simulated VM's real sshd before the node is ready. */
describe.each(CLOUDS)('launcher on $name: node readiness', ({ create }) => {
  const harness = useCloudHarness(create);

  it('writes the host keys the node offers into its record, in the write that makes it ready', async () => {
    const h = harness();
    await h.startLauncher();
    const versions = recordVersions(h);
    const request = await h.zk.waitForRequest(await h.zk.request(['small']));
    expect(request.state).toBe('fulfilled');
    const node = (await h.zk.requester.getNode(request.nodes[0]!))!;
    const offered = await keysAt(h, node);

    expect(node.host_keys).toEqual(offered.public);
    expect(node.host_keys.map((key) => key.split(' ')[0])).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
    expect(node).toMatchObject({ connection_port: SSH_PORT, connection_type: 'ssh' });
    expect(node.interface_ip).toMatch(/^127\./);
    // Read as Zuul does, from the znode's JSON.
    const raw = JSON.parse((await h.zk.requester.client.get(`/nodepool/nodes/${node.id}`)).data.toString('utf8')) as Record<string, unknown>;
    expect(raw.host_keys).toEqual(offered.public);
    expect(raw.ssh_port).toBe(SSH_PORT);
    expectZuulHostKeys(raw.host_keys);
    // No version of the record was ever ready without its keys.
    const ready = versions.filter((version) => version.id === node.id && version.state === 'ready');
    expect(ready.length).toBeGreaterThan(0);
    for (const version of ready) expect(version.host_keys).toEqual(offered.public);

    await h.release([request]);
    expect(await h.cloud.resources()).toEqual([]);
  });

  it('waits for an sshd that starts late, within boot-timeout', async () => {
    const h = harness();
    h.cloud.sim.setKnobs({ sshd: { delayMs: 1_500 } });
    await h.startLauncher({ bootTimeout: 20 });
    const request = await h.zk.waitForRequest(await h.zk.request(['small']));
    expect(request.state).toBe('fulfilled');
    const node = (await h.zk.requester.getNode(request.nodes[0]!))!;
    expect(node.host_keys).toEqual((await keysAt(h, node)).public);
    expect(h.cloud.calls(h.cloud.createAction, 'ok')).toBe(1);
    await h.release([request]);
  });

  it('fails a node that never answers after boot-timeout, retries it, and deletes what each attempt made', async () => {
    const h = harness();
    h.cloud.sim.setKnobs({ sshd: { never: true } });
    await h.startLauncher({ bootTimeout: 1, launchRetries: 2 });
    const request = await h.zk.waitForRequest(await h.zk.request(['small']), ['failed'], 20_000);
    expect(request.state).toBe('failed');
    expect(h.cloud.calls(h.cloud.createAction, 'ok')).toBe(2);
    expect(h.launches.map((launch) => launch.result)).toEqual(['failed']);
    expect(h.launches[0]!.reason).toMatch(/not reachable: ssh on 127\.\S+ port 2222 did not answer within 1s/);
    await waitFor(async () => (await h.cloud.resources()).length === 0, 15_000);
  });

  it('records the keys of the instance that became the node when a retry brought a new host key', async () => {
    const h = harness();
    h.cloud.sim.setKnobs({ sshd: { never: true } });
    await h.startLauncher({ bootTimeout: 1, launchRetries: 2 });
    const id = await h.zk.request(['small']);
    const firstHost = await waitFor(() => sshOf(h).ids()[0]);
    const firstKeys = await sshOf(h).keys(firstHost);
    // The next attempt's VM runs its sshd.
    h.cloud.sim.setKnobs({ sshd: { never: false } });
    const request = await h.zk.waitForRequest(id, ['fulfilled', 'failed'], 20_000);
    expect(request.state).toBe('fulfilled');
    const node = (await h.zk.requester.getNode(request.nodes[0]!))!;
    expect(node.host_keys).toEqual((await keysAt(h, node)).public);
    expect(node.host_keys.some((key) => firstKeys.public.includes(key))).toBe(false);
    await h.release([request]);
  });

  it('makes a node ready as soon as the cloud says running with host-key-checking: false', async () => {
    const h = harness();
    h.cloud.sim.setKnobs({ sshd: { never: true } });
    await h.startLauncher({ hostKeyChecking: false });
    const request = await h.zk.waitForRequest(await h.zk.request(['small']));
    expect(request.state).toBe('fulfilled');
    const node = (await h.zk.requester.getNode(request.nodes[0]!))!;
    expect(node.host_keys).toEqual([]);
    expect(sshOf(h).running(sshOf(h).hostAt(node.interface_ip!)!)).toBe(false);
    await h.release([request]);
  });
});
