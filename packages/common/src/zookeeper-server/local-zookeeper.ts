import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { ZkTlsConfig } from '../zk/index.js';

/**
 * Local ZooKeeper servers for tests, the demo and benchmarks: the Debian `zookeeper` package's
 * jars run with QuorumPeerMain on free loopback ports, each with a throwaway data dir. Each
 * server runs in its own process group, so a terminal's Ctrl-C reaches only its owner, which
 * stops it in order. Set ZOOKEEPER_CLASSPATH to use jars from elsewhere.
 */

const DEBIAN_CLASSPATH = ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar'];
/** Netty's TLS handler needs these, which zookeeper.jar's manifest does not list. */
const DEBIAN_NETTY_TLS_CLASSPATH = ['/usr/share/java/netty-codec.jar', '/usr/share/java/netty-resolver.jar'];

export function zookeeperClasspath(options: { tls?: boolean } = {}): string {
  const fromEnv = process.env.ZOOKEEPER_CLASSPATH;
  if (fromEnv) return fromEnv;
  const jars = [...DEBIAN_CLASSPATH, ...(options.tls ? DEBIAN_NETTY_TLS_CLASSPATH : [])];
  const missing = jars.filter((jar) => !existsSync(jar));
  if (missing.length > 0) {
    throw new Error(
      `ZooKeeper jars not found (${missing.join(', ')}): install Debian's "zookeeper" package or set ZOOKEEPER_CLASSPATH`,
    );
  }
  return jars.join(':');
}

/**
 * A server that serves only TLS (`secureClientPort`, Netty), with the key store and trust store
 * given (PKCS12), and ZooKeeper 3.8's defaults otherwise: TLSv1.2, client certificate required.
 * `client` is the `zookeeper-tls` of a client it accepts; its own checks (four-letter words)
 * use it.
 */
export interface ZooKeeperServerTls {
  keyStore: string;
  trustStore: string;
  storePassword: string;
  client: ZkTlsConfig;
}

/** Asks the kernel for a loopback port that is free right now. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Sends a four-letter word and returns the whole answer ('' when the server does not answer);
 * over TLS with the client files `tls`.
 */
export async function fourLetterWord(port: number, word: string, timeoutMs = 1000, tlsFiles?: ZkTlsConfig): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsFiles
      ? tls.connect({
          host: '127.0.0.1',
          port,
          ca: readFileSync(tlsFiles.ca),
          cert: readFileSync(tlsFiles.cert),
          key: readFileSync(tlsFiles.key),
          checkServerIdentity: () => undefined,
        })
      : net.connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, done);
    socket.on(tlsFiles ? 'secureConnect' : 'connect', () => socket.write(word));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', done);
    socket.on('error', done);
  });
}

