import { Command, CommanderError } from 'commander';
import { CliError, errorLine } from './cli-error.js';
import { COMMANDS, type CommandRegistrar } from './commands/index.js';
import type { CliIo } from './io.js';
import { withConfigOption } from './options.js';

/** The `cloudpool` program with `commands` (by default all of them), writing only through `io`. */
export function createProgram(io: CliIo, commands: readonly CommandRegistrar[] = COMMANDS): Command {
  const program = withConfigOption(new Command('cloudpool'))
    .description('A Nodepool-compatible launcher of single-use CI nodes on AWS, Azure and OpenStack');
  for (const register of commands) register(program, io);
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(`cloudpool: ${text.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    });
  }
  return program;
}

/**
 * Runs `cloudpool` with `argv` (the arguments after the program name) and resolves with the exit
 * code. A failure is one line on stderr, `cloudpool: <what went wrong>`, and a non-zero code.
 */
export async function runCli(argv: readonly string[], io: CliIo, commands?: readonly CommandRegistrar[]): Promise<number> {
  const program = createProgram(io, commands);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has printed its own message (or the help) through configureOutput.
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr.write(`cloudpool: ${errorLine(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
