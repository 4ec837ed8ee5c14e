#!/usr/bin/env node
// `cloudpool` of a development checkout (`pnpm cloudpool`): the launcher's commands plus `simulator`
// and `demo`, as compiled by `tsc -b` (dist/, with source maps; the root's script builds first).
process.setSourceMapsEnabled(true);
// The AWS SDK release pinned for Node 20 announces, on every start, that it will drop Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import('../dist/main.js');
