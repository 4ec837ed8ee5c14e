import type { ZkTlsConfig } from '../zk/client-config.js';
import { tlsFileProblems } from '../zk/tls.js';
import type { ConfigIssue } from './config-issue.js';
import { parseYamlSource } from './yaml-source.js';

/**
 * The problems of the `zookeeper-tls` files (missing, not PEM, an encrypted or mismatched key,
 * an expired certificate: see `tlsFileProblems`) as issues at `zookeeper-tls.<setting>`, with
 * the setting's line in `text`. It reads the files, which `validateConfig` (text only) does not.
 */
export async function zookeeperTlsIssues(text: string, tls: ZkTlsConfig | undefined, now?: Date): Promise<ConfigIssue[]> {
  if (tls === undefined) return [];
  const problems = await tlsFileProblems(tls, now);
  if (problems.length === 0) return [];
  const yaml = parseYamlSource(text);
  return problems.map((problem) => {
    const path = problem.setting ? ['zookeeper-tls', problem.setting] : ['zookeeper-tls'];
    const line = yaml.lineOf(path);
    return { path, message: problem.detail, ...(line === undefined ? {} : { line }) };
  });
}