/** Resolves once `srvr` reports a mode (`ruok` answers before the server really serves). */
export async function waitUntilServing(port: number, timeoutMs = 30_000, tlsFiles?: ZkTlsConfig): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await fourLetterWord(port, 'srvr', 1000, tlsFiles);
    const mode = /Mode: (\w+)/.exec(answer);
    if (mode?.[1]) return mode[1];
    if (Date.now() > deadline) throw new Error(`ZooKeeper on 127.0.0.1:${port} did not serve within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface MemberPorts {
  client: number;
  quorum: number;
  election: number;
}

function zooCfg(dataDir: string, ports: MemberPorts, peers: MemberPorts[], tlsStores?: ZooKeeperServerTls): string {
  const clientPort = tlsStores
    ? [
        `secureClientPort=${ports.client}`,
        'secureClientPortAddress=127.0.0.1',
        'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
        `ssl.keyStore.location=${tlsStores.keyStore}`,
        `ssl.keyStore.password=${tlsStores.storePassword}`,
        'ssl.keyStore.type=PKCS12',
        `ssl.trustStore.location=${tlsStores.trustStore}`,
        `ssl.trustStore.password=${tlsStores.storePassword}`,
        'ssl.trustStore.type=PKCS12',
        'ssl.clientAuth=need',
      ]
    : [`clientPort=${ports.client}`, 'clientPortAddress=127.0.0.1'];
  const lines = [
    'tickTime=500',
    'initLimit=20',
    'syncLimit=10',
    `dataDir=${dataDir}`,
    ...clientPort,
    'admin.enableServer=false',
    '4lw.commands.whitelist=*',
    'extendedTypesEnabled=true',
    'maxClientCnxns=0',
    'minSessionTimeout=1000',
    'maxSessionTimeout=60000',
  ];
  if (peers.length > 1) {
    peers.forEach((peer, i) => lines.push(`server.${i + 1}=127.0.0.1:${peer.quorum}:${peer.election}`));
  }
  return lines.join('\n') + '\n';
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

class Member {
  private child: ChildProcess | undefined;
  constructor(
    readonly dir: string,
    readonly ports: MemberPorts,
    readonly tls?: ZooKeeperServerTls,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'java',
      [
        '-Xmx128m',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=error',
        '-Dzookeeper.admin.enableServer=false',
        '-cp',
        zookeeperClasspath({ tls: this.tls !== undefined }),
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        path.join(this.dir, 'zoo.cfg'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.child = child;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`ZooKeeper exited with ${code} before serving: ${stderr}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([waitUntilServing(this.ports.client, 30_000, this.tls?.client), exited]);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

export interface ZooKeeperServer {
  /** `127.0.0.1:PORT` */
  readonly connectString: string;
  readonly port: number;
  /** The server's process id. */
  readonly pid: number | undefined;
  /** Stops the server by its PID and removes its data dir. */
  stop(): Promise<void>;
}

async function makeMembers(count: number, tlsStores?: ZooKeeperServerTls): Promise<{ root: string; members: Member[] }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-zk-'));
  const ports: MemberPorts[] = [];
  for (let i = 0; i < count; i++) {
    ports.push({ client: await freeLoopbackPort(), quorum: await freeLoopbackPort(), election: await freeLoopbackPort() });
  }
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `member-${i + 1}`);
    await mkdir(path.join(dir, 'data'), { recursive: true });
    const memberPorts = ports[i]!;
    await writeFile(path.join(dir, 'zoo.cfg'), zooCfg(path.join(dir, 'data'), memberPorts, ports, tlsStores));
    if (count > 1) await writeFile(path.join(dir, 'data', 'myid'), `${i + 1}\n`);
    members.push(new Member(dir, memberPorts, tlsStores));
  }
  return { root, members };
}

/** Starts one standalone server; resolves once it serves. With `tls`, it serves only TLS. */
export async function startZooKeeperServer(options: { tls?: ZooKeeperServerTls } = {}): Promise<ZooKeeperServer> {
  const { root, members } = await makeMembers(1, options.tls);
  const member = members[0]!;
  await member.start();
  return {
    connectString: `127.0.0.1:${member.ports.client}`,
    port: member.ports.client,
    get pid() {
      return member.pid;
    },
    async stop() {
      await member.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface ZooKeeperEnsemble {
  /** Every member's client address, comma separated. */
  readonly connectString: string;
  readonly clientPorts: readonly number[];
  /** The mode (`leader`, `follower`) of a running member, or undefined when it is down. */
  mode(index: number): Promise<string | undefined>;
  /** Index of the current leader, waiting for an election if needed. */
  leader(timeoutMs?: number): Promise<number>;
  stopMember(index: number): Promise<void>;
  startMember(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a quorum of `size` servers on loopback; resolves once every member serves. */
export async function startZooKeeperEnsemble(size = 3): Promise<ZooKeeperEnsemble> {
  const { root, members } = await makeMembers(size);
  await Promise.all(members.map((m) => m.start()));
  const mode = async (index: number) => {
    const answer = await fourLetterWord(members[index]!.ports.client, 'srvr');
    return /Mode: (\w+)/.exec(answer)?.[1];
  };
  return {
    connectString: members.map((m) => `127.0.0.1:${m.ports.client}`).join(','),
    clientPorts: members.map((m) => m.ports.client),
    mode,
    async leader(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (let i = 0; i < members.length; i++) if ((await mode(i)) === 'leader') return i;
        if (Date.now() > deadline) throw new Error('no ZooKeeper leader elected');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stopMember: (index) => members[index]!.stop(),
    startMember: (index) => members[index]!.start(),
    async stop() {
      await Promise.all(members.map((m) => m.stop()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
