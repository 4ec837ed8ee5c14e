import { createInterface } from 'node:readline';
import type { CliIo } from './io.js';

/** Asks on stderr and reads one answer from stdin: true for `y` or `yes`; false for anything else, or no answer. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(question);
  const lines = createInterface({ input: io.stdin, terminal: false });
  try {
    for await (const line of lines) return ['y', 'yes'].includes(line.trim().toLowerCase());
    return false;
  } finally {
    lines.close();
  }
}
