import { processIo, runCli } from '@cloudpool/launcher/cli';
import { DEV_COMMANDS } from './dev-commands.js';

// Exit with the command's code even if something it started still holds the event loop.
process.exit(await runCli(process.argv.slice(2), processIo(), DEV_COMMANDS));
