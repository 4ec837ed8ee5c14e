import { startScript, type ScriptProcess } from './script-process.js';

/**
 * A `TcpProxy` (tcp-proxy.ts) in a child process (tcp-proxy-main.ts), controlled from the test.
 * Out of process because closing a ZooKeeper client blocks the event loop until the server
 * answers, which an in-process proxy could not forward.
 */
export class ProxyProcess {
  private constructor(
    private readonly script: ScriptProcess,
    readonly port: number,
  ) {}

  /** Starts the proxy process; resolves once it listens. */
  static async start(target: { host: string; port: number }): Promise<ProxyProcess> {
    const script = startScript(new URL('./tcp-proxy-main.ts', import.meta.url), [target.host, String(target.port)]);
    const port = Number(await script.nextLine());
    if (!(port > 0)) throw new Error('the proxy process did not report its port');
    return new ProxyProcess(script, port);
  }

  get hostPort(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Drops every connection and refuses new ones; resolves once done. */
  cut(): Promise<void> {
    return this.command('cut');
  }

  /** Accepts connections again; resolves once done. */
  restore(): Promise<void> {
    return this.command('restore');
  }

  /** See `TcpProxy.dropWhenSent` (`text` on one line); resolves once armed. */
  dropWhenSent(text: string, times: number): Promise<void> {
    if (text.includes('\n')) throw new Error('dropWhenSent: the text must be one line');
    return this.command(`drop-when-sent ${times} ${text}`);
  }

  /** How many times the `dropWhenSent` trigger dropped the connections so far. */
  async drops(): Promise<number> {
    this.script.send('drops');
    const count = Number(await this.script.nextLine());
    if ((await this.script.nextLine()) !== 'ok') throw new Error('the proxy process did not confirm drops');
    return count;
  }

  /** Ends the proxy process. */
  async close(): Promise<void> {
    const { child } = this.script;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    // A proxy that does not end on its own within a few seconds is killed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private async command(line: string): Promise<void> {
    this.script.send(line);
    if ((await this.script.nextLine()) !== 'ok') throw new Error(`the proxy process did not confirm ${line}`);
  }
}
