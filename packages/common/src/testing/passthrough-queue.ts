import type { CloudCallQueue } from '../driver/driver.js';

/** A queue that runs every call at once, for tests where pacing is not what is tested. */
export const passthroughQueue: CloudCallQueue = { run: (_call, fn) => fn(new AbortController().signal) };
