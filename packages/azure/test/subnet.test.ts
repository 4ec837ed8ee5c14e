import { ManualClock, nodeTags, StateMachineRequestHandler } from '@cloudpool/common';
import { describe, expect, it } from 'vitest';
import type { AzureAdapterConfig } from '../src/adapter-config.js';
import { adapterConfig, label, pool, PROVIDER, providerSettings, RecordingLogger, startAdapter, SYSTEM_ID, useSimulatedAzure } from '../src/testing/test-bed.js';

describe("Azure: the nodes' subnet", () => {
  const azure = useSimulatedAzure();

  const withSubnet = (network: string, subnet: string): AzureAdapterConfig => {
    const config = adapterConfig(azure());
    return { ...config, settings: { ...config.settings, network: { resourceGroup: azure().resourceGroup, network, subnet } } };
  };

  it("that does not exist fails the first launch with ARM's message, once (no retry), having created nothing", async () => {
    const clock = new ManualClock();
    const adapter = await startAdapter(azure(), { clock, config: withSubnet(`${azure().resourceGroup}-vnet`, 'no-such-subnet') });
    const handler = new StateMachineRequestHandler({ adapter, providerName: PROVIDER, systemId: SYSTEM_ID, settings: providerSettings(), clock }, pool, '100-0000000701');
    handler.launch('0000000701', label, { externalId: () => undefined });
    for (let tick = 0; tick < 500 && !handler.launchesComplete(); tick++) {
      handler.advance();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(handler.results()[0]).toMatchObject({ status: 'failed', reason: expect.stringMatching(/subnet .*no-such-subnet does not exist: .*was not found/) });
    expect(azure().calls('subnets.get')).toBe(1);
    expect(azure().calls('publicIPAddresses.createOrUpdate') + azure().calls('networkInterfaces.createOrUpdate')).toBe(0);
  });

  it('without a network security group is reported once when pools attach public IPs (they would be unreachable)', async () => {
    const { network } = azure().clients;
    await network.virtualNetworks.beginCreateOrUpdateAndWait(azure().resourceGroup, 'bare-vnet', {
      location: azure().sim.location,
      addressSpace: { addressPrefixes: ['10.1.0.0/16'] },
      subnets: [{ name: 'default', addressPrefix: '10.1.0.0/24' }],
    }, { updateIntervalInMs: 5 });
    const logger = new RecordingLogger();
    const adapter = await startAdapter(azure(), { logger, config: withSubnet('bare-vnet', 'default') });
    const create = (nodeId: string) =>
      adapter.createResource(
        { nodeId, attempt: 1, hostname: `np${nodeId}`, label, pool, tags: nodeTags({ nodeId, poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {}) },
        { onExternalId: () => undefined, signal: new AbortController().signal },
      );
    await create('0000000702');
    await create('0000000703');
    const warnings = logger.entries.filter((entry) => entry.level === 'warn').map((entry) => String(entry.args[1]));
    expect(warnings).toEqual([expect.stringContaining('no network security group')]);
  });

  it("with the simulator's default network security group draws no warning", async () => {
    const logger = new RecordingLogger();
    const adapter = await startAdapter(azure(), { logger });
    await adapter.createResource(
      { nodeId: '0000000704', attempt: 1, hostname: 'np0000000704', label, pool, tags: nodeTags({ nodeId: '0000000704', poolName: pool.name, providerName: PROVIDER, systemId: SYSTEM_ID }, {}) },
      { onExternalId: () => undefined, signal: new AbortController().signal },
    );
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
    const subnet = await azure().clients.network.subnets.get(azure().resourceGroup, `${azure().resourceGroup}-vnet`, 'default');
    expect(subnet.networkSecurityGroup?.id).toMatch(/networkSecurityGroups\//);
  });
});
