/** A failure to report as one line, `cloudpool: <message>`, on stderr, ending the command with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Any error's message on one line: the lines of a multi-line message are joined with `; `. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.join('; ').replaceAll(':; ', ': ');
}
