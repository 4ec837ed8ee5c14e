import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TAG } from '@cloudpool/common';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { useWebServers } from './web-test-support.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const title = present ? 'web: the dashboard in headless Chromium' : `web: the dashboard in headless Chromium (SKIPPED: ${CHROMIUM} is missing; install Debian's chromium package)`;

/** Nodes boot for 3 s, so the page (following /events) shows them building before ready. */
const CONFIG = `labels:
  - name: small
cloudpool:
  cleanup:
    interval: 0.5
    min-age: 0
providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 10\n        labels:\n${label('small', 2, 2048)}`, '    boot-time: 3\n    launch-retries: 1\n    cloud-limits:\n      cores: 16\n')}`;

/** Waits until the text of the first element matching `selector` is `expected` (or matches it). */
async function waitForText(page: Page, selector: string, expected: string | RegExp, timeoutMs = 10_000): Promise<void> {
  const text = async () => (await page.locator(selector).allTextContents())[0]?.trim();
  const poll = expect.poll(text, { timeout: timeoutMs, interval: 100, message: selector });
  await (typeof expected === 'string' ? poll.toBe(expected) : poll.toMatch(expected));
}

describe.skipIf(!present)(title, () => {
  const harness = useLauncherHarness();
  const startWeb = useWebServers();
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the provider, then a request taking nodes from building to ready, the launches, a failure and the cleanup, live', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG);
    const web = await startWeb(launcher);
    const cloud = h.driver.cloud('fake-a');
    cloud.plantInstance({ [TAG.providerName]: 'fake-a', [TAG.systemId]: launcher.context.systemId, [TAG.nodeId]: await h.goneNodeId(), [TAG.protect]: 'yes' });

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${web.url}/dashboard`);
    const provider = '#providers [data-provider="fake-a"]';
    await waitForText(page, '#ready', 'ready');
    await waitForText(page, '#launcher', 'launcher launcher-1');
    await waitForText(page, `${provider} h3`, 'fake-a');
    await waitForText(page, '#provider-health [data-health="fake-a"]', 'fake-a: ok');
    await waitForText(page, `${provider} .quota[data-resource="instances"] .nums`, '0 / 10');
    await waitForText(page, `${provider} .quota[data-resource="cores"] .nums`, '0 / 16');
    await waitForText(page, '#nodes-by-state [data-state="ready"] .count', '0');

    const id = await h.request(['small', 'small']);
    await waitForText(page, '#nodes-by-state [data-state="building"] .count', '2');
    await waitForText(page, `${provider} .provider-nodes [data-state="building"] .count`, '2');
    await waitForText(page, '#nodes-by-state [data-state="ready"] .count', '2');
    await waitForText(page, '#nodes-by-state [data-state="building"] .count', '0');
    await waitForText(page, `${provider} .quota[data-resource="instances"] .nums`, '2 / 10');
    await waitForText(page, `${provider} .quota[data-resource="cores"] .nums`, '4 / 16');
    await waitForText(page, '#requests-other', /1 fulfilled/);
    const nodes = (await h.requester.getRequest(id))!.nodes;
    for (const node of nodes) {
      await waitForText(page, `#launches tr[data-node="${node}"] td:nth-child(5)`, 'ready');
      expect(await page.textContent(`#launches tr[data-node="${node}"] td:nth-child(2)`)).toBe('fake-a');
    }

    // The node events table follows /events: each launch from creation to ready.
    for (const node of nodes) {
      await waitForText(page, `#node-events tr[data-node="${node}"][data-state="ready"] td:nth-child(5)`, 'building → ready');
      expect(await page.textContent(`#node-events tr[data-node="${node}"][data-state="ready"] td:nth-child(7)`)).toBe('end');
      expect(await page.textContent(`#node-events tr[data-node="${node}"][data-state="init"] td:nth-child(7)`)).toBe('start');
    }

    cloud.failNextBoots.push({ kind: 'permanent', message: 'image does not boot' });
    await h.request(['small']);
    await waitForText(page, '#failures tbody tr:first-child td.reason', /^failed: .*image does not boot/);
    await waitForText(page, '#node-events tr[data-state="failed"] td:nth-child(7)', 'error');
    await waitForText(page, '#node-events tr[data-state="failed"] td:nth-child(8)', /image does not boot/);
    // The page never polls: one stream carries everything.
    expect(requested.filter((path) => path === '/api/status')).toEqual([]);
    expect(requested.filter((path) => path === '/events')).toHaveLength(1);
    await waitForText(page, '#cleanup tr[data-provider="fake-a"] td:nth-child(6)', 'protected 1');
    await waitForText(page, '#cleanup tr[data-provider="fake-a"] td:nth-child(7)', 'ok');

    const screenshot = join(tmpdir(), 'cloudpool-dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`dashboard screenshot: ${screenshot}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
