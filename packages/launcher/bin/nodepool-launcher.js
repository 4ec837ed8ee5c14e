#!/usr/bin/env node
// `nodepool-launcher`: cloudpool's launcher with Nodepool's command line, for existing units and container commands.
import { register } from 'tsx/esm/api';

// The AWS SDK release pinned for Node 20 announces, on every start, that it will drop Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../src/cli/nodepool-launcher-main.ts');
