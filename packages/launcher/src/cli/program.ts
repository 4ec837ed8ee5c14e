import { Command, CommanderError } from 'commander';
import { CliError, errorLine } from './cli-error.js';
import { COMMANDS, type CommandRegistrar } from './commands/index.js';
import { nodepoolLauncherCommand } from './commands/launcher.js';
import type { CliIo } from './io.js';
import { withConfigOption } from './options.js';

/** The `cloudpool` program with `commands` (by default all of them), writing only through `io`. */
export function createProgram(io: CliIo, commands: readonly CommandRegistrar[] = COMMANDS): Command {
  const program = withConfigOption(new Command('cloudpool'))
    .description('A Nodepool-compatible launcher of single-use CI nodes on AWS, Azure and OpenStack')
    .version(VERSION, '--version');
  for (const register of commands) register(program, io);
  return withIoOutput(program, io, 'cloudpool');
}

/** The program and its commands write through `io` and throw instead of exiting. */
function withIoOutput(program: Command, io: CliIo, name: string): Command {
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(`${name}: ${text.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    });
  }
  return program;
}

/**
 * Runs `cloudpool` with `argv` (the arguments after the program name) and resolves with the exit
 * code. A failure is one line on stderr, `cloudpool: <what went wrong>`, and a non-zero code.
 */
export async function runCli(argv: readonly string[], io: CliIo, commands?: readonly CommandRegistrar[]): Promise<number> {
  return run(createProgram(io, commands), argv, io, 'cloudpool');
}

/** The version `--version` prints. */
export const VERSION = 'cloudpool 0.1.0';

/** Runs Nodepool's `nodepool-launcher <argv>` (see `nodepoolLauncherCommand`) and resolves with the exit code. */
export async function runNodepoolLauncher(argv: readonly string[], io: CliIo): Promise<number> {
  return run(withIoOutput(nodepoolLauncherCommand(io, VERSION, argv), io, 'nodepool-launcher'), argv, io, 'nodepool-launcher');
}

async function run(program: Command, argv: readonly string[], io: CliIo, name: string): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has printed its own message (or the help, or the version) through configureOutput.
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr.write(`${name}: ${errorLine(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
