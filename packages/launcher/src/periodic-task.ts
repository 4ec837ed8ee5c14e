import type { Logger } from 'pino';

/**
 * Runs `task` every `intervalMs`, never two at once: the next run starts `intervalMs` after
 * the previous one ended. A failing run is logged and the task goes on.
 */
export class PeriodicTask {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void> | void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs the task now (after any run in progress). */
  async runNow(): Promise<void> {
    await this.current;
    await this.run();
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.run().then(() => this.schedule(this.intervalMs));
    }, delay);
  }

  private run(): Promise<void> {
    const run = (async () => {
      try {
        await this.task();
      } catch (error) {
        this.logger.error({ err: error, task: this.name }, `${this.name} failed`);
      }
    })();
    this.current = run;
    return run;
  }
}
