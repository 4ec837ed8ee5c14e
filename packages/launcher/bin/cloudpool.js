#!/usr/bin/env node
// The `cloudpool` command: the CLI as compiled by `tsc -b` (dist/, source maps beside it).
import module from 'node:module';

// Stack traces name dist/ lines (close to the sources); NODE_OPTIONS=--enable-source-maps maps them
// to the TypeScript sources, at some start-up cost (every module's map is read).

// V8's code cache of the compiled modules (in the OS temp directory): later starts skip most compiling.
module.enableCompileCache?.();
await import('../dist/cli/main.js');
