import { waitFor } from '@cloudpool/common/testing';
import { startWebServer, type Launcher } from '@cloudpool/launcher';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOUDS, useCloudHarness } from './support/cloud-harness.js';
import { WRONG_SECRET } from './support/cloud-under-test.js';
import { testLogger } from './support/test-logger.js';

interface ReadyBody {
  ready: boolean;
  providers: Array<{ provider: string; state: string; since?: number; reason?: string }>;
}

/** A provider whose cloud refuses its credentials, on each cloud through its real driver, as an operator sees it. */
describe.each(CLOUDS)('launcher on $name: provider health', ({ name, create }) => {
  const harness = useCloudHarness(create);
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  const web = async (launcher: Launcher) => {
    const server = await startWebServer(launcher, { port: 0, host: '127.0.0.1', logger: testLogger('web') });
    servers.push(server);
    const read = async (path: string, accept = 'application/json') => {
      const response = await fetch(new URL(path, server.url), { headers: { accept } });
      return { status: response.status, body: await response.text() };
    };
    return { read, ready: async () => JSON.parse((await read('/ready')).body) as ReadyBody };
  };

  it('turns auth-failing on the first refusal, backs off, shows it on /ready (still 200), /metrics and the dashboard without the secret; a reload with the right credentials makes it ok', async () => {
    const h = harness();
    const provider = h.cloud.providerName;
    const launcher = await h.startLauncher({ wrongCredentials: true });
    const { read, ready } = await web(launcher);
    // AWS and OpenStack providers start without a cloud call and meet the refusal serving the request; Azure's start reads its resource group.
    await h.zk.request(['small']);

    const failing = await waitFor(async () => {
      const body = await ready();
      return body.providers.find((p) => p.provider === provider && p.state === 'auth-failing') ? body : undefined;
    }, 15_000);
    const refusalLogs = () => h.logs.filter((line) => line.includes('the cloud refuses its credentials'));
    const logged = refusalLogs().length;
    expect(failing.ready).toBe(true);
    expect((await read('/ready')).status).toBe(200);
    expect((await read('/ready', 'text/plain')).body).toBe('OK');
    const entry = failing.providers.find((p) => p.provider === provider)!;
    expect(entry.reason).toMatch(/AuthFailure|AADSTS7000215|HTTP 401/);
    expect(entry.since).toEqual(expect.any(Number));

    const metrics = (await read('/metrics', 'text/plain')).body;
    expect(metrics).toContain(`cloudpool_provider_health{provider="${provider}",state="auth-failing"} 1`);
    expect(metrics).toContain(`cloudpool_provider_health{provider="${provider}",state="ok"} 0`);
    const status = JSON.parse((await read('/api/status')).body) as { health: ReadyBody['providers'] };
    expect(status.health).toEqual([expect.objectContaining({ provider, state: 'auth-failing' })]);

    // Backed off: once the calls in flight at the refusal are answered, the cloud sees no further
    // attempt for the rest of the first 10 s window, while the pool worker keeps trying to serve
    // a waiting request on every pass (each try fails at once with the refusal). An Azure provider
    // refused at start is down until a reload: nothing serves the request, nothing calls the cloud.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const checks = h.cloud.credentialChecks();
    expect(checks).toBeGreaterThan(0);
    const second = await h.zk.request(['small']);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const tries = h.logs.filter((line) => line.includes(`"request":"${second}"`)).length;
    if (name === 'azure') expect(tries).toBe(0);
    else expect(tries).toBeGreaterThanOrEqual(2);
    expect((await h.zk.requester.getRequest(second))?.state).toBe('requested');
    expect(h.cloud.credentialChecks()).toBe(checks);

    // The secret is in no output: the web API and every log line.
    for (const text of [JSON.stringify(await ready()), metrics, JSON.stringify(status), ...h.logs]) expect(text).not.toContain(WRONG_SECRET);
    // Logged once per change: by the provider, and at first start by the installation-id check's own short-lived runtime.
    expect(refusalLogs()).toHaveLength(logged);
    expect(logged).toBeGreaterThanOrEqual(1);
    expect(logged).toBeLessThanOrEqual(2);

    await launcher.applyConfig(h.config());
    const request = await h.zk.waitForRequest(await h.zk.request(['small']), ['fulfilled', 'failed'], 20_000);
    expect(request.state).toBe('fulfilled');
    const healed = await ready();
    expect(healed.providers).toEqual([expect.objectContaining({ provider, state: 'ok' })]);
    expect((await read('/metrics', 'text/plain')).body).toContain(`cloudpool_provider_health{provider="${provider}",state="ok"} 1`);
  });
});
