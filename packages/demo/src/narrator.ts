import type { TextOutput } from '@cloudpool/launcher/cli';

/** Widths of the event columns: what, event, provider, label, address; the detail takes the rest. */
const EVENT_WIDTHS = [24, 10, 14, 24, 16] as const;

/**
 * The demo's story for a person at a terminal: numbered step headings, indented lines, and
 * event rows stamped with the seconds since the demo began, in fixed columns so they align
 * as they stream. A quiet narrator (for `--json`) writes nothing.
 */
export class Narrator {
  private readonly startedAt = Date.now();

  constructor(
    private readonly out: TextOutput | undefined,
    private readonly steps: number,
  ) {}

  /** Seconds since the demo began. */
  get elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  heading(step: number, title: string): void {
    this.write(`\n[${step}/${this.steps}] ${title}\n`);
  }

  /** Indented lines (each non-empty line of `text`). */
  say(text: string): void {
    this.write(text.replace(/^(?=.)/gm, '    ') + '\n');
  }

  /** The header row of the event columns. */
  eventHeader(): void {
    this.write(`    ${'time'.padStart(6)}  ${columns(['what', 'event', 'provider', 'label', 'address', 'detail'])}\n`);
  }

  /** One event row: what, event, provider, label, address, detail. */
  event(cells: readonly string[]): void {
    this.write(`    ${`+${this.elapsedSeconds.toFixed(1)}s`.padStart(6)}  ${columns(cells)}\n`);
  }

  private write(text: string): void {
    this.out?.write(text);
  }
}

function columns(cells: readonly string[]): string {
  return cells
    .map((cell, i) => (i < EVENT_WIDTHS.length ? cell.padEnd(EVENT_WIDTHS[i]!) : cell))
    .join(' ')
    .trimEnd();
}
