import { randomInt } from 'node:crypto';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { Clock } from './clock.js';

const { Server, utils } = ssh2;

/**
 * How simulated instances run their sshd (a `CloudKnobs` entry, patchable at run time): it
 * starts `delayMs` after the instance is running (an sshd that comes up late), or never.
 */
export interface SshdKnobs {
  delayMs: number;
  never: boolean;
}

export interface SshHostsOptions {
  /** The port every instance's sshd listens on: unprivileged, the cloud images' `connection-port`. */
  port: number;
  clock: Clock;
  /** The current sshd knobs, read when an instance boots. */
  knobs: () => SshdKnobs;
}

/** An instance's SSH host keys: ed25519, ecdsa (nistp256) and rsa (2048 bits), made when it boots. */
export interface HostKeys {
  private: string[];
  /** `"<type> <base64>"`, as `known_hosts` and a node record's `host_keys` carry them. */
  public: string[];
}

interface Host {
  id: string;
  addresses: () => string[];
  keys: Promise<HostKeys>;
  started: boolean;
  timer?: unknown;
  listeners: Map<string, net.Server>;
}

/**
 * Reachable simulated VMs. Each simulator reserves a block `127.B.0.0/16` of loopback addresses
 * (Linux routes all of 127.0.0.0/8 to `lo`) when it starts, by holding a sentinel listener on
 * `127.B.255.255:<port>` (an address no cloud hands out), so simulators in other processes pick other blocks. In SSH mode the
 * cloud hands out its IPv4 addresses (private and public) from that block (`nextAddress`), and
 * each instance runs an SSH server (ssh2's) with host keys of its own on every address it has,
 * started on the simulator's clock `delayMs` after the instance is running, or never, as the
 * knobs said when it booted. The server offers its keys and refuses every authentication. A
 * cloud calls `boot` when it makes an instance, `refresh` when the instance's addresses change
 * and `remove` when it shuts down.
 */
export class SshHosts {
  private readonly hosts = new Map<string, Host>();
  private block: number | undefined;
  private sentinel: net.Server | undefined;
  private addressesMade = 0;

  constructor(private readonly options: SshHostsOptions) {}

  get port(): number {
    return this.options.port;
  }

  /** Reserves the address block; fails after trying 32 blocks that all were taken. */
  async start(): Promise<void> {
    for (let tries = 0; tries < 32 && this.block === undefined; tries++) {
      const block = randomInt(16, 255);
      const sentinel = net.createServer((socket) => socket.destroy());
      const bound = await listen(sentinel, `127.${block}.255.255`, this.options.port).then(
        () => true,
        () => false,
      );
      if (!bound) continue;
      this.block = block;
      this.sentinel = sentinel;
    }
    if (this.block === undefined) throw new Error(`no free loopback block for simulated sshd on port ${this.options.port}`);
  }

  async stop(): Promise<void> {
    this.clear();
    await close(this.sentinel);
    this.sentinel = undefined;
  }

  /**
   * The block's halves as subnets, for clouds whose networks have a CIDR (after `start`;
   * undefined before): private addresses from the first, public ones from the second.
   */
  cidrs(): { private: string; public: string } | undefined {
    if (this.block === undefined) return undefined;
    return { private: `127.${this.block}.0.0/17`, public: `127.${this.block}.128.0/17` };
  }

  /**
   * A fresh address of the block's public half, e.g. `127.42.128.1` (after `start`), for clouds
   * that number addresses themselves (a cloud with subnets allocates from `cidrs()` instead).
   */
  nextAddress(): string {
    if (this.block === undefined) throw new Error('simulated sshd hosts not started');
    const n = 0x8001 + this.addressesMade++;
    if (n >= 0xffff) throw new Error('simulated loopback block exhausted');
    return `127.${this.block}.${n >> 8}.${n & 255}`;
  }

  /** An instance made at `runningAt` (epoch ms of the simulator's clock); `addresses` lists its current IPv4 addresses. */
  boot(id: string, runningAt: number, addresses: () => string[]): void {
    this.remove(id);
    const host: Host = { id, addresses, keys: generateHostKeys(), started: false, listeners: new Map() };
    this.hosts.set(id, host);
    const { delayMs, never } = this.options.knobs();
    if (never) return;
    host.timer = this.schedule(() => {
      host.timer = undefined;
      host.started = true;
      void this.reconcile(host).catch(() => undefined);
    }, runningAt + delayMs - this.options.clock.now());
  }

  /** The instance's addresses may have changed: listen on exactly those (once its sshd runs). */
  refresh(id: string): void {
    const host = this.hosts.get(id);
    if (host?.started) void this.reconcile(host).catch(() => undefined);
  }

