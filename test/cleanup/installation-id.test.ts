import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SYSTEM_ID_PATH, TAG, type NodepoolConfig } from '@cloudpool/common';
import { describe, expect, it } from 'vitest';
import { testIo, useTempDir } from '../../packages/launcher/test/cli/cli-test-kit.js';
import { registerSystemId } from '../../packages/launcher/src/cli/commands/system-id.js';
import { runCli } from '../../packages/launcher/src/cli/program.js';
import { InstallationIdMissingError, installationsInClouds, resolveInstallationId } from '../../packages/launcher/src/installation-id.js';
import { testLogger } from '../launcher/support/test-logger.js';
import { LEAK_CLOUDS, SYSTEM_ID, useCleanupBed, type CleanupBed } from './support/cleanup-bed.js';

const pinned = (config: NodepoolConfig, systemId: string): NodepoolConfig => ({ ...config, cloudpool: { ...config.cloudpool, systemId } });

describe.each(LEAK_CLOUDS)('a missing installation id on $name', ({ create }) => {
  const bed = useCleanupBed(create);
  const directory = useTempDir();

  function resolve(b: CleanupBed, config = b.config()) {
    const drivers = new Map([[b.cloud.base.name, b.cloud.base.driver]]);
    const logger = testLogger('installation-id');
    return resolveInstallationId(b.zk, config, logger, () => installationsInClouds(b.zk, config, drivers, logger));
  }

  async function systemIdCommand(b: CleanupBed, args: string[]) {
    const file = path.join(directory(), 'nodepool.yaml');
    await writeFile(file, b.configText());
    const { io, stdout, stderr } = testIo({ drivers: new Map([[b.cloud.base.name, b.cloud.base.driver]]) });
    const code = await runCli(['system-id', '-c', file, ...args], io, [registerSystemId]);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('is not minted silently while the cloud holds instances of an older id: refused, naming the id, until pinned or adopted', async () => {
    const b = bed();
    const old = await Promise.all([1, 2, 3].map(() => b.cloud.plant('instance', b.ours('0000000001'))));
    await b.cloud.plant('instance', b.ours('0000000001', { [TAG.providerName]: 'someone-else', [TAG.systemId]: 'theirs' }));
    await b.client.deleteRecursive('/cloudpool');

    const refused = resolve(b);
    await expect(refused).rejects.toBeInstanceOf(InstallationIdMissingError);
    await expect(refused).rejects.toThrow(new RegExp(`cloudpool_system_id ${SYSTEM_ID} \\(3 on ${b.provider}\\).*cloudpool\\.system-id: ${SYSTEM_ID}.*--adopt ${SYSTEM_ID}`));
    expect(await b.zk.storedSystemId()).toBeUndefined();
    expect((await systemIdCommand(b, [])).code).toBe(1);

    const adopted = await systemIdCommand(b, ['--adopt', SYSTEM_ID]);
    expect(adopted).toMatchObject({ code: 0, stdout: `${SYSTEM_ID} (stored at ${SYSTEM_ID_PATH})\n` });
    expect(await resolve(b)).toBe(SYSTEM_ID);
    expect((await systemIdCommand(b, ['--new'])).stderr).toMatch(/already holds installation id/);
    const present = await b.cloud.present();
    for (const key of old) expect(present.has(key)).toBe(true);
  });

  it('is stored, with a warning, when pinned (cloudpool.system-id) though the cloud holds tagged instances', async () => {
    const b = bed();
    await b.cloud.plant('instance', b.ours('0000000001'));
    await b.client.deleteRecursive('/cloudpool');
    expect(await resolve(b, pinned(b.config(), SYSTEM_ID))).toBe(SYSTEM_ID);
    expect(await b.zk.storedSystemId()).toBe(SYSTEM_ID);
  });

  it('is minted on a fresh installation whose clouds hold nothing of its providers', async () => {
    const b = bed();
    await b.cloud.plant('instance', b.ours('0000000001', { [TAG.providerName]: 'someone-else' }));
    await b.client.deleteRecursive('/cloudpool');
    const minted = await resolve(b);
    expect(minted).not.toBe(SYSTEM_ID);
    expect(await b.zk.storedSystemId()).toBe(minted);
  });
});
