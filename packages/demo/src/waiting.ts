/** How often `waitUntil` looks again. */
const POLL_MS = 100;

/**
 * Resolves once `check()` holds, looking every 100 ms. Rejects with `signal.reason` when the
 * demo is interrupted, and with "<what> not done within N s" after `timeoutMs`.
 */
export async function waitUntil(check: () => boolean, options: { what: string; timeoutMs: number; signal: AbortSignal }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!check()) {
    options.signal.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`${options.what} not done within ${options.timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `work`, or a rejection "<what> took longer than N s" if it has not settled by then. */
export async function withTimeout<T>(work: Promise<T>, what: string, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
