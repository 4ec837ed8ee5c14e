export { CliError, errorLine } from './cli-error.js';
export { COMMANDS, type CommandRegistrar } from './commands/index.js';
export { processIo, type CliIo, type HandledSignal, type SignalSource, type TextOutput } from './io.js';
export { wantsJson, withJsonOption } from './options.js';
export { printResult } from './output.js';
export { createProgram, runCli } from './program.js';
export { untilSignal } from './signals.js';
