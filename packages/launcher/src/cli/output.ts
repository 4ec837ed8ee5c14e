import type { CliIo } from './io.js';

/** Prints `value` as one line of JSON with `--json`, else the text `render` makes. */
export function printResult(io: CliIo, json: boolean, value: unknown, render: () => string): void {
  io.stdout.write(json ? `${JSON.stringify(value)}\n` : render());
}
