import { Command, Option } from 'commander';
import { LauncherDaemon } from '../../daemon/daemon.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { launcherLogger } from '../logging.js';
import { configPath, withConfigOption } from '../options.js';
import { DAEMON_PIDFILE_ENV, DEFAULT_PIDFILE, daemonize, holdPidfile } from '../pidfile.js';

/** The options of Nodepool's `nodepool-launcher`, as commander gives them. */
interface LauncherFlags {
  debug?: boolean;
  foreground?: boolean;
  logConfig?: string;
  pidfile?: string;
  secure?: string;
  web: boolean;
  webapp: boolean;
  logFormat?: 'json' | 'text';
}

/**
 * Adds Nodepool's launcher options (nodepool/cmd/__init__.py and launcher.py): `-d` (foreground,
 * debug logging), `-f` (foreground), `-l` (a Python logging config), `-p` (the pid file, used
 * when it runs as a daemon), `-s` (the secure file), `--no-webapp`; and cloudpool's
 * `--log-format`.
 */
function withLauncherOptions(command: Command): Command {
  return withConfigOption(command)
    .option('-d', 'stay in the foreground, with debug logging', false)
    .option('-f', 'stay in the foreground', false)
    .option('-l <file>', 'a Python logging configuration (dictConfig YAML/JSON by extension, else fileConfig INI)')
    .option('-p <file>', `pid file, written when running as a daemon (default: ${DEFAULT_PIDFILE})`)
    .option('-s <file>', "Nodepool's secure file: zookeeper-servers and zookeeper-tls kept out of nodepool.yaml")
    .option('--no-webapp', 'do not serve the web API (webapp.port)')
    .option('--no-web', 'the same as --no-webapp')
    .addOption(new Option('--log-format <format>', 'log lines without -l: json, or text as Nodepool writes them').choices(['json', 'text']));
}

/** Commander names short options by their letter; these are Nodepool's meanings. */
function flags(command: Command): LauncherFlags {
  const options = command.opts<Record<string, unknown>>();
  return {
    debug: options.d === true,
    foreground: options.f === true,
    ...(typeof options.l === 'string' ? { logConfig: options.l } : {}),
    ...(typeof options.p === 'string' ? { pidfile: options.p } : {}),
    ...(typeof options.s === 'string' ? { secure: options.s } : {}),
    web: options.web !== false,
    webapp: options.webapp !== false,
    ...(options.logFormat === 'json' || options.logFormat === 'text' ? { logFormat: options.logFormat } : {}),
  };
}

/**
 * Runs the daemon in this process until SIGTERM or SIGINT. `asDaemon`: the detached process
 * `daemonize` started, which holds the pid file and logs as Nodepool's daemon does.
 */
async function runDaemon(command: Command, io: CliIo, options: LauncherFlags, defaultFormat: 'json' | 'text'): Promise<void> {
  if (options.logConfig && options.logFormat === 'json') throw new CliError('--log-format json cannot be used with -l (the logging configuration decides the format)');
  const pidfile = io.env[DAEMON_PIDFILE_ENV];
  const logger = launcherLogger(io, {
    ...(options.logConfig ? { logConfig: options.logConfig } : {}),
    debug: options.debug === true,
    format: options.logFormat ?? defaultFormat,
    asDaemon: pidfile !== undefined,
  });
  const release = pidfile ? holdPidfile(pidfile) : undefined;
  try {
    const daemon = await LauncherDaemon.start({
      configPath: configPath(command),
      io,
      web: options.web && options.webapp,
      logger: logger.logger,
      ...(options.secure ? { securePath: options.secure } : {}),
    });
    await daemon.stopped;
  } finally {
    release?.();
    logger.close();
  }
}

/**
 * `launcher`: the launcher daemon (see LauncherDaemon) in the foreground, JSON log lines on
 * stdout unless `-l` or `--log-format text`. Takes Nodepool's options too (`-d` also sets debug
 * logging). Ends with 0 once stopped by SIGTERM or SIGINT.
 */
export function registerLauncher(program: Command, io: CliIo): void {
  withLauncherOptions(program.command('launcher'))
    .description('run the launcher daemon: serve node requests from ZooKeeper with the configured providers')
    .action(async (_options: unknown, command: Command) => {
      await runDaemon(command, io, flags(command), 'json');
    });
}

/**
 * Nodepool's `nodepool-launcher` command line: without `-d` or `-f` it runs as a daemon
 * (detached, holding the pid file, logging to /var/log/nodepool/nodepool.log unless `-l` says
 * otherwise); with either it stays in the foreground and logs text to stdout as Nodepool does.
 */
export function nodepoolLauncherCommand(io: CliIo, version: string, argv: readonly string[]): Command {
  return withLauncherOptions(new Command('nodepool-launcher'))
    .description("cloudpool's launcher with Nodepool's command line")
    .version(version, '--version')
    .action(async (_options: unknown, command: Command) => {
      const options = flags(command);
      if (options.debug || options.foreground || io.env[DAEMON_PIDFILE_ENV] !== undefined) {
        await runDaemon(command, io, options, 'text');
        return;
      }
      const pid = await daemonize(argv, options.pidfile ?? DEFAULT_PIDFILE, io.env);
      io.stdout.write(`nodepool-launcher: running as a daemon, pid ${pid}\n`);
    });
}
