import { describeIssue, validateConfig, type ConfigSource, type Driver, type NodepoolConfig } from '@cloudpool/common';
import type { Logger } from 'pino';

/**
 * The configuration to apply on a reload, or undefined to keep running as is. Every problem is
 * logged with its path and line. When only some provider entries are broken, the others are
 * applied and each broken provider that is running keeps its previous configuration, so one
 * bad edit never stops the rest; any other problem keeps the whole previous configuration.
 */
export function configForReload(
  source: ConfigSource,
  drivers: ReadonlyMap<string, Driver>,
  running: NodepoolConfig,
  logger: Logger,
): NodepoolConfig | undefined {
  const validation = validateConfig(source, { drivers });
  if (validation.config) return validation.config;
  for (const issue of validation.issues) logger.error(`configuration problem: ${describeIssue(issue)}`);
  if (!validation.partial) {
    logger.error('configuration not reloaded: the previous one stays in force');
    return undefined;
  }
  const { config, brokenProviders } = validation.partial;
  for (const { index, name } of brokenProviders) {
    const previous = running.providers.get(name);
    if (previous) {
      config.providers.set(previous.name, previous);
      logger.warn({ provider: previous.name }, `provider ${previous.name} keeps its previous configuration until its entry is fixed`);
    } else {
      logger.warn(`providers[${index}] is not started until its entry is fixed`);
    }
  }
  return config;
}
