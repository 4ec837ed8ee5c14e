import { ApiQueue, loadConfig, ManualClock, type LaunchResult, type ProviderContext, type StateMachineProvider } from '@cloudpool/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import awsDriverDefault, { awsClients, awsDriver, AwsProviderConfig } from '../src/index.js';
import { Ec2Simulator } from '@cloudpool/simulator';
import { recordingLogger } from '../src/testing/test-bed.js';
import { JAMMY_IMAGE_ID } from '../src/testing/provider-fixture.js';

const SSH_PORT = 2222;

function nodepoolYaml(endpoint: string): string {
  return `
zookeeper-servers:
  - host: 127.0.0.1
labels:
  - name: small
  - name: bogus
  - name: refused
providers:
  - name: ec2-sim
    driver: aws
    region-name: us-east-1
    endpoint: ${endpoint}
    rate: 100
    launch-retries: 3
    cloud-images:
      - name: jammy
        image-id: ${JAMMY_IMAGE_ID}
        username: ubuntu
        connection-port: ${SSH_PORT}
    pools:
      - name: main
        max-servers: 10
        labels:
          - name: small
            cloud-image: jammy
            instance-type: t3.medium
            key-name: zuul
          - name: bogus
            cloud-image: jammy
            instance-type: q9.enormous
            key-name: zuul
          - name: refused
            cloud-image: jammy
            instance-type: t3.medium
            key-name: zuul
            userdata: ${'x'.repeat(20_000)}
`;
}

describe('awsDriver', () => {
  let sim: Ec2Simulator;
  let clock: ManualClock;
  let provider: StateMachineProvider;

  beforeEach(async () => {
    clock = new ManualClock();
    // SSH mode: each VM runs an sshd, so a launch ends with the readiness scan as in production.
    sim = await new Ec2Simulator({ clock, knobs: { bootTimeMs: 5_000 }, ssh: { port: SSH_PORT } }).start();
    const { accessKeyId, secretAccessKey } = sim.connectionInfo();
    // The SDK's default credential chain reads these first.
    vi.stubEnv('AWS_ACCESS_KEY_ID', accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', secretAccessKey);
    const config = loadConfig({ text: nodepoolYaml(sim.url) }, { drivers: { aws: awsDriver } });
    const providerConfig = config.providers.get('ec2-sim')!;
    const context: ProviderContext = {
      systemId: 'system-under-test',
      queue: new ApiQueue({ name: 'ec2-sim', ratePerSecond: providerConfig.common.ratePerSecond, concurrency: 8 }),
      logger: recordingLogger() as unknown as ProviderContext['logger'],
      clock,
      cleanup: config.cloudpool.cleanup,
      readReferences: async () => ({ nodeIds: new Set() }),
      loopIntervalMs: 0,
    };
    provider = awsDriver.getProvider(providerConfig, context) as StateMachineProvider;
    await provider.start();
  });

  afterEach(async () => {
    await provider.stop();
    await sim.stop();
    vi.unstubAllEnvs();
  });

  /** Launches one node of `label` through the provider loop until it ends. */
  async function launch(label: string, nodeId: string, retried: string[] = []): Promise<LaunchResult> {
    const pool = provider.config.pools.get('main')!;
    const handler = provider.getRequestHandler(pool, `100-${nodeId}`);
    handler.launch(nodeId, pool.labels.get(label)!, { externalId: () => undefined, retrying: (_node, _attempt, reason) => void retried.push(reason) });
    // Small clock steps and room in real time: the shared listing is refreshed at most once per
    // second of real time (its refresh gap), whatever the simulated clock says.
    for (let step = 0; step < 2_000 && !handler.launchesComplete(); step++) {
      provider.tick();
      await new Promise((resolve) => setTimeout(resolve, 5));
      clock.advance(100);
    }
    return handler.results()[0]!;
  }

  it('is the default export, named aws, and loads Nodepool AWS providers', () => {
    expect(awsDriverDefault).toBe(awsDriver);
    expect(awsDriver.name).toBe('aws');
    expect(provider.config).toBeInstanceOf(AwsProviderConfig);
  });

  it('launches a node to ready through the SDK default credentials and the configured endpoint', async () => {
    const result = await launch('small', '0000000001');
    expect(result).toMatchObject({ status: 'ready', nodeId: '0000000001', instance: { state: 'ready', nodeId: '0000000001' } });
    expect(result.status === 'ready' && result.hostKeys.length).toBeGreaterThan(0);
    expect(sim.resources().instances.running).toBe(1);
    expect(awsClients.size).toBe(1);
  });

  it('aborts a launch over the cloud quota and fails a label of an unknown instance type without retrying', async () => {
    sim.setKnobs({ quotas: { cores: 1 } });
    expect(await launch('small', '0000000002')).toMatchObject({ status: 'aborted', reason: expect.stringContaining('VcpuLimitExceeded') });
    sim.setKnobs({ quotas: {} });
    expect(await launch('bogus', '0000000003')).toMatchObject({ status: 'failed' });
    expect(sim.counters.count('RunInstances')).toBe(2);
  });

  // Nodepool retries every failed launch up to launch-retries; only what proves the label
  // wrong (its instance type above) fails at once.
  it('retries a launch EC2 refuses with a client error up to launch-retries, naming the code each time', async () => {
    const retried: string[] = [];
    const result = await launch('refused', '0000000004', retried);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringContaining('RunInstances: InvalidParameterValue: User data is limited') });
    expect(sim.counters.count('RunInstances')).toBe(3);
    expect(retried).toHaveLength(2);
    for (const reason of retried) expect(reason).toMatch(/^RunInstances: InvalidParameterValue: /);
  });

  it('gives the SDK clients back when the provider stops', async () => {
    expect(awsClients.size).toBe(1);
    await provider.stop();
    expect(awsClients.size).toBe(0);
  });
});
