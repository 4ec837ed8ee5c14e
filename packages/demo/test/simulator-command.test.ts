import { access, readFile } from 'node:fs/promises';
import { sharedServerHosts, testChroot, waitFor } from '@cloudpool/common/testing';
import { SIMULATOR_LABELS } from '@cloudpool/simulator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '@cloudpool/launcher/cli';
import { DEV_COMMANDS } from '../src/dev-commands.js';
import { cloudpool, testIo, useTempDir } from '../../launcher/test/cli/cli-test-kit.js';

interface SimulatorSummary {
  ec2: { endpoint: string; region: string; accessKeyId: string };
  azure: { endpoint: string; tenantId: string };
  openstack: { authUrl: string; cloud: string };
  files: Record<'directory' | 'awsEnv' | 'azureAuth' | 'azureCa' | 'cloudsYaml' | 'nodepoolYaml', string>;
  env: { OS_CLIENT_CONFIG_FILE: string };
}

describe('cloudpool simulator', () => {
  const tempDir = useTempDir();
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('prints one line of JSON once the clouds are up, and its nodepool.yaml runs a launcher that gets a node from every cloud', async () => {
    const [zookeeper] = sharedServerHosts();
    const chroot = testChroot();
    const simulator = testIo();
    const simulatorExit = runCli(['simulator', '--json', '--dir', tempDir(), '--zookeeper', `${zookeeper!.host}:${zookeeper!.port}${chroot}`], simulator.io, DEV_COMMANDS);
    const line = await waitFor(() => (simulator.stdout.text.endsWith('\n') ? simulator.stdout.text : undefined));
    expect(line.split('\n')).toEqual([expect.any(String), '']);
    const summary = JSON.parse(line) as SimulatorSummary;
    expect(summary.ec2.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(summary.azure.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(summary.openstack.authUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/identity\/v3$/);
    expect(summary.env.OS_CLIENT_CONFIG_FILE).toBe(summary.files.cloudsYaml);
    for (const file of Object.values(summary.files)) await access(file);
    expect(line).not.toContain('not-a-secret');

    try {
      const validation = await cloudpool(['config-validate', '-c', summary.files.nodepoolYaml]);
      expect(validation).toMatchObject({ code: 0, stderr: '' });
      expect(validation.stdout).toMatch(/\| ec2-sim +\| aws +\|[^\n]*\n[^\n]*\| azure-sim +\| azure +\|[^\n]*\n[^\n]*\| openstack-sim \| openstack \|/);

      // What the file's header asks of the launcher's environment.
      vi.stubEnv('AWS_PROFILE', undefined);
      for (const entry of (await readFile(summary.files.awsEnv, 'utf8')).trim().split('\n')) {
        const [key, value] = entry.split('=') as [string, string];
        vi.stubEnv(key, value);
      }
      vi.stubEnv('OS_CLIENT_CONFIG_FILE', summary.files.cloudsYaml);
      const launcher = testIo({ daemon: { hostname: 'simulator-test' } });
      const launcherExit = runCli(['launcher', '-c', summary.files.nodepoolYaml, '--no-web'], launcher.io);
      try {
        // A request is served by one pool: one request per cloud.
        const requests = await Promise.all(
          Object.values(SIMULATOR_LABELS).map((label) => cloudpool(['request', label, '--wait', '--json', '--timeout', '40', '-c', summary.files.nodepoolYaml])),
        );
        const nodes = requests.flatMap((request) => (JSON.parse(request.stdout) as { nodes: Array<{ provider: string; state: string; label: string[] }> }).nodes);
        expect(nodes.map((node) => [node.provider, node.state, node.label])).toEqual([
          ['ec2-sim', 'ready', [SIMULATOR_LABELS.ec2]],
          ['azure-sim', 'ready', [SIMULATOR_LABELS.azure]],
          ['openstack-sim', 'ready', [SIMULATOR_LABELS.openstack]],
        ]);
      } finally {
        launcher.signals.send('SIGTERM');
        expect(await launcherExit).toBe(0);
      }
    } finally {
      simulator.signals.send('SIGINT');
      expect(await simulatorExit).toBe(0);
    }
  }, 60_000);
});
