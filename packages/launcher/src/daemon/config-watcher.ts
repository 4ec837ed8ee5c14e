import { watch } from 'node:fs';
import path from 'node:path';

export interface ConfigWatcherOptions {
  /** How long the directory must be quiet before `onChange` runs. */
  debounceMs: number;
  onError(error: Error): void;
}

/** A running watch; `close()` stops it and any pending call. */
export interface ConfigWatcher {
  close(): void;
}

/**
 * Calls `onChange` once changes around `file` have been quiet for `debounceMs`. It watches the
 * file's directory, not the file: editors and configuration managers replace the file (write a
 * new one, rename it over the old), which ends a watch on the file itself, and Kubernetes swaps
 * a symlinked directory. Any change in the directory counts, so the caller compares contents.
 * The watch keeps the process alive while it runs.
 */
export function watchConfigFile(file: string, onChange: () => void, options: ConfigWatcherOptions): ConfigWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(path.dirname(path.resolve(file)), () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, options.debounceMs);
  });
  watcher.on('error', options.onError);
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
