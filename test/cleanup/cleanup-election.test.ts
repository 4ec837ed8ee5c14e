import { waitFor } from '@cloudpool/common/testing';
import type { Launcher } from '@cloudpool/launcher';
import { describe, expect, it } from 'vitest';
import { fakeProvider, label, useLauncherHarness } from '../../packages/launcher/test/support/launcher-harness.js';

const CONFIG = `labels:
  - name: small
cloudpool:
  cleanup:
    interval: 0.05
    min-age: 0
providers:
${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}`)}`;

/** Which launchers ran cleanup passes of `fake-a`, in order. */
function recordPasses(launchers: Launcher[]): string[] {
  const passes: string[] = [];
  for (const launcher of launchers) launcher.context.events.on('cleanupPass', () => passes.push(launcher.context.launcherId));
  return passes;
}

const leaders = (launchers: Launcher[]) => launchers.filter((l) => l.cleanupLeaders().get('fake-a')?.leading).map((l) => l.context.launcherId);

describe('cleanup election between launchers', () => {
  const harness = useLauncherHarness();

  it('lets one launcher at a time clean a provider; the next takes over when the leader dies or stops', async () => {
    const h = harness();
    const launchers = [await h.startLauncher(CONFIG, 'launcher-1'), await h.startLauncher(CONFIG, 'launcher-2'), await h.startLauncher(CONFIG, 'launcher-3')];
    const passes = recordPasses(launchers);
    await waitFor(() => passes.length >= 5);
    expect(new Set(passes)).toEqual(new Set(['launcher-1']));
    expect(leaders(launchers)).toEqual(['launcher-1']);

    // The leader dies: its ZooKeeper session ends with its client.
    await launchers[0]!.context.client.close();
    const died = passes.length;
    await waitFor(() => passes.length >= died + 5);
    const afterDeath = new Set(passes.slice(died + 1));
    expect(afterDeath.size).toBe(1);
    const [successor] = afterDeath;
    expect(successor).not.toBe('launcher-1');
    expect(leaders(launchers.slice(1))).toEqual([successor]);

    // The successor stops cleanly: the last one takes over.
    await launchers.find((l) => l.context.launcherId === successor)!.stop();
    const stopped = passes.length;
    await waitFor(() => passes.length >= stopped + 5);
    expect(new Set(passes.slice(stopped + 1)).size).toBe(1);
    expect(passes.at(-1)).not.toBe(successor);
    expect(passes.at(-1)).not.toBe('launcher-1');
  });
});
