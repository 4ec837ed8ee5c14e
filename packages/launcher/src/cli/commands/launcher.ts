import type { Command } from 'commander';
import { LauncherDaemon } from '../../daemon/daemon.js';
import type { CliIo } from '../io.js';
import { configPath, withConfigOption } from '../options.js';

/** `launcher`: the launcher daemon (see LauncherDaemon); logs are JSON lines on stdout. Ends with 0 once stopped by SIGTERM or SIGINT. */
export function registerLauncher(program: Command, io: CliIo): void {
  withConfigOption(program.command('launcher'))
    .description('run the launcher daemon: serve node requests from ZooKeeper with the configured providers')
    .option('--no-web', 'do not serve the web API (webapp.port)')
    .action(async (options: { web: boolean }, command: Command) => {
      const daemon = await LauncherDaemon.start({ configPath: configPath(command), io, web: options.web });
      await daemon.stopped;
    });
}
