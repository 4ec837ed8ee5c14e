import { readFile } from 'node:fs/promises';

/**
 * The dashboard: one static page (`dashboard.html`, next to this module) with inline CSS and
 * script and no external resources, which follows `events?status` (server-sent events: the
 * status snapshot and the node notifications) and updates the DOM.
 */
export function loadDashboardPage(): Promise<string> {
  return readFile(new URL('./dashboard.html', import.meta.url), 'utf8');
}
