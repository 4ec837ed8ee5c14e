import { awsDriver } from '@cloudpool/aws';
import { azureDriver } from '@cloudpool/azure';
import type { Driver } from '@cloudpool/common';
import { openstackDriver } from '@cloudpool/openstack';

/** The drivers of this workspace, by the name a provider's `driver:` key uses. */
export function builtinDrivers(): Map<string, Driver> {
  return new Map<string, Driver>([
    [awsDriver.name, awsDriver],
    [azureDriver.name, azureDriver],
    [openstackDriver.name, openstackDriver],
  ]);
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
 * The built-in drivers and `extra`, plus, with `importInstalled` (default), the installed
 * driver packages named by the providers of a raw config (see `importDriver`).
 */
export async function resolveDrivers(
  names: Iterable<string>,
  extra: ReadonlyMap<string, Driver> = new Map(),
  options: { importInstalled?: boolean } = {},
): Promise<Map<string, Driver>> {
  const drivers = new Map([...builtinDrivers(), ...extra]);
  if (options.importInstalled === false) return drivers;
  for (const name of names) {
    if (drivers.has(name)) continue;
    const driver = await importDriver(name);
    if (driver) drivers.set(name, driver);
  }
  return drivers;
}
