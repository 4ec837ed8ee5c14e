import { readFile } from 'node:fs/promises';

/**
 * The dashboard: one static page (`dashboard.html`, next to this module) with inline CSS and
 * script and no external resources, which polls `api/status` every second and updates the DOM.
 */
export function loadDashboardPage(): Promise<string> {
  return readFile(new URL('./dashboard.html', import.meta.url), 'utf8');
}
