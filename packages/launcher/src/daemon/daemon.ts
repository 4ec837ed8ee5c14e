import { readFile } from 'node:fs/promises';
import { applySecureFile, ConfigError, type Driver, type NodepoolConfig } from '@cloudpool/common';
import type { Logger } from 'pino';
import { driverNames, loadConfigFile } from '../cli/config-file.js';
import type { CliIo, HandledSignal } from '../cli/io.js';
import { CliError, errorLine } from '../cli/cli-error.js';
import { configForReload } from '../config-reload.js';
import { Launcher } from '../launcher.js';
import { StatsdReporter, statsdSettings } from '../metrics/statsd-reporter.js';
import { resolveDrivers } from '../providers/drivers.js';
import { startWebServer, type WebServer } from '../web/server.js';
import { watchConfigFile, type ConfigWatcher } from './config-watcher.js';
import { diagnosticsReport } from './diagnostics.js';

export interface DaemonOptions {
  configPath: string;
  io: CliIo;
  /** Serve the web API on `webapp.port` / `webapp.listen_address`. */
  web: boolean;
  logger: Logger;
  /** Nodepool's secure file (`-s`), applied over nodepool.yaml at start and on every reload. */
  securePath?: string;
}

/** How long the config file's directory must be quiet before the file is re-read. */
const DEFAULT_RELOAD_DEBOUNCE_MS = 500;

/**
 * Settings read once at start; a change needs a restart. Every other setting applies on reload
 * (the `cloudpool.cleanup` ones from each provider's next pass).
 */
const RESTART_ONLY: Array<[string, (config: NodepoolConfig) => unknown]> = [
  ['zookeeper-servers', (c) => c.zookeeperServers],
  ['zookeeper-tls', (c) => c.zookeeperTls],
  ['zookeeper-timeout', (c) => c.zookeeperTimeout],
  ['webapp', (c) => c.webapp],
  ['cloudpool.system-id', (c) => c.cloudpool.systemId],
  // Read by the drivers when a provider starts (a provider whose entry changes restarts too).
  ['cloudpool.cleanup.adopt-nodepool-resources', (c) => c.cloudpool.cleanup.adoptNodepoolResources],
];

/**
 * The launcher daemon, `cloudpool launcher`: a Launcher on nodepool.yaml, its web server, and
 * its reactions to the outside world:
 * - the config file changes (debounced) or SIGHUP: the file is re-read and applied through
 *   `configForReload` (broken provider entries keep their previous configuration);
 * - SIGTERM or SIGINT: stop taking work, let in-flight launches and deletes end, unregister,
 *   and resolve `stopped` (a second signal gets the default action: the process ends at once);
 * - SIGUSR2: a diagnostics report (see `diagnosticsReport`) is logged as one JSON line.
 */
export class LauncherDaemon {
  /** Resolves once the daemon has stopped. */
  readonly stopped: Promise<void>;
  private resolveStopped!: () => void;
  private stopping: Promise<void> | undefined;
  private reloads: Promise<void> = Promise.resolve();
  private readonly watcher: ConfigWatcher;
  private readonly handlers: Array<[HandledSignal, () => void]>;

  private constructor(
    readonly launcher: Launcher,
    private readonly web: WebServer | undefined,
    private readonly statsd: StatsdReporter | undefined,
    private readonly options: DaemonOptions,
    /** Shared with the launcher, which finds drivers named by a reloaded file here. */
    private readonly drivers: Map<string, Driver>,
    private readonly logger: Logger,
    /** The text last read, so that a change elsewhere in the directory reloads nothing. */
    private appliedText: string,
  ) {
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    const { io, configPath } = options;
    this.handlers = [
      ['SIGHUP', () => void this.reload('SIGHUP')],
      ['SIGTERM', () => void this.stop('SIGTERM')],
      ['SIGINT', () => void this.stop('SIGINT')],
      ['SIGUSR2', () => void this.logReport()],
    ];
    for (const [signal, handler] of this.handlers) io.signals.on(signal, handler);
    this.watcher = watchConfigFile(configPath, () => void this.reload('file changed', { onlyIfChanged: true }), {
      debounceMs: io.daemon?.reloadDebounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS,
      onError: (error) => logger.warn({ err: error }, `watching ${configPath} failed: only SIGHUP reloads it now`),
    });
  }

