import { processIo } from './io.js';
import { runCli } from './program.js';

// Exit with the command's code even if something it started still holds the event loop.
process.exit(await runCli(process.argv.slice(2), processIo()));
