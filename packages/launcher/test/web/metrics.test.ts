import { TAG } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from '../support/launcher-harness.js';
import { get, useWebServers } from './web-test-support.js';

const PROVIDER_A = fakeProvider('fake-a', `      - name: main\n        max-servers: 10\n        labels:\n${label('small', 2, 2048)}`, '    cloud-limits:\n      cores: 64\n');
const PROVIDER_B = fakeProvider('fake-b', `      - name: east\n        max-servers: 4\n        labels:\n${label('medium')}`);
const CONFIG = (providers: string) => `labels:
  - name: small
  - name: medium
cloudpool:
  cleanup:
    interval: 0.3
    min-age: 0
providers:
${providers}`;

/** The value of one series of an exposition text, labels in the order written; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('web: /metrics', () => {
  const harness = useLauncherHarness();
  const startWeb = useWebServers();

  it('counts launches, request outcomes and API calls with their labels, and shows nodes, requests, queues and quota', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG(PROVIDER_A));
    const web = await startWeb(launcher);
    h.driver.cloud('fake-a').failNextCreates.push('throttled');
    const id = await h.request(['small', 'small']);
    expect((await h.waitForRequest(id)).state).toBe('fulfilled');
    await waitFor(() => launcher.context.nodes.values().filter((n) => n.state === 'ready').length === 2);

    // The request's outcome is counted when the launcher's event follows its write, which the
    // requester may see first.
    const outcome = 'cloudpool_request_outcomes_total{provider="fake-a",pool="main",outcome="fulfilled"}';
    const scrape = await waitFor(async () => {
      const answer = await get(web, '/metrics');
      return sample(answer.body, outcome) === undefined ? undefined : answer;
    });
    expect(scrape.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scrape.body;
    expect(sample(text, 'cloudpool_launches_total{provider="fake-a",label="small",result="ready"}')).toBe(2);
    expect(sample(text, 'cloudpool_launch_duration_seconds_count{provider="fake-a",label="small",result="ready"}')).toBe(2);
    expect(sample(text, 'cloudpool_request_outcomes_total{provider="fake-a",pool="main",outcome="fulfilled"}')).toBe(1);
    expect(sample(text, 'cloudpool_nodes{provider="fake-a",label="small",state="ready"}')).toBe(2);
    expect(sample(text, 'cloudpool_requests{state="fulfilled"}')).toBe(1);
    expect(sample(text, 'cloudpool_requests{state="requested"}')).toBe(0);
    expect(sample(text, 'cloudpool_api_calls_total{provider="fake-a",action="create",outcome="success"}')).toBe(2);
    expect(sample(text, 'cloudpool_api_calls_total{provider="fake-a",action="create",outcome="throttled"}')).toBe(1);
    expect(sample(text, 'cloudpool_api_throttles_total{provider="fake-a",action="create"}')).toBe(1);
    expect(sample(text, 'cloudpool_api_call_duration_seconds_count{provider="fake-a",action="create"}')).toBe(3);
    expect(sample(text, 'cloudpool_api_queue_waiting{provider="fake-a"}')).toBe(0);
    expect(sample(text, 'cloudpool_api_queue_in_flight{provider="fake-a"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'cloudpool_api_rate_per_second{provider="fake-a",kind="write"}')).toBeGreaterThan(0);
    expect(sample(text, 'cloudpool_pool_paused{provider="fake-a",pool="main"}')).toBe(0);
    expect(sample(text, 'cloudpool_quota_used{provider="fake-a",resource="cores"}')).toBe(4);
    expect(sample(text, 'cloudpool_quota_used{provider="fake-a",resource="ram"}')).toBe(4096);
    expect(sample(text, 'cloudpool_quota_limit{provider="fake-a",resource="cores",layer="cloud"}')).toBe(64);
    expect(sample(text, 'cloudpool_quota_limit{provider="fake-a",resource="instances",layer="pools"}')).toBe(10);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);

    const help = await get(web, '/metrics/help');
    expect(help.body).toMatch(/^ {2}cloudpool_launches_total +counter +Node launches that ended/m);
    expect(help.body).toMatch(/^ {2}nodepool\.launch\.provider\.<provider>\.<az>\.<result> +-> +cloudpool_launches_total\{provider,result\}/m);
  });

  it('counts leak cleanup per provider and resource type, and follows the API queue of a provider added by a reload', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG(PROVIDER_A));
    const web = await startWeb(launcher);
    const cloud = h.driver.cloud('fake-a');
    const leaked = cloud.plantInstance({ [TAG.providerName]: 'fake-a', [TAG.systemId]: launcher.context.systemId, [TAG.nodeId]: await h.goneNodeId() }, { ageMs: 60_000 });
    await waitFor(() => !cloud.instances.has(leaked.id));
    await waitFor(async () => sample((await get(web, '/metrics')).body, 'cloudpool_cleanup_deleted_total{provider="fake-a",type="instance"}') === 1);
    const text = (await get(web, '/metrics')).body;
    expect(sample(text, 'cloudpool_cleanup_spared_total{provider="fake-a",type="instance",rule="first-sighting"}')).toBe(1);
    expect(sample(text, 'cloudpool_cleanup_candidates_total{provider="fake-a",type="instance"}')).toBe(2);
    expect(sample(text, 'cloudpool_cleanup_passes_total{provider="fake-a"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'cloudpool_api_calls_total{provider="fake-a",action="delete-instance",outcome="success"}')).toBe(1);
    expect(text).not.toMatch(/^cloudpool_cleanup_breaker_trips_total\{/m);
    expect(sample(text, 'cloudpool_cleanup_breaker_tripped{provider="fake-a",evidence="unissued-node-id"}')).toBe(0);

    await launcher.applyConfig(h.config(CONFIG(`${PROVIDER_A}\n${PROVIDER_B}`)));
    expect((await h.waitForRequest(await h.request(['medium']))).state).toBe('fulfilled');
    const after = (await get(web, '/metrics')).body;
    expect(sample(after, 'cloudpool_api_calls_total{provider="fake-b",action="create",outcome="success"}')).toBe(1);
    expect(sample(after, 'cloudpool_launches_total{provider="fake-b",label="medium",result="ready"}')).toBe(1);
    expect(sample(after, 'cloudpool_quota_limit{provider="fake-b",resource="instances",layer="pools"}')).toBe(4);
    expect(sample(after, 'cloudpool_cleanup_deleted_total{provider="fake-a",type="instance"}')).toBe(1);
  });

  it('shows a breaker tripped on evidence in a gauge by kind, and instances of other installations', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG(PROVIDER_A));
    const web = await startWeb(launcher);
    const cloud = h.driver.cloud('fake-a');
    const kept = cloud.plantInstance({ [TAG.providerName]: 'fake-a', [TAG.systemId]: launcher.context.systemId, [TAG.nodeId]: '0000009999' }, { ageMs: 60_000 });
    await waitFor(async () => sample((await get(web, '/metrics')).body, 'cloudpool_cleanup_breaker_tripped{provider="fake-a",evidence="unissued-node-id"}') === 1);
    const text = (await get(web, '/metrics')).body;
    expect(sample(text, 'cloudpool_cleanup_breaker_tripped{provider="fake-a",evidence="reissued-node-id"}')).toBe(0);
    expect(sample(text, 'cloudpool_cleanup_breaker_trips_total{provider="fake-a"}')).toBeGreaterThanOrEqual(1);
    const status = JSON.parse((await get(web, '/api/status')).body) as { providers: Array<{ name: string; cleanup?: { evidenceKinds?: string[]; breakerTrip?: string } }> };
    const cleanup = status.providers.find((p) => p.name === 'fake-a')?.cleanup;
    expect(cleanup?.evidenceKinds).toEqual(['unissued-node-id']);
    expect(cleanup?.breakerTrip).toMatch(/names node 0000009999, but ZooKeeper's next node sequence number is \d+/);
    expect(cloud.instances.has(kept.id)).toBe(true);
  });
});
