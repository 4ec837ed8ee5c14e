/** Rejects the calls that were waiting in, or submitted to, an {@link ApiQueue} after `stop()`; they were never sent. */
export class ApiQueueStoppedError extends Error {
  readonly queue: string;
  readonly action: string;

  constructor(queue: string, action: string) {
    super(`API queue "${queue}" is stopped: ${action} was not sent`);
    this.name = 'ApiQueueStoppedError';
    this.queue = queue;
    this.action = action;
  }
}
