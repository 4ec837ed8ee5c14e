#!/usr/bin/env node
// `nodepool-launcher`: cloudpool's launcher with Nodepool's command line, for existing units and container commands,
// as compiled by `tsc -b` (dist/, with source maps).
process.setSourceMapsEnabled(true);
// The AWS SDK release pinned for Node 20 announces, on every start, that it will drop Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import('../dist/cli/nodepool-launcher-main.js');
