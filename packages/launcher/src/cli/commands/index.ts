import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { cleanupCommand } from './cleanup.js';
import { registerConfigValidate } from './config-validate.js';
import { registerDelete } from './delete.js';
import { registerDibImageDelete } from './dib-image-delete.js';
import { registerDibImageList } from './dib-image-list.js';
import { registerErase } from './erase.js';
import { registerHold } from './hold.js';
import { builderCommand, imageCommand } from './image.js';
import { registerImageDelete } from './image-delete.js';
import { registerImageList } from './image-list.js';
import { registerImageStatus } from './image-status.js';
import { registerInfo } from './info.js';
import { registerLauncher } from './launcher.js';
import { registerList } from './list.js';
import { registerRequest } from './request.js';
import { registerRequestList } from './request-list.js';
import { registerSystemId } from './system-id.js';

/** Adds one command to the program; its action reads and writes only through `io`. */
export type CommandRegistrar = (program: Command, io: CliIo) => void;

/**
 * Every command of `cloudpool`, in the order `--help` lists them: Nodepool's, then cloudpool's.
 * Each module here exports one registrar. A command built as a `Command` of its own joins the
 * list as `(program, io) => void program.addCommand(itsCommand(io))`; `createProgram` gives it
 * the same output and error handling as the others.
 */
export const COMMANDS: readonly CommandRegistrar[] = [
  registerList,
  registerDelete,
  registerHold,
  registerRequestList,
  registerImageList,
  registerDibImageList,
  registerImageStatus,
  registerImageDelete,
  registerDibImageDelete,
  registerInfo,
  registerErase,
  registerConfigValidate,
  registerLauncher,
  registerRequest,
  registerSystemId,
  (program, io) => void program.addCommand(cleanupCommand(io)),
  (program, io) => void program.addCommand(imageCommand(io)),
  (program, io) => void program.addCommand(builderCommand(io)),
];
