import { ManualClock, scanNode, systemClock } from '@cloudpool/common';
import { afterEach, describe, expect, it } from 'vitest';
import { SshHosts, type SshdKnobs } from '../src/core/index.js';

const PORT = 2222;
const started: SshHosts[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((hosts) => hosts.stop()));
});

async function hosts(clock: ManualClock, knobs: SshdKnobs = { delayMs: 0, never: false }): Promise<SshHosts> {
  const made = new SshHosts({ port: PORT, clock, knobs: () => knobs });
  await made.start();
  started.push(made);
  return made;
}

/** One scan in real time: the keys, or the error's message. Nothing listening is refused at once, so `timeoutMs` bounds only a slow handshake. */
function scan(address: string, timeoutMs = 5_000): Promise<string[] | string> {
  return scanNode({ host: address, port: PORT, connectionType: 'ssh' }, { clock: systemClock, timeoutMs, retryIntervalMs: 50 }).catch((error: Error) => error.message);
}

/** The message of a scan of an address where nothing listens (a short bound: refusals are immediate). */
const refused = (address: string) => scan(address, 300);

describe('SshHosts: reachable simulated VMs', () => {
  it('gives simulators on the same port different loopback blocks', async () => {
    const clock = new ManualClock();
    const [a, b] = [await hosts(clock), await hosts(clock)];
    expect(a.cidrs()!.private).not.toBe(b.cidrs()!.private);
    expect(a.nextAddress()).toMatch(/^127\.\d+\.128\.1$/);
  });

  it("starts a VM's sshd on the simulator's clock, delayMs after running, with keys of its own, and stops it when removed", async () => {
    const clock = new ManualClock();
    const ssh = await hosts(clock, { delayMs: 5_000, never: false });
    const address = ssh.nextAddress();
    ssh.boot('vm-1', clock.now() + 1_000, () => [address]);
    expect(await refused(address)).toMatch(/did not answer/);
    await clock.advanceSettling(6_000);
    expect(ssh.running('vm-1')).toBe(true);
    const keys = await ssh.keys('vm-1');
    await expect.poll(() => scan(address), { timeout: 10_000 }).toEqual(keys.public);
    expect(keys.public.map((key) => key.split(' ')[0])).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);

    const changed = await ssh.changeKeys('vm-1');
    expect(await scan(address)).toEqual(changed.public);
    expect(changed.public.some((key) => keys.public.includes(key))).toBe(false);

    ssh.remove('vm-1');
    await expect.poll(() => refused(address)).toMatch(/did not answer/);
  });

  it('never starts an sshd booted while the knobs say never', async () => {
    const clock = new ManualClock();
    const ssh = await hosts(clock, { delayMs: 0, never: true });
    const address = ssh.nextAddress();
    ssh.boot('vm-2', clock.now(), () => [address]);
    await clock.advanceSettling(60_000);
    expect(ssh.running('vm-2')).toBe(false);
    expect(await refused(address)).toMatch(/did not answer/);
  });

  it('follows address changes of a running VM (a floating IP attached later)', async () => {
    const clock = new ManualClock();
    const ssh = await hosts(clock);
    const [fixed, floating] = [ssh.nextAddress(), ssh.nextAddress()];
    const addresses = [fixed];
    ssh.boot('vm-3', clock.now(), () => addresses);
    await expect.poll(() => scan(fixed), { timeout: 10_000 }).toHaveLength(3);
    expect(await refused(floating)).toMatch(/did not answer/);
    addresses.push(floating);
    ssh.refresh('vm-3');
    await expect.poll(() => scan(floating), { timeout: 10_000 }).toHaveLength(3);
    expect(ssh.hostAt(floating)).toBe('vm-3');
  });
});
