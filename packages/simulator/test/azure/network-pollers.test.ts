import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureSimulator } from '../../src/azure/index.js';
import { clientsFor, pollInterval, startSimulator, type AzureClients } from './clients.js';
import { rejectionOf } from './fixtures.js';

describe('Azure simulator: arm-network and arm-resources pollers', () => {
  let sim: AzureSimulator;
  let clients: AzureClients;

  beforeAll(async () => {
    sim = await startSimulator();
    clients = clientsFor(sim);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('completes beginCreateOrUpdateAndWait and beginDeleteAndWait (Azure-AsyncOperation and Location polling)', async () => {
    const { network, resources } = clients;
    const rg = sim.resourceGroup;
    const pip = await network.publicIPAddresses.beginCreateOrUpdateAndWait(rg, 'polled-pip', { location: sim.location }, pollInterval);
    expect(pip.provisioningState).toBe('Succeeded');
    const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait(rg, 'polled-nic', {
      location: sim.location,
      ipConfigurations: [{ name: 'ipconfig1', subnet: { id: sim.subnetId }, publicIPAddress: { id: pip.id } }],
    }, pollInterval);
    expect(nic.provisioningState).toBe('Succeeded');
    await network.networkInterfaces.beginDeleteAndWait(rg, 'polled-nic', pollInterval);
    await network.publicIPAddresses.beginDeleteAndWait(rg, 'polled-pip', pollInterval);
    expect(await rejectionOf(network.publicIPAddresses.get(rg, 'polled-pip'))).toMatchObject({ statusCode: 404 });

    await resources.resourceGroups.createOrUpdate('polled', { location: sim.location });
    await resources.resourceGroups.beginDeleteAndWait('polled', pollInterval);
    expect((await resources.resourceGroups.checkExistence('polled')).body).toBe(false);
  });
});
