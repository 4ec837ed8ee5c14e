import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { NODE_COLUMNS, REQUEST_COLUMNS } from '../../src/web/nodepool-status.js';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { get, getJson, useWebServers } from './web-test-support.js';

const CONFIG = `labels:
  - name: small
  - name: large
  - name: gpu
# Short cleanup passes: a launcher stopped during a pass waits out the rest of the interval.
cloudpool:
  cleanup:
    interval: 0.5
providers:
${fakeProvider(
  'fake-a',
  `      - name: main
        max-servers: 10
        labels:
${label('small', 2, 2048)}${label('large', 4, 4096)}`,
)}
`;

/** The cells of a text-table line, trimmed. */
function cells(line: string): string[] {
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

/** What a browser sends: Nodepool answers it with the text table. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe("web: Nodepool's status endpoints", () => {
  const harness = useLauncherHarness();
  const startWeb = useWebServers();

  it('lists nodes as JSON records and as a text table, one node by node_id, with the chosen fields, showing locks', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG);
    const web = await startWeb(launcher);
    const requestId = await h.request(['small']);
    const nodeId = (await h.waitForRequest(requestId)).nodes[0]!;
    await waitFor(() => launcher.context.nodes.get(nodeId)?.allocated_to === requestId);

    const json = await get(web, '/node-list', 'application/json');
    expect(json.status).toBe(200);
    expect(json.contentType).toBe('application/json');
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    expect(json.headers.get('cache-control')).toBe('public, max-age=1');
    const [node, ...others] = JSON.parse(json.body) as Array<Record<string, unknown>>;
    expect(others).toEqual([]);
    expect(Object.keys(node!)).toEqual(NODE_COLUMNS.map((c) => c.key));
    expect(node).toMatchObject({
      id: nodeId,
      provider: 'fake-a',
      label: ['small'],
      state: 'ready',
      locked: 'unlocked',
      pool: 'main',
      hostname: `np${nodeId}`,
      connection_port: 22,
      launcher: 'launcher-1',
      allocated_to: requestId,
      hold_job: null,
      comment: null,
      username: 'zuul',
      user_data: null,
      driver_data: null,
    });
    expect(node!.server_id).toMatch(/^fake-\d+$/);
    expect(node!.age).toMatch(/^00:00:00:\d\d$/);

    for (const accept of [undefined, 'text/plain', BROWSER_ACCEPT, '*/*']) {
      const text = await get(web, '/node-list', accept);
      expect(text.contentType).toBe('text/plain; charset=UTF-8');
      const lines = text.body.split('\n');
      expect(lines).toHaveLength(5);
      expect(lines[0]).toMatch(/^\+(-+\+){21}$/);
      expect(cells(lines[1]!)).toEqual(NODE_COLUMNS.map((c) => c.header));
      expect(cells(lines[3]!)).toEqual([
        nodeId, 'fake-a', 'small', node!.server_id, node!.public_ipv4 ?? 'None', 'None', 'ready', expect.stringMatching(/^00:00:00:\d\d$/),
        'unlocked', 'main', `np${nodeId}`, node!.private_ipv4 ?? 'None', node!.AZ ?? 'None', 'zuul', '22', 'launcher-1', requestId, 'None', 'None', 'None', 'None',
      ]);
    }

    const held = await h.requester.lockNode(nodeId, { timeoutMs: 5000 });
    const chosen = await get(web, `/node-list?node_id=${nodeId}&fields=state,locked,id`);
    await held!.lock.release();
    expect(chosen.body).toBe(
      [
        '+------------+-------+--------+',
        '| ID         | State | Locked |',
        '+------------+-------+--------+',
        `| ${nodeId} | ready | locked |`,
        '+------------+-------+--------+',
      ].join('\n'),
    );
    expect(await getJson(web, `/node-list?node_id=${nodeId}`)).toMatchObject([{ id: nodeId, locked: 'unlocked' }]);
    expect(await getJson(web, '/node-list?node_id=9999999999')).toEqual([]);
  });

  it('lists requests and labels as JSON and as text tables', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG);
    const web = await startWeb(launcher);
    const fulfilled = await h.request(['small', 'large']);
    const failed = await h.request(['gpu']);
    const nodes = (await h.waitForRequest(fulfilled)).nodes;
    await h.waitForRequest(failed);
    await waitFor(() => launcher.context.requests.get(failed)?.state === 'failed' && launcher.context.requests.get(fulfilled)?.state === 'fulfilled');

    const requests = await getJson<Array<Record<string, unknown>>>(web, '/request-list');
    expect(requests.map((r) => Object.keys(r))).toEqual([REQUEST_COLUMNS.map((c) => c.key), REQUEST_COLUMNS.map((c) => c.key)]);
    expect(requests).toEqual([
      { id: fulfilled, relative_priority: 0, state: 'fulfilled', requestor: 'zuul-test', node_types: ['small', 'large'], nodes, declined_by: [], event_id: null },
      { id: failed, relative_priority: 0, state: 'failed', requestor: 'zuul-test', node_types: ['gpu'], nodes: [], declined_by: ['fake-a-main'], event_id: null },
    ]);
    const text = (await get(web, '/request-list')).body.split('\n');
    expect(text[1]).toBe('| Request ID     | Priority | State     | Requestor | Node Types  | Nodes                 | Declined By | Event ID |');
    expect(text[3]).toBe(`| ${fulfilled} | 0        | fulfilled | zuul-test | small,large | ${nodes.join(',')} |             | None     |`);
    expect(text[4]).toBe(`| ${failed} | 0        | failed    | zuul-test | gpu         |                       | fake-a-main | None     |`);
    const picked = await get(web, '/request-list?fields=declined_by,id');
    expect(picked.body.split('\n')[1]).toBe('| Request ID     | Declined By |');

    expect(await getJson(web, '/label-list')).toEqual([{ label: 'large' }, { label: 'small' }]);
    expect((await get(web, '/label-list')).body).toBe(['+-------+', '| Label |', '+-------+', '| large |', '| small |', '+-------+'].join('\n'));
  });

  it('answers 404 for other paths, 405 for other methods, and 304 to a revalidation within the cache time', async () => {
    const h = harness();
    const web = await startWeb(await h.startLauncher(CONFIG));
    expect((await get(web, '/image-upload')).status).toBe(404);
    expect((await get(web, '/node-list/')).status).toBe(404);
    expect((await fetch(new URL('/node-list', web.url), { method: 'POST' })).status).toBe(405);
    const first = await get(web, '/label-list');
    const again = await fetch(new URL('/label-list', web.url), { headers: { 'if-modified-since': first.headers.get('last-modified')! } });
    expect(again.status).toBe(304);
  });
});
