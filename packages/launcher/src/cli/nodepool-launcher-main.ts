import { processIo } from './io.js';
import { runNodepoolLauncher } from './program.js';

// Exit with the command's code even if something it started still holds the event loop.
process.exit(await runNodepoolLauncher(process.argv.slice(2), processIo()));
