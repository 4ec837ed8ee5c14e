#!/usr/bin/env node
// `cloudpool` of a development checkout (`pnpm cloudpool`): the launcher's commands plus `simulator`
// and `demo`, run through tsx without a build step.
import { register } from 'tsx/esm/api';

// The AWS SDK release pinned for Node 20 announces, on every start, that it will drop Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../src/main.ts');
