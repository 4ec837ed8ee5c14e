import { Command } from 'commander';
import { CliError } from '@cloudpool/launcher/cli';
import type { CliIo } from '@cloudpool/launcher/cli';
import { wantsJson, withJsonOption } from '@cloudpool/launcher/cli';
import { runDemo } from './run-demo.js';

/**
 * `demo`: cloudpool's whole job on this machine in under two minutes (see `runDemo`): a story in
 * steps on stdout, or with `--json` only the final summary as one line of JSON. Exits 0 when
 * every step succeeded and everything started was stopped, 1 otherwise (`cloudpool: demo
 * failed: <step>: <why>` on stderr). Ctrl-C stops everything and exits 1; a second one quits at once.
 */
export function demoCommand(io: CliIo): Command {
  return withJsonOption(new Command('demo'))
    .description('show cloudpool end to end on loopback: ZooKeeper, three simulated clouds, a launcher, Zuul requests, leak cleanup')
    .action(async (_options: unknown, command: Command) => {
      const summary = await runDemo(io, { json: wantsJson(command) });
      if (!summary.ok) throw new CliError(`demo failed: ${summary.failure ?? 'unknown reason'}`);
    });
}
