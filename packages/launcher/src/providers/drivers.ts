import type { Driver } from '@cloudpool/common';

/**
 * The drivers of this workspace: a provider's `driver:` name → the package that exports it (its
 * default export). Only the packages of the drivers a configuration names are imported, so a
 * launcher of one cloud never loads the other clouds' SDKs.
 */
const BUILTIN_DRIVER_PACKAGES: Readonly<Record<string, string>> = {
  aws: '@cloudpool/aws',
  azure: '@cloudpool/azure',
  openstack: '@cloudpool/openstack',
};

/** The `driver:` names of the built-in drivers. */
export const BUILTIN_DRIVER_NAMES: readonly string[] = Object.keys(BUILTIN_DRIVER_PACKAGES);

/**
 * The built-in drivers among `names` (default: all of them), by the name a provider's `driver:`
 * key uses; names that are not built in are left out. Imports each one's package on first use.
 */
export async function builtinDrivers(names: Iterable<string> = BUILTIN_DRIVER_NAMES): Promise<Map<string, Driver>> {
  const drivers = new Map<string, Driver>();
  for (const name of new Set(names)) {
    if (!Object.hasOwn(BUILTIN_DRIVER_PACKAGES, name)) continue;
    const specifier = BUILTIN_DRIVER_PACKAGES[name]!;
    const module = (await import(specifier)) as Record<string, unknown>;
    if (!isDriver(module.default)) throw new Error(`package "${specifier}" does not export its cloudpool Driver as the default export`);
    drivers.set(name, module.default);
  }
  return drivers;
}

function isDriver(value: unknown): value is Driver {
  const candidate = value as Partial<Driver> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.getProviderConfig === 'function' &&
    typeof candidate.getProvider === 'function'
  );
}

/**
 * The `driver:` names that may name an installed driver package: a plain npm name part
 * (lower-case letters, digits, `-`, `_`, `.`, not first), never a path, URL or scope.
 */
const INSTALLED_DRIVER_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Loads a driver from the installed package `cloudpool-driver-<name>` (its default export, or
 * an export named `driver`), for `driver:` names that are not built in. Only package names are
 * imported: a name that could be a path or URL (`/x.mjs`, `./x`, `file:…`, `data:…`) is never
 * imported. Returns undefined when no such package is installed or the name is not a package name.
 */
export async function importDriver(name: string): Promise<Driver | undefined> {
  if (!INSTALLED_DRIVER_NAME.test(name)) return undefined;
  const specifier = `cloudpool-driver-${name}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  const driver = [module.default, module.driver].find(isDriver);
  if (driver) return driver;
  throw new Error(`package "${specifier}" does not export a cloudpool Driver (default export or "driver")`);
}

/**
 * The drivers `names` needs: `extra` (which wins), the built-in ones named, plus, with
 * `importInstalled` (default), the installed driver packages named (see `importDriver`).
 * Built-in drivers are imported by their fixed package names only, never by a name the
 * configuration spells; all of them when a name is unknown (validation lists the known ones).
 */
export async function resolveDrivers(
  names: Iterable<string>,
  extra: ReadonlyMap<string, Driver> = new Map(),
  options: { importInstalled?: boolean } = {},
): Promise<Map<string, Driver>> {
  const wanted = [...new Set(names)].filter((name) => !extra.has(name));
  const drivers = new Map([...(await builtinDrivers(wanted)), ...extra]);
  for (const name of wanted) {
    if (drivers.has(name) || options.importInstalled === false) continue;
    const driver = await importDriver(name);
    if (driver) drivers.set(name, driver);
  }
  // A name nothing answers to is an error that lists the known drivers: all of them.
  if (wanted.some((name) => !drivers.has(name))) {
    for (const [name, driver] of await builtinDrivers()) if (!drivers.has(name)) drivers.set(name, driver);
  }
  return drivers;
}
