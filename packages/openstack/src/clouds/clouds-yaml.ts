import { isMapping } from '@cloudpool/common';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { CloudConfig } from './cloud-config.js';
import { CloudConfigError } from './cloud-config-error.js';
import { parseCloud, type RawCloud } from './cloud-entry.js';
import { environmentCloudName, environmentOverrides, hasEnvironmentCloud } from './environment-cloud.js';
import { deepMerge } from './merge.js';

/** Where `clouds.yaml` and `secure.yaml` are looked for; injectable so tests use temp dirs. */
export interface CloudsYamlSearch {
  /** Directories searched in order; the first `clouds.yaml` (or `.yml`, `.json`) found is used. */
  directories: string[];
  /** `OS_CLIENT_CONFIG_FILE`: searched before the directories. */
  configFile?: string;
  /** `OS_CLIENT_SECURE_FILE`: searched before the directories for `secure.yaml`. */
  secureFile?: string;
  /** The `OS_*` variables. */
  env: NodeJS.ProcessEnv;
}

const SUFFIXES = ['.yaml', '.yml', '.json'];

/**
 * Where the OpenStack tools look: `OS_CLIENT_CONFIG_FILE`, then the current directory,
 * `$XDG_CONFIG_HOME/openstack` (default `~/.config/openstack`) and `/etc/openstack`.
 */
export function defaultCloudsYamlSearch(env: NodeJS.ProcessEnv = process.env): CloudsYamlSearch {
  const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return {
    directories: [process.cwd(), path.join(configHome, 'openstack'), path.join(path.sep, 'etc', 'openstack')],
    ...(env.OS_CLIENT_CONFIG_FILE ? { configFile: env.OS_CLIENT_CONFIG_FILE } : {}),
    ...(env.OS_CLIENT_SECURE_FILE ? { secureFile: env.OS_CLIENT_SECURE_FILE } : {}),
    env,
  };
}

/**
 * The cloud `name` of `clouds.yaml`, with its entry of `secure.yaml` merged in (secure.yaml
 * wins). The `OS_*` variables make the `envvars` cloud (when `OS_AUTH_URL` is set) and
 * override the keys of the cloud named by `OS_CLOUD`. A missing cloud is a CloudConfigError
 * naming the cloud and every file looked at; no error ever shows a credential.
 */
export function loadCloudConfig(name: string, search: CloudsYamlSearch = defaultCloudsYamlSearch()): CloudConfig {
  const { env } = search;
  const clouds = findFile('clouds', search.configFile, search.directories);
  const secure = findFile('secure', search.secureFile, search.directories);
  const cloudsOf = (file: string | undefined) => (file ? readClouds(file) : {});
  const fromFile = cloudsOf(clouds.found)[name];
  const secureEntry = cloudsOf(secure.found)[name];
  const overrides = env.OS_CLOUD === name ? environmentOverrides(env) : {};

  if (fromFile !== undefined || secureEntry !== undefined) {
    const merged = deepMerge(deepMerge(fromFile ?? {}, secureEntry ?? {}), overrides);
    return parseCloud(name, merged, clouds.found ?? secure.found ?? 'clouds.yaml');
  }
  if (name === environmentCloudName(env) && hasEnvironmentCloud(env)) {
    return parseCloud(name, environmentOverrides(env), 'environment');
  }
  const known = Object.keys(cloudsOf(clouds.found));
  throw new CloudConfigError(
    `OpenStack cloud "${name}" not found; looked at ${[...clouds.looked, ...secure.looked].join(', ')}` +
      (clouds.found ? `; ${clouds.found} has ${known.length ? known.join(', ') : 'no clouds'}` : '; no clouds.yaml exists') +
      (hasEnvironmentCloud(env) ? `; the OS_* variables define "${environmentCloudName(env)}"` : ''),
  );
}

/** The first existing `<base>.{yaml,yml,json}` (after `explicit`), and every path tried. */
function findFile(base: string, explicit: string | undefined, directories: string[]): { found?: string; looked: string[] } {
  const candidates = [
    ...(explicit ? [explicit] : []),
    ...directories.flatMap((directory) => SUFFIXES.map((suffix) => path.join(directory, `${base}${suffix}`))),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  return { ...(found ? { found } : {}), looked: found ? candidates.slice(0, candidates.indexOf(found) + 1) : candidates };
}

/**
 * The `clouds` mapping of a file. YAML 1.1 as openstacksdk reads it (`verify: no` is false).
 * A syntax error reports its line only: the offending text may hold a password.
 */
function readClouds(file: string): Record<string, RawCloud> {
  const document = parseDocument(readFileSync(file, 'utf8'), { version: '1.1' });
  const [error] = document.errors;
  if (error) throw new CloudConfigError(`${file}: invalid YAML at line ${error.linePos?.[0].line ?? '?'}`);
  const data: unknown = document.toJS();
  const clouds = isMapping(data) ? data.clouds : undefined;
  if (!isMapping(clouds)) return {};
  return Object.fromEntries(Object.entries(clouds).filter((entry): entry is [string, RawCloud] => isMapping(entry[1])));
}
