import { TAG, type CleanupReport } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from './support/launcher-harness.js';

const CONFIG = (cleanup = '') => `labels:
  - name: small
cloudpool:
  cleanup:
    interval: 0.2
    min-age: 0
${cleanup}providers:
${fakeProvider('fake-a', `      - name: main\n        max-servers: 10\n        labels:\n${label('small')}`)}`;

describe('launcher: cloudpool.cleanup settings apply on reload to running providers', () => {
  const harness = useLauncherHarness();

  it('dry-run stops deletions from the next pass, max-delete-count takes effect, and clearing both deletes the leak', async () => {
    const h = harness();
    const launcher = await h.startLauncher(CONFIG());
    const runtime = launcher.runtimes().get('fake-a')!;
    const passes: CleanupReport[] = [];
    launcher.context.events.on('cleanupPass', (report) => passes.push(report));
    await waitFor(() => passes.length > 0);

    await launcher.applyConfig(h.config(CONFIG('    dry-run: true\n')));
    expect(launcher.runtimes().get('fake-a')).toBe(runtime); // the provider did not restart
    const cloud = h.driver.cloud('fake-a');
    const leaked = cloud.plantInstance({ [TAG.providerName]: 'fake-a', [TAG.systemId]: launcher.context.systemId, [TAG.nodeId]: await h.goneNodeId() }, { ageMs: 60_000 });
    const from = passes.length;
    await waitFor(() => passes.length >= from + 3);
    expect(passes.slice(from + 1).every((report) => report.dryRun)).toBe(true);
    expect(cloud.instances.has(leaked.id)).toBe(true);

    await launcher.applyConfig(h.config(CONFIG('    max-delete-count: 0\n')));
    const breakerFrom = passes.length;
    await waitFor(() => passes.length >= breakerFrom + 3);
    expect(cloud.instances.has(leaked.id)).toBe(true);
    expect(passes.slice(breakerFrom + 1).some((report) => !report.dryRun)).toBe(true);

    await launcher.applyConfig(h.config(CONFIG()));
    await waitFor(() => !cloud.instances.has(leaked.id));
  });
});
