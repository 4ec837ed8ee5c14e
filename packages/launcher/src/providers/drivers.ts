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
 * Loads a driver from an installed package (its default export, or an export named `driver`),
 * for `driver:` names that are not built in. Tried names: `cloudpool-driver-<name>`, then `<name>`.
 * Returns undefined when no such package is installed.
 */
export async function importDriver(name: string): Promise<Driver | undefined> {
  for (const specifier of [`cloudpool-driver-${name}`, name]) {
    let module: Record<string, unknown>;
    try {
      module = (await import(specifier)) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') continue;
      throw error;
    }
    const driver = [module.default, module.driver].find(isDriver);
    if (driver) return driver;
    throw new Error(`package "${specifier}" does not export a cloudpool Driver (default export or "driver")`);
  }
  return undefined;
}

/** The built-in drivers plus installed ones named by the providers of a raw config. */
export async function resolveDrivers(names: Iterable<string>, extra: ReadonlyMap<string, Driver> = new Map()): Promise<Map<string, Driver>> {
  const drivers = new Map([...builtinDrivers(), ...extra]);
  for (const name of names) {
    if (drivers.has(name)) continue;
    const driver = await importDriver(name);
    if (driver) drivers.set(name, driver);
  }
  return drivers;
}
