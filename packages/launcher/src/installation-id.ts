import { SYSTEM_ID_PATH, systemClock, TAG, type Driver, type NodepoolConfig, type NodepoolZk } from '@cloudpool/common';
import type { Logger } from 'pino';
import { DEFAULT_TIMINGS } from './context.js';
import { ProviderRuntime } from './providers/provider-runtime.js';

/** Instances of this launcher's providers tagged with an installation id: id → provider → count. */
export type InstallationsSeen = Map<string, Map<string, number>>;

/** Thrown when the launcher will not mint an installation id: the clouds hold instances of another. */
export class InstallationIdMissingError extends Error {
  constructor(readonly seen: InstallationsSeen) {
    const ids = [...seen.keys()];
    const where = [...seen]
      .map(([id, providers]) => `${id} (${[...providers].map(([provider, count]) => `${count} on ${provider}`).join(', ')})`)
      .join('; ');
    super(
      `no installation id in ZooKeeper at ${SYSTEM_ID_PATH}, but the clouds hold instances of this configuration's providers tagged with ` +
        `cloudpool_system_id ${where}. ZooKeeper may have lost its data, or this is the wrong server or chroot; refusing to mint a new ` +
        `id, which would leave those instances unmanaged forever. Pin the id (cloudpool.system-id: ${ids[0]}), or store it ` +
        `(cloudpool system-id --adopt ${ids[0]}), or, if they belong to another installation sharing the account, start this one ` +
        'explicitly (cloudpool system-id --new)',
    );
    this.name = 'InstallationIdMissingError';
  }
}

/** Reads, per configured provider, which installation ids the cloud's instances carry (through each driver). */
export async function installationsInClouds(zk: NodepoolZk, config: NodepoolConfig, drivers: ReadonlyMap<string, Driver>, logger: Logger): Promise<InstallationsSeen> {
  const seen: InstallationsSeen = new Map();
  for (const providerConfig of config.providers.values()) {
    const driver = drivers.get(providerConfig.driver);
    if (!driver) throw new Error(`provider ${providerConfig.name}: unknown driver "${providerConfig.driver}"`);
    const runtime = new ProviderRuntime(providerConfig, driver, {
      zk,
      systemId: '',
      logger,
      clock: systemClock,
      config: () => config,
      timings: { providerLoopMs: DEFAULT_TIMINGS.providerLoopMs },
    });
    try {
      await runtime.start();
      const { provider } = runtime;
      const instances = await (provider.listProviderInstances?.() ?? provider.listNodes());
      for (const { tags } of instances) {
        const id = tags[TAG.systemId];
        if (id === undefined || tags[TAG.providerName] !== providerConfig.name) continue;
        const byProvider = seen.get(id) ?? new Map<string, number>();
        byProvider.set(providerConfig.name, (byProvider.get(providerConfig.name) ?? 0) + 1);
        seen.set(id, byProvider);
      }
    } catch (error) {
      // A cloud that cannot be read now must not keep the launcher from starting (its provider is
      // retried like any failed start). Instances it holds of an older installation are then not
      // seen here, but leak cleanup's breaker still holds deletions of instances older than the
      // id's record (`tree-after-instance`).
      logger.warn({ provider: providerConfig.name, err: error }, `could not check provider ${providerConfig.name} for instances of another installation id: ${String(error)}`);
    } finally {
      await runtime.stop();
    }
  }
  return seen;
}

/**
 * The installation id a starting launcher uses. Stored in ZooKeeper: that one (it must equal a
 * pinned `cloudpool.system-id`). Missing and pinned: the pinned id is stored, with a loud
 * warning (if this installation ran before, ZooKeeper lost its data; leak cleanup's breaker
 * then holds deletions). Missing and not pinned: a new random id is minted only when no cloud of
 * the configuration holds instances of its providers carrying an installation id; otherwise
 * `InstallationIdMissingError` (nothing is minted).
 */
export async function resolveInstallationId(
  zk: NodepoolZk,
  config: NodepoolConfig,
  logger: Logger,
  seenInClouds: () => Promise<InstallationsSeen>,
): Promise<string> {
  const pinned = config.cloudpool.systemId;
  if ((await zk.storedSystemId()) !== undefined) return zk.getSystemId(pinned);
  if (pinned !== undefined) {
    logger.warn(
      { systemId: pinned },
      `no installation id in ZooKeeper at ${SYSTEM_ID_PATH}: storing the pinned cloudpool.system-id; if this installation ran against ` +
        'these servers and chroot before, ZooKeeper lost its data (leak cleanup holds deletions on the evidence)',
    );
    return zk.getSystemId(pinned);
  }
  const seen = await seenInClouds();
  if (seen.size > 0) {
    const error = new InstallationIdMissingError(seen);
    logger.error({ installations: Object.fromEntries([...seen].map(([id, providers]) => [id, Object.fromEntries(providers)])) }, error.message);
    throw error;
  }
  return zk.getSystemId();
}

/**
 * The installation id for a one-off command (a CLI command, a cleanup job): read, checked
 * against a pinned `cloudpool.system-id`, and never created. Every launcher stores it on its
 * first start, so a ZooKeeper without one is not this installation's (wrong servers or chroot,
 * or lost data): there the command refuses (`purpose` says what it would have done), even with
 * a pinned id, rather than mint an id no launcher uses.
 */
export async function readInstallationId(zk: NodepoolZk, config: NodepoolConfig, purpose: string): Promise<string> {
  if ((await zk.storedSystemId()) !== undefined) return zk.getSystemId(config.cloudpool.systemId);
  throw new Error(`no installation id in ZooKeeper at ${SYSTEM_ID_PATH}: no launcher has run against these servers and chroot; refusing to ${purpose}`);
}
