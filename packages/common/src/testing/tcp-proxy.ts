import net from 'node:net';

/**
 * A loopback TCP proxy for tests that need to break a ZooKeeper connection without touching
 * the server: `cut()` drops every open connection and refuses new ones (by closing them as soon
 * as they arrive) until `restore()`; `dropWhenSent()` drops them at the moment the client sends
 * given bytes (a request the test wants to fail with ConnectionLoss), without forwarding them.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private isCut = false;
  private trigger: { bytes: Buffer; remaining: number } | undefined;
  /** How many times a `dropWhenSent` trigger dropped the connections. */
  drops = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Starts a proxy on a free loopback port that forwards to `target`. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('proxy has no address');
    const proxy = new TcpProxy(server, address.port);
    server.on('connection', (client) => proxy.accept(client, target));
    return proxy;
  }

  /** The proxy's address in ZooKeeper's `host:port` form. */
  get hostPort(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Drops every open connection and refuses new ones until `restore()`. Idempotent. */
  cut(): void {
    this.isCut = true;
    this.dropAll();
  }

  /** Accepts and forwards connections again. Idempotent. */
  restore(): void {
    this.isCut = false;
  }

  /**
   * From now on, the next `times` client writes that contain `bytes` are not forwarded: every
   * open connection is dropped instead (new connections are accepted as usual), so the server
   * never sees that request and the client gets ConnectionLoss. Replaces an earlier trigger;
   * `times` 0 disarms it.
   */
  dropWhenSent(bytes: string | Buffer, times: number): void {
    this.trigger = times > 0 ? { bytes: Buffer.from(bytes), remaining: times } : undefined;
  }

  /** Drops every connection and stops listening; resolves once the listener is closed. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
    }
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (this.triggeredBy(chunk)) this.dropAll();
      else upstream.write(chunk);
    });
  }

  /** Whether a client's chunk fires the `dropWhenSent` trigger (and counts it). */
  private triggeredBy(chunk: Buffer): boolean {
    const trigger = this.trigger;
    if (!trigger || !chunk.includes(trigger.bytes)) return false;
    if (--trigger.remaining === 0) this.trigger = undefined;
    this.drops++;
    return true;
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
