#!/usr/bin/env node
// The `cloudpool` command: the CLI as compiled by `tsc -b` (dist/, with source maps).
process.setSourceMapsEnabled(true);
await import('../dist/cli/main.js');