  /** Loads the configuration, starts the launcher and (unless `web` is false) the web server. Throws a CliError for a bad config file. */
  static async start(options: DaemonOptions): Promise<LauncherDaemon> {
    const { io, configPath, logger } = options;
    const loaded = await loadConfigFile(configPath, io);
    const { drivers, text } = loaded;
    let config: NodepoolConfig;
    try {
      config = withSecureFile(loaded.config, options);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(errorLine(error));
      throw error;
    }
    logger.info(`configuration loaded from ${configPath}${options.securePath ? ` and ${options.securePath}` : ''}`);
    const launcher = await Launcher.start({
      config,
      drivers,
      logger,
      ...(io.daemon?.timings ? { timings: io.daemon.timings } : {}),
      ...(io.daemon?.hostname ? { hostname: io.daemon.hostname } : {}),
    });
    let web: WebServer | undefined;
    let statsd: StatsdReporter | undefined;
    try {
      const statsdTarget = statsdSettings(io.env);
      if (statsdTarget) {
        statsd = new StatsdReporter(launcher, statsdTarget, logger);
        logger.info(`statsd: sending Nodepool's metrics to ${statsdTarget.host}:${statsdTarget.port}${statsdTarget.prefix ? ` as ${statsdTarget.prefix}.*` : ''}`);
      }
      if (options.web) web = await startWebServer(launcher, { port: config.webapp.port, host: config.webapp.listenAddress, logger });
    } catch (error) {
      await statsd?.close();
      await launcher.stop();
      throw error;
    }
    return new LauncherDaemon(launcher, web, statsd, options, drivers, logger, text);
  }

  /** The web server's URL, when it runs. */
  get webUrl(): string | undefined {
    return this.web?.url;
  }

  /**
   * Re-reads the config file and applies it, after any reload in progress. With
   * `onlyIfChanged`, a file whose text did not change is left alone. Never throws: problems are
   * logged and the configuration in force stays.
   */
  reload(reason: string, options: { onlyIfChanged?: boolean } = {}): Promise<void> {
    this.reloads = this.reloads.then(() =>
      this.reloadNow(reason, options.onlyIfChanged ?? false).catch((error: unknown) => {
        this.logger.error({ err: error }, 'configuration reload failed; the configuration in force stays');
      }),
    );
    return this.reloads;
  }

  /** Stops as SIGTERM does; resolves when stopped. Idempotent. */
  stop(reason = 'asked to stop'): Promise<void> {
    this.stopping ??= this.stopNow(reason);
    return this.stopping;
  }

  private async reloadNow(reason: string, onlyIfChanged: boolean): Promise<void> {
    if (this.stopping) return;
    const { configPath, io } = this.options;
    let text: string;
    try {
      text = await readFile(configPath, 'utf8');
    } catch (error) {
      this.logger.warn(`cannot read ${configPath} (${(error as NodeJS.ErrnoException).code ?? 'error'}); the configuration in force stays`);
      return;
    }
    if (onlyIfChanged && text === this.appliedText) return;
    this.appliedText = text;
    this.logger.info({ reason }, `reloading the configuration from ${configPath}`);
    for (const [name, driver] of await resolveDrivers(driverNames(text), io.drivers)) {
      if (!this.drivers.has(name)) this.drivers.set(name, driver);
    }
    const current = this.launcher.currentConfig;
    const reloaded = configForReload({ text, path: configPath }, this.drivers, current, this.logger);
    if (!reloaded) return;
    let next: NodepoolConfig;
    try {
      next = withSecureFile(reloaded, this.options);
    } catch (error) {
      this.logger.error(`configuration not reloaded: ${errorLine(error)}; the previous one stays in force`);
      return;
    }
    for (const [key, read] of RESTART_ONLY) {
      if (JSON.stringify(read(next)) !== JSON.stringify(read(current))) this.logger.warn(`${key} changed: it takes effect when the launcher restarts`);
    }
    await this.launcher.applyConfig(next);
    this.logger.info('configuration applied');
  }

  private async stopNow(reason: string): Promise<void> {
    const { signals } = this.options.io;
    for (const [signal, handler] of this.handlers) if (signal === 'SIGTERM' || signal === 'SIGINT') signals.off(signal, handler);
    this.logger.info(`${reason}: stopping; in-flight launches and deletes finish first (a second SIGTERM or SIGINT ends the process at once)`);
    this.watcher.close();
    await this.reloads;
    await this.web?.close();
    await this.launcher.stop();
    await this.statsd?.close();
    for (const [signal, handler] of this.handlers) signals.off(signal, handler);
    this.resolveStopped();
  }

  private async logReport(): Promise<void> {
    try {
      this.logger.info({ report: await diagnosticsReport(this.launcher) }, 'diagnostics report');
    } catch (error) {
      this.logger.error({ err: error }, 'diagnostics report failed');
    }
  }
}

/** `config` with Nodepool's secure file applied, when `-s` names one. */
function withSecureFile(config: NodepoolConfig, options: DaemonOptions): NodepoolConfig {
  return options.securePath ? applySecureFile(config, options.securePath, options.io.env) : config;
}
