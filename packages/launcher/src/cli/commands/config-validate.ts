import type { Command } from 'commander';
import { describeIssue, describeRate, formatPath, zookeeperTlsIssues, type ProviderConfig } from '@cloudpool/common';
import { renderTable, type Column } from '../../web/text-table.js';
import { CliError } from '../cli-error.js';
import { readConfigFile } from '../config-file.js';
import type { CliIo } from '../io.js';
import { configPath, wantsJson, withCommonOptions } from '../options.js';
import { printResult } from '../output.js';

const PROVIDER_COLUMNS: Column[] = [
  { key: 'name', header: 'Provider' },
  { key: 'driver', header: 'Driver' },
  { key: 'pools', header: 'Pools' },
  { key: 'labels', header: 'Labels' },
  { key: 'rate', header: 'Rate' },
];

/** A provider as `config-validate` reports it. */
type ProviderSummary = {
  name: string;
  driver: string;
  pools: string[];
  labels: string[];
  /** The effective rate, e.g. `openstack rate 0.5 (seconds between calls) = 2 requests/s`. */
  rate: string;
  ratePerSecond: number;
};

/**
 * `config-validate`: every problem of nodepool.yaml with its path and line (the `zookeeper-tls`
 * files are read: they must exist and hold usable PEM), and each provider that loads with its
 * driver and effective requests per second (Nodepool's `rate` means seconds between calls for
 * OpenStack). Exits 1 when there is a problem. Imports no code named by the file: only built-in
 * drivers are known to it.
 */
export function registerConfigValidate(program: Command, io: CliIo): void {
  withCommonOptions(program.command('config-validate'))
    .description("validate nodepool.yaml; show each provider's driver and effective request rate")
    .action(async (_options: unknown, command: Command) => {
      const path = configPath(command);
      // Validation runs on untrusted changes: it never imports code the file names.
      const { validation, text } = await readConfigFile(path, io, { importInstalled: false });
      const loaded = validation.config ?? validation.partial?.config;
      const tlsIssues = await zookeeperTlsIssues(text, loaded?.zookeeperTls);
      const issues = [...validation.issues, ...tlsIssues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      const providers = [...(loaded?.providers.values() ?? [])].map(summary);
      const result = {
        path,
        valid: issues.length === 0,
        issues: issues.map((issue) => ({ path: formatPath(issue.path), line: issue.line ?? null, message: issue.message })),
        providers,
      };
      printResult(io, wantsJson(command), result, () => {
        const listed = issues.map((issue) => `  ${describeIssue(issue)}\n`).join('');
        const problems = issues.length === 0 ? `${path} is valid\n` : `${path}: ${count(issues.length)}\n${listed}`;
        if (providers.length === 0) return problems;
        return `${problems}${renderTable(PROVIDER_COLUMNS, providers)}\n`;
      });
      if (issues.length > 0) throw new CliError(`${path} is invalid: ${count(issues.length)}`);
    });
}

const count = (problems: number) => (problems === 1 ? '1 problem' : `${problems} problems`);

function summary(provider: ProviderConfig): ProviderSummary {
  const pools = [...provider.pools.values()];
  return {
    name: provider.name,
    driver: provider.driver,
    pools: pools.map((pool) => pool.name),
    labels: [...new Set(pools.flatMap((pool) => [...pool.labels.keys()]))],
    rate: rateText(provider),
    ratePerSecond: provider.common.ratePerSecond,
  };
}

/** `describeRate` for the drivers it knows; for an installed driver, its requests per second. */
function rateText(provider: ProviderConfig): string {
  try {
    return describeRate(provider.driver, provider.common.rate);
  } catch {
    return `${provider.driver} rate = ${provider.common.ratePerSecond} requests/s`;
  }
}
