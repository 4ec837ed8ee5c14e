import { withTimeout } from './waiting.js';

/** How long one thing may take to stop before the demo gives up on it and goes on. */
const STOP_TIMEOUT_MS = 20_000;

/** What stopping one thing gave. */
export interface StopOutcome {
  what: string;
  seconds: number;
  error?: string;
}

/**
 * What the demo started, stopped in the reverse order of starting (a launcher before its
 * ZooKeeper), each bounded in time; a failure to stop one thing never keeps the others running.
 */
export class Teardown {
  private readonly started: Array<{ what: string; stop: () => Promise<void> }> = [];

  /** Registers how to undo something just started; `what` says it, e.g. `stop ZooKeeper`. */
  add(what: string, stop: () => Promise<void> | void): void {
    this.started.push({ what, stop: async () => stop() });
  }

  /** Stops everything registered, last first; `onStopped` hears of each as it ends. */
  async run(onStopped: (outcome: StopOutcome) => void): Promise<StopOutcome[]> {
    const outcomes: StopOutcome[] = [];
    for (const { what, stop } of this.started.splice(0).reverse()) {
      const startedAt = Date.now();
      const outcome: StopOutcome = { what, seconds: 0 };
      try {
        await withTimeout(stop(), what, STOP_TIMEOUT_MS);
      } catch (error) {
        outcome.error = error instanceof Error ? error.message : String(error);
      }
      outcome.seconds = (Date.now() - startedAt) / 1000;
      onStopped(outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  }
}
