import { mayRetry, RETRY_POLICY } from '../errors/retry-policy.js';

/**
 * Base of the framework's state machines. `advance()` never blocks: it starts at most one
 * asynchronous step and returns at once; the step's outcome is collected by a later
 * `advance()`. A provider loop advances many machines on each tick, so one slow cloud call
 * never holds up the others.
 */
export abstract class StepMachine<TState extends string> {
  private current: TState | 'complete' | 'failed';
  private inFlight = false;
  private failure: Error | undefined;
  private stepRetries = 0;

  protected constructor(initial: TState) {
    this.current = initial;
  }

  get state(): TState | 'complete' | 'failed' {
    return this.current;
  }

  get complete(): boolean {
    return this.current === 'complete';
  }

  get failed(): boolean {
    return this.current === 'failed';
  }

  /** Why the machine failed; undefined unless `failed`. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** True once the machine is `complete` or `failed`: further advances do nothing. */
  get done(): boolean {
    return this.complete || this.failed;
  }

  advance(): void {
    if (this.done || this.inFlight) return;
    const state = this.current as TState;
    this.inFlight = true;
    this.step(state).then(
      (next) => {
        this.inFlight = false;
        this.stepRetries = 0;
        if (!this.done) this.current = next;
      },
      (error: unknown) => {
        this.inFlight = false;
        // A repeatable step's throttled or transient failure is tried again, on RETRY_POLICY.repeatedStep's budget.
        if (this.mayRepeat(state) && mayRetry(RETRY_POLICY.repeatedStep, error, this.stepRetries)) {
          this.stepRetries += 1;
          return;
        }
        this.fail(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /** Ends the machine as failed (e.g. on timeout); an in-flight step's result is then ignored. */
  fail(error: Error): void {
    if (this.done) return;
    this.failure = error;
    this.current = 'failed';
  }

  /**
   * Whether a throttled or transient failure of `state`'s step is tried again on the next tick
   * (a failed poll is not a failed launch) instead of failing the machine. Default: never.
   */
  protected mayRepeat(_state: TState): boolean {
    return false;
  }

  /**
   * Runs the work of `state` and returns the next state (the same state to poll again
   * on the next tick, or `complete`). A rejection fails the machine.
   */
  protected abstract step(state: TState): Promise<TState | 'complete'>;
}