  /** The instance shut down: its sshd stops answering. */
  remove(id: string): void {
    const host = this.hosts.get(id);
    if (!host) return;
    this.hosts.delete(id);
    this.cancel(host.timer);
    for (const listener of host.listeners.values()) void close(listener);
    host.listeners.clear();
  }

  /** Gives the instance new host keys (a reinstalled or impersonated VM); its sshd restarts with them. */
  async changeKeys(id: string): Promise<HostKeys> {
    const host = this.hosts.get(id);
    if (!host) throw new Error(`no simulated host ${id}`);
    host.keys = generateHostKeys();
    const listeners = [...host.listeners.values()];
    host.listeners.clear();
    await Promise.all(listeners.map((listener) => close(listener)));
    if (host.started) await this.reconcile(host);
    return host.keys;
  }

  /** The instance's host keys, as its sshd offers them. */
  keys(id: string): Promise<HostKeys> {
    const host = this.hosts.get(id);
    if (!host) throw new Error(`no simulated host ${id}`);
    return host.keys;
  }

  /** The ids of the instances booted and not removed. */
  ids(): string[] {
    return [...this.hosts.keys()];
  }

  /** The id of the instance that has `address`, if any (after the cloud gave it the address). */
  hostAt(address: string): string | undefined {
    for (const [id, host] of this.hosts) if (host.addresses().includes(address)) return id;
    return undefined;
  }

  /** Whether the instance's sshd has started. */
  running(id: string): boolean {
    return this.hosts.get(id)?.started ?? false;
  }

  clear(): void {
    for (const id of [...this.hosts.keys()]) this.remove(id);
    this.addressesMade = 0;
  }

  private async reconcile(host: Host): Promise<void> {
    const wanted = new Set(host.addresses().filter((address) => this.inBlock(address)));
    for (const [address, listener] of host.listeners) {
      if (wanted.has(address)) continue;
      host.listeners.delete(address);
      void close(listener);
    }
    const sshd = await this.sshdOf(host);
    for (const address of wanted) {
      if (host.listeners.has(address) || this.hosts.get(host.id) !== host) continue;
      const listener = net.createServer((socket) => sshd.injectSocket(socket));
      host.listeners.set(address, listener);
      // A listener that cannot bind (the address taken elsewhere) leaves the host unreachable there, as a broken VM.
      await listen(listener, address, this.options.port).catch(() => host.listeners.delete(address));
      if (this.hosts.get(host.id) !== host) void close(listener);
    }
  }

  /**
   * An ssh2 server with the host's keys. ssh2 now and then refuses a key pair it generated itself
   * ("Malformed OpenSSH private key", seen under the soak's load): the host then gets new keys.
   */
  private async sshdOf(host: Host): Promise<InstanceType<typeof Server>> {
    for (let tries = 1; ; tries++) {
      const keys = await host.keys;
      try {
        return new Server({ hostKeys: keys.private }, (client) => {
          client.on('error', () => undefined);
          client.on('authentication', (context) => context.reject());
        });
      } catch (error) {
        if (tries >= 3) throw error;
        host.keys = generateHostKeys();
      }
    }
  }

  private inBlock(address: string): boolean {
    return this.block !== undefined && address.startsWith(`127.${this.block}.`);
  }

  /** Runs `callback` once `ms` have passed on the simulator's clock; at once (not waiting for the clock to move) when due already. */
  private schedule(callback: () => void, ms: number): unknown {
    if (ms <= 0) {
      queueMicrotask(callback);
      return undefined;
    }
    const clock = this.options.clock as Clock & { setTimeout?: (callback: () => void, ms: number) => unknown };
    if (clock.setTimeout) return clock.setTimeout(callback, Math.max(0, ms));
    return setTimeout(callback, Math.max(0, ms));
  }

  private cancel(timer: unknown): void {
    if (timer === undefined) return;
    const clock = this.options.clock as Clock & { clearTimeout?: (handle: unknown) => void };
    if (clock.clearTimeout) clock.clearTimeout(timer);
    else clearTimeout(timer as ReturnType<typeof setTimeout>);
  }
}

/** Fresh ed25519, ecdsa and rsa host keys; rsa is made off the event loop. */
async function generateHostKeys(): Promise<HostKeys> {
  const ed25519 = utils.generateKeyPairSync('ed25519');
  const ecdsa = utils.generateKeyPairSync('ecdsa', { bits: 256 });
  const rsa = await new Promise<{ private: string; public: string }>((resolve, reject) =>
    utils.generateKeyPair('rsa', { bits: 2048 }, (error, keys) => (error ? reject(error) : resolve(keys))),
  );
  const pairs = [ed25519, ecdsa, rsa];
  return { private: pairs.map((pair) => pair.private), public: pairs.map((pair) => pair.public.trim().split(/\s+/).slice(0, 2).join(' ')) };
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: net.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
