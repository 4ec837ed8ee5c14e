import { readFile } from 'node:fs/promises';

/**
 * The dashboard: one static page (`src/web/dashboard.html`, next to this module's source) with
 * inline CSS and script and no external resources, which follows `events?status` (server-sent
 * events: the status snapshot and the node notifications) and updates the DOM. Read from the
 * package's src/ both from the sources and from the build (dist/web/ is as deep as src/web/;
 * tsc copies no HTML).
 */
export function loadDashboardPage(): Promise<string> {
  return readFile(new URL('../../src/web/dashboard.html', import.meta.url), 'utf8');
}
