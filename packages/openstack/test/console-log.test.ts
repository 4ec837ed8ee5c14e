import { scanNode, StateMachineRequestHandler, type LaunchResult, type ProviderCommonSettings } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDER, poolWithLabel, SimulatedOpenStack, SYSTEM_ID } from '../src/testing/test-bed.js';

const SSH_PORT = 2222;
const settings: ProviderCommonSettings = { ratePerSecond: 1, launchRetries: 1, launchTimeout: 3600, bootTimeout: 5, maxConcurrency: 0, priority: 100 };
const ACTION = 'nova.servers.action.os-getConsoleOutput';

describe("OpenStack console-log: a node's console in the launcher log when it never answers", () => {
  let cloud: SimulatedOpenStack;
  beforeEach(async () => {
    cloud = await SimulatedOpenStack.start({ ssh: { port: SSH_PORT }, knobs: { sshd: { delayMs: 0, never: true } } });
  });
  afterEach(async () => {
    await cloud.stop();
  });

  /** Launches one node whose sshd never starts, through the shared request handler and a real scan on the test's clock. */
  async function launchUnreachable(consoleLog: boolean): Promise<{ result: LaunchResult; logged: string[] }> {
    const { adapter } = cloud.adapter();
    const { pool, label } = poolWithLabel({}, { consoleLog, hostKeyChecking: true });
    const logged: string[] = [];
    const logger = { info: (_fields: object, message: string) => void logged.push(message), warn: (_fields: object, message: string) => void logged.push(message) };
    const handler = new StateMachineRequestHandler(
      {
        adapter,
        providerName: PROVIDER,
        systemId: SYSTEM_ID,
        settings,
        clock: cloud.clock,
        logger,
        readiness: () => ({
          spec: { connectionType: 'ssh', connectionPort: SSH_PORT, timeoutMs: settings.bootTimeout * 1000 },
          scan: (target, timeoutMs, signal) => scanNode(target, { clock: cloud.clock, timeoutMs, signal }),
        }),
      },
      pool,
      '100-0000000001',
    );
    handler.launch('0000000001', label, { externalId: () => undefined });
    for (let tick = 0; tick < 200 && !handler.launchesComplete(); tick++) {
      handler.advance();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await cloud.clock.advanceSettling(250);
    }
    const [result] = handler.results();
    return { result: result!, logged };
  }

  it('fetches the console output through os-getConsoleOutput and logs it line by line', async () => {
    const { result, logged } = await launchUnreachable(true);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringMatching(/not reachable: ssh on 127\.\S+ port 2222 did not answer within 5s/) });
    await waitFor(() => logged.some((line) => line.includes('ssh.service: not started yet')));
    const external = (result as { externalId: string }).externalId;
    expect(logged[0]).toBe(`console log of ${external}:`);
    expect(logged).toContain('[    0.000000] Linux version 6.1.0-cloudpool-sim (simulated kernel)');
    expect(cloud.sim.counters.count(ACTION, 'ok')).toBe(1);
  });

  it('does not ask for the console when the label has no console-log', async () => {
    const { result, logged } = await launchUnreachable(false);
    expect(result.status).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged).toEqual([]);
    expect(cloud.sim.counters.count(ACTION)).toBe(0);
  });

  it("answers os-getConsoleOutput as Nova does: the last `length` lines, Nova's 400s and 404", async () => {
    const compute = await cloud.service('compute');
    const { adapter } = cloud.adapter();
    const { pool, label } = poolWithLabel();
    const id = await adapter.createResource(
      { nodeId: '0000000002', attempt: 1, hostname: 'np0000000002', label, pool, tags: {} },
      { onExternalId: () => undefined, signal: new AbortController().signal },
    );
    const action = (body: unknown, server = id) => compute.post(`/servers/${server}/action`, body, { validateStatus: () => true });
    const all = await action({ 'os-getConsoleOutput': {} });
    expect(all.status).toBe(200);
    const lines = (all.data.output as string).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    const tail = await action({ 'os-getConsoleOutput': { length: '2' } });
    expect((tail.data.output as string).trimEnd().split('\n')).toEqual(lines.slice(-2));
    expect((await action({ 'os-getConsoleOutput': { length: -1 } })).data.output).toBe(all.data.output);
    expect((await action({ 'os-getConsoleOutput': { length: -2 } })).status).toBe(400);
    expect((await action({ 'os-getConsoleOutput': { length: 'many' } })).status).toBe(400);
    expect((await action({ 'os-getConsoleOutput': { lines: 3 } })).status).toBe(400);
    expect((await action({ 'os-reboot': { type: 'SOFT' } })).data.badRequest.message).toBe('There is no such action: os-reboot');
    expect((await action({ 'os-getConsoleOutput': {} }, '00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });
});
