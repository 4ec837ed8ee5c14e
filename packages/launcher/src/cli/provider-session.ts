import { systemClock, type Driver, type NodepoolConfig, type NodepoolZk, type Provider, type ProviderConfig } from '@cloudpool/common';
import type { Logger } from 'pino';
import { ProviderRuntime } from '../providers/provider-runtime.js';

/** Ticks of the provider loop while a command waits for a cloud operation. */
const LOOP_INTERVAL_MS = 50;

export interface ProviderSessionOptions {
  config: NodepoolConfig;
  zk: NodepoolZk;
  logger: Logger;
  /** This installation's id, as `readInstallationId` gave it (read before the command changes anything). */
  systemId: string;
}

/**
 * Runs `work` with a started provider outside any launcher, as Nodepool's CLI starts a provider
 * manager for `delete --now`: its own API queue at the provider's rate, this installation's
 * system id (read, never minted: see `readInstallationId`), and a provider loop; stopped
 * (waiting for in-flight cloud work) afterwards.
 */
export async function withProvider<T>(
  providerConfig: ProviderConfig,
  driver: Driver,
  options: ProviderSessionOptions,
  work: (provider: Provider) => Promise<T>,
): Promise<T> {
  const { config, zk, logger, systemId } = options;
  const runtime = new ProviderRuntime(providerConfig, driver, {
    zk,
    systemId,
    logger,
    clock: systemClock,
    config: () => config,
    timings: { providerLoopMs: LOOP_INTERVAL_MS },
  });
  try {
    await runtime.start();
    return await work(runtime.provider);
  } finally {
    await runtime.stop();
  }
}
