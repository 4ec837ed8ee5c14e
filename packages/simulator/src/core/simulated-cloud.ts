import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CallGate, type CallDescription } from './call-gate.js';
import { systemClock, type Clock } from './clock.js';
import { CallCounters } from './counters.js';
import { defaultKnobs, mergeKnobs, type CloudKnobs, type KnobsPatch } from './knobs.js';
import { seededRandom, type Random } from './random.js';
import { SshHosts } from './ssh-hosts.js';

/** An HTTP answer from a simulated cloud. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Returned by a handler to close the connection without answering (timeouts, lost responses). */
export const DROP_CONNECTION = Symbol('drop-connection');
export type HandlerResult = SimResponse | typeof DROP_CONNECTION;

/** The request as handlers see it: body already read. */
export interface SimRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** How a cloud words the errors the gate produces, in its own wire format. */
export interface GateErrorFormat {
  throttled(call: CallDescription): SimResponse;
  serverError(call: CallDescription): SimResponse;
  capacity(call: CallDescription): SimResponse;
}

export interface SimulatedCloudOptions {
  knobs?: KnobsPatch;
  clock?: Clock;
  /** Seed of every random choice (faults, latency), for repeatable runs. */
  seed?: number;
  /** Serve HTTPS with this key and certificate instead of HTTP. */
  tls?: { key: string; cert: string };
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /**
   * SSH mode: instances get loopback addresses and run an sshd on `port` (unprivileged; the
   * cloud images' `connection-port`), see `SshHosts`. Off by default: addresses are the cloud's
   * usual private and public ranges, and nothing answers on them.
   */
  ssh?: { port: number };
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/**
 * The parts every simulated cloud shares: an HTTP(S) server on loopback, the call gate (rate
 * limits, faults, latency, counters) and the admin endpoint under `/__sim/`:
 *   GET /__sim/knobs, PATCH /__sim/knobs (merge), GET /__sim/counters, POST /__sim/reset,
 *   POST /__sim/seed (cloud-specific body), GET /__sim/resources (cloud-specific summary).
 * A subclass implements the cloud's API in `handle` and its state in `seed`/`resources`/`clearState`.
 */
export abstract class SimulatedCloud {
  readonly counters = new CallCounters();
  readonly clock: Clock;
  /** The instances' sshd endpoints, in SSH mode (`options.ssh`). */
  readonly ssh: SshHosts | undefined;
  protected readonly random: Random;
  protected readonly gate: CallGate;
  private knobsValue: CloudKnobs;
  private readonly initialKnobs: CloudKnobs;
  private server: http.Server | undefined;
  private readonly options: SimulatedCloudOptions;

  constructor(options: SimulatedCloudOptions = {}) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = seededRandom(options.seed ?? 1);
    this.initialKnobs = mergeKnobs(defaultKnobs(), options.knobs ?? {});
    this.knobsValue = this.initialKnobs;
    this.gate = new CallGate(() => this.knobsValue, this.counters, this.random, this.clock);
    this.ssh = options.ssh && new SshHosts({ port: options.ssh.port, clock: this.clock, knobs: () => this.knobsValue.sshd });
  }

  get knobs(): CloudKnobs {
    return this.knobsValue;
  }

  setKnobs(patch: KnobsPatch): CloudKnobs {
    this.knobsValue = mergeKnobs(this.knobsValue, patch);
    this.gate.resetBuckets();
    return this.knobsValue;
  }

  /** Forgets every resource and counter, and restores the knobs given at start. */
  reset(): void {
    this.ssh?.clear();
    this.clearState();
    this.counters.reset();
    this.knobsValue = this.initialKnobs;
    this.gate.resetBuckets();
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`; only after `start()`. */
  get url(): string {
    if (!this.server) throw new Error('simulated cloud not started');
    const { port } = this.server.address() as AddressInfo;
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    await this.ssh?.start();
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => void this.dispatch(req, res);
    const server = this.options.tls ? https.createServer(this.options.tls, listener) : http.createServer(listener);
    // Longer than any pause between a client's calls: a server that closes an idle keep-alive
    // socket just as the client reuses it makes that call fail with ECONNRESET (seen under load
    // with 5 s). stop() closes every connection anyway.
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.ssh?.stop();
  }

  /** The cloud's API. Call `gated` for every API action so that knobs and counters apply. */
  protected abstract handle(request: SimRequest): Promise<HandlerResult>;
  /** Adds resources from an admin seed body (e.g. foreign or leaked resources); returns what was made. */
  abstract seed(body: unknown): unknown;
  /** A summary of the resources held, for the admin endpoint and tests. */
  abstract resources(): unknown;
  protected abstract clearState(): void;
  protected abstract readonly errorFormat: GateErrorFormat;

  /**
   * Runs `work` for an API call under the gate: counted, rate-limited, faulted and delayed
   * as the knobs say. `work` runs only for `ok` and `lost-response` decisions.
   */
  protected async gated(call: CallDescription, work: () => HandlerResult | Promise<HandlerResult>): Promise<HandlerResult> {
    const decision = await this.gate.admit(call);
    switch (decision) {
      case 'throttled':
        return this.errorFormat.throttled(call);
      case 'server-error':
        return this.errorFormat.serverError(call);
      case 'capacity':
        return this.errorFormat.capacity(call);
      case 'timeout':
        await new Promise((resolve) => setTimeout(resolve, this.knobsValue.faults.timeoutMs));
        return DROP_CONNECTION;
      case 'lost-response':
        await work();
        return DROP_CONNECTION;
      case 'ok':
        return work();
    }
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const request: SimRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const result = request.url.pathname.startsWith('/__sim/') ? this.admin(request) : await this.handle(request);
      if (result === DROP_CONNECTION) {
        req.socket.destroy();
        return;
      }
      res.writeHead(result.status, result.headers ?? {});
      res.end(result.body ?? '');
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`simulator error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private admin(request: SimRequest): SimResponse {
    const route = `${request.method} ${request.url.pathname}`;
    const body = () => (request.body.length ? (JSON.parse(request.body.toString('utf8')) as unknown) : {});
    switch (route) {
      case 'GET /__sim/knobs':
        return json(200, this.knobs);
      case 'PATCH /__sim/knobs':
        return json(200, this.setKnobs(body() as KnobsPatch));
      case 'GET /__sim/counters':
        return json(200, this.counters.snapshot());
      case 'POST /__sim/reset':
        this.reset();
        return json(200, { reset: true });
      case 'POST /__sim/seed':
        return json(200, this.seed(body()));
      case 'GET /__sim/resources':
        return json(200, this.resources());
      default:
        return json(404, { error: `no admin route ${route}` });
    }
  }
}
