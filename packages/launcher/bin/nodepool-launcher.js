#!/usr/bin/env node
// `nodepool-launcher`: cloudpool's launcher with Nodepool's command line, for existing units and container commands,
// as compiled by `tsc -b` (dist/, source maps beside it).
import module from 'node:module';

// Stack traces name dist/ lines (close to the sources); NODE_OPTIONS=--enable-source-maps maps them
// to the TypeScript sources, at some start-up cost (every module's map is read).

// V8's code cache of the compiled modules (in the OS temp directory): later starts skip most compiling.
module.enableCompileCache?.();
// The AWS SDK release pinned for Node 20 announces, on every start, that it will drop Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import('../dist/cli/nodepool-launcher-main.js');
