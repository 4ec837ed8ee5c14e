import { readFile } from 'node:fs/promises';
import {
  DEFAULT_DRIVER,
  describeIssue,
  isMapping,
  validateConfig,
  type ConfigValidation,
  type Driver,
  type NodepoolConfig,
} from '@cloudpool/common';
import { parse } from 'yaml';
import { resolveDrivers } from '../providers/drivers.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './io.js';

/** nodepool.yaml as read: its text, the drivers it may use, and what validation found. */
export interface ConfigFile {
  path: string;
  text: string;
  /** Built-in, installed ones the file names, and the io's. */
  drivers: Map<string, Driver>;
  validation: ConfigValidation;
}

/** A valid nodepool.yaml. */
export interface LoadedConfig extends ConfigFile {
  config: NodepoolConfig;
}

const READ_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

/**
 * Reads and validates nodepool.yaml with every driver it names (see `resolveDrivers`); with
 * `importInstalled: false` (config-validate, which may run on untrusted changes) it imports
 * nothing the file names: only built-in drivers and the io's. Throws a CliError only when the
 * file cannot be read; problems in it are in `validation.issues`.
 */
export async function readConfigFile(path: string, io: CliIo, options: { importInstalled?: boolean } = {}): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const why = READ_FAILURES[code] ?? (error as Error).message;
    throw new CliError(`cannot read the configuration ${path}: ${why} (-c names another file)`);
  }
  const drivers = await resolveDrivers(driverNames(text), io.drivers, options);
  const validation = validateConfig({ text, path }, { drivers, env: io.env });
  return { path, text, drivers, validation };
}

/** Reads nodepool.yaml and throws a one-line CliError, naming every problem with its line, unless it is valid. */
export async function loadConfigFile(path: string, io: CliIo): Promise<LoadedConfig> {
  const file = await readConfigFile(path, io);
  const { config, issues } = file.validation;
  if (!config) throw new CliError(`${path} is invalid: ${issues.map(describeIssue).join('; ')}`);
  return { ...file, config };
}

/** The `driver:` names of the providers (the default one where it is not set), read leniently: validation reports whatever is wrong. */
export function driverNames(text: string): string[] {
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return [];
  }
  const providers = isMapping(data) ? data.providers : undefined;
  if (!Array.isArray(providers)) return [];
  return providers.flatMap((provider) => {
    if (!isMapping(provider)) return [];
    if (provider.driver === undefined) return [DEFAULT_DRIVER];
    return typeof provider.driver === 'string' ? [provider.driver] : [];
  });
}
