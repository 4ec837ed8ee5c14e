import { COMMANDS, type CommandRegistrar } from '@cloudpool/launcher/cli';
import { demoCommand } from './demo-command.js';
import { registerSimulator } from './simulator-command.js';

/**
 * The `cloudpool` commands of a development checkout: every command of the launcher, then the
 * two that need the simulated clouds (`simulator`, `demo`). The launcher package itself carries
 * neither, so a production install does not pull the simulator in.
 */
export const DEV_COMMANDS: readonly CommandRegistrar[] = [
  ...COMMANDS,
  registerSimulator,
  (program, io) => void program.addCommand(demoCommand(io)),
];
