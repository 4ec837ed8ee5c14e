import { describe, expect, it } from 'vitest';
import { BUILTIN_DRIVER_NAMES, builtinDrivers, resolveDrivers } from '../../src/providers/drivers.js';

describe('the driver registry', () => {
  it('loads only the built-in drivers a configuration names', async () => {
    expect([...(await resolveDrivers(['aws', 'aws'])).keys()]).toEqual(['aws']);
    expect([...(await resolveDrivers(['openstack', 'azure'])).keys()].sort()).toEqual(['azure', 'openstack']);
  });

  it('loads every built-in driver when a name is unknown, so that validation can list them', async () => {
    const drivers = await resolveDrivers(['gce'], new Map(), { importInstalled: false });
    expect([...drivers.keys()].sort()).toEqual([...BUILTIN_DRIVER_NAMES].sort());
  });

  it("gives the io's drivers precedence and never loads a built-in one they replace", async () => {
    const [fake] = (await builtinDrivers(['openstack'])).values();
    const drivers = await resolveDrivers(['aws'], new Map([['aws', fake!]]));
    expect(drivers.get('aws')).toBe(fake);
    expect([...drivers.keys()]).toEqual(['aws']);
  });

  it('exports each built-in driver under its own name', async () => {
    for (const [name, driver] of await builtinDrivers()) expect(driver.name).toBe(name);
  });
});
