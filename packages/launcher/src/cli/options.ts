import type { Command } from 'commander';

/** Where Nodepool reads its configuration when `-c` is not given. */
export const DEFAULT_CONFIG_PATH = '/etc/nodepool/nodepool.yaml';

const CONFIG_FLAGS = '-c, --config <path>';
const CONFIG_HELP = `nodepool.yaml to read (default: ${DEFAULT_CONFIG_PATH})`;

/**
 * Adds `-c, --config` to a command. The program has it too, so Nodepool's word order
 * (`cloudpool -c nodepool.yaml list`) works as well as `cloudpool list -c nodepool.yaml`.
 */
export function withConfigOption(command: Command): Command {
  return command.option(CONFIG_FLAGS, CONFIG_HELP);
}

/** Adds `--json`: one line of JSON on stdout instead of text. */
export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print one line of JSON instead of text');
}

/** Adds `-c, --config` and `--json`, which every command that reads ZooKeeper takes. */
export function withCommonOptions(command: Command): Command {
  return withJsonOption(withConfigOption(command));
}

/** The `-c` given after the command, else before it (or before its parent command), else Nodepool's default path. */
export function configPath(command: Command): string {
  for (let at: Command | null = command; at; at = at.parent) {
    const given = at.opts().config as string | undefined;
    if (given !== undefined) return given;
  }
  return DEFAULT_CONFIG_PATH;
}

/** Whether `--json` was given (to the command or to a command enclosing it). */
export function wantsJson(command: Command): boolean {
  for (let at: Command | null = command; at; at = at.parent) if (at.opts().json === true) return true;
  return false;
}
