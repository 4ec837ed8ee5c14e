import { readFileSync } from 'node:fs';
import type { NodepoolConfig } from '../driver/config-model.js';
import { ConfigError, type ConfigIssue } from './config-issue.js';
import { substituteEnv } from './env-substitution.js';
import { withEnsembleChroot } from './load-config.js';
import { secureFileSchema } from './schema.js';
import { parseYamlSource } from './yaml-source.js';
import { issuesFromZod } from './zod-issues.js';

/**
 * Applies Nodepool's secure file (`nodepool-launcher -s`, read as Nodepool reads it: `%(NODEPOOL_*)`
 * substituted, then YAML) to `config`: its `zookeeper-servers`, when it lists any, replace the
 * configuration's, and its `zookeeper-tls` replaces the configuration's. An empty file changes
 * nothing. Throws a ConfigError naming the file on any problem; no value is echoed.
 */
export function applySecureFile(config: NodepoolConfig, path: string, env: NodeJS.ProcessEnv = process.env): NodepoolConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: [], message: `cannot read the file: ${(error as Error).message}` }], path);
  }
  const substituted = substituteEnv(text, env);
  const yaml = parseYamlSource(substituted.text);
  const issues: ConfigIssue[] = [...substituted.issues, ...yaml.issues];
  if (issues.length === 0 && yaml.data !== undefined && yaml.data !== null) {
    const parsed = secureFileSchema.safeParse(yaml.data, { reportInput: true });
    if (!parsed.success) {
      issues.push(...issuesFromZod(parsed.error.issues, { at: [], fromEnvironment: () => true }));
    } else {
      const servers = parsed.data['zookeeper-servers'];
      return {
        ...config,
        ...(servers.length > 0 ? { zookeeperServers: withEnsembleChroot(servers) } : {}),
        ...(parsed.data['zookeeper-tls'] ? { zookeeperTls: parsed.data['zookeeper-tls'] } : {}),
      };
    }
  }
  if (issues.length === 0) return config;
  throw new ConfigError(issues.map((issue) => ({ ...issue, line: issue.line ?? yaml.lineOf(issue.path) })), path);
}
