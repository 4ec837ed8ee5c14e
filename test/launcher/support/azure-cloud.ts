import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ArmClientRegistry, createAzureDriver, openSdkPort, type AzurePort, type PageReader } from '@cloudpool/azure';
import type { Driver } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { AzureSimulator } from '@cloudpool/simulator';
import { BOOT_TIME_MS, CloudUnderTest, SSH_PORT, type HeldResource, type ProviderOptions } from './cloud-under-test.js';

/** The resource types of a node, by their ARM type (lower case). */
const NODE_TYPES: Readonly<Record<string, string>> = {
  'microsoft.compute/virtualmachines': 'instance',
  'microsoft.compute/disks': 'disk',
  'microsoft.network/networkinterfaces': 'nic',
  'microsoft.network/publicipaddresses': 'public-ip',
};

/** Any SSH public key: the simulator installs nothing. */
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtM3m4O1Pq3yXHkz7qFJfG0nQ zuul@example.com';

/**
 * Azure through the `azure` driver: the provider's `auth-path` is the service principal file
 * the simulator hands out, and the driver trusts the simulator's CA. A node is a VM with its OS
 * disk, a NIC and a public IP, in the simulator's resource group.
 */
export class AzureCloud extends CloudUnderTest<AzureSimulator> {
  readonly name = 'azure';
  readonly providerName = 'azure-sim';
  readonly username = 'zuul';
  readonly nodeResourceTypes = ['disk', 'instance', 'nic', 'public-ip'];
  readonly createAction = 'virtualMachines.createOrUpdate';
  private directory: string | undefined;
  private port: AzurePort | undefined;
  private azureDriver: Driver | undefined;

  get driver(): Driver {
    if (!this.azureDriver) throw new Error('azure: cloud not started');
    return this.azureDriver;
  }

  providerYaml({ maxServers = 10, launchRetries = 3, bootTimeout, hostKeyChecking }: ProviderOptions = {}): string {
    const { resourceGroup, location } = this.sim;
    const label = (name: string, vmSize: string) =>
      `          - name: ${name}\n            cloud-image: ubuntu\n            hardware-profile:\n              vm-size: ${vmSize}\n`;
    return `  - name: ${this.providerName}
    driver: azure
    location: ${location}
    resource-group: ${resourceGroup}
    auth-path: ${this.authPath}
    network:
      resource-group: ${resourceGroup}
      network: ${resourceGroup}-vnet
      subnet: default
    rate: 1000
    launch-retries: ${launchRetries}
${bootTimeout === undefined ? '' : `    boot-timeout: ${bootTimeout}\n`}    cloud-images:
      - name: ubuntu
        username: ${this.username}
        connection-port: ${SSH_PORT}
        key: ${SSH_KEY}
        image-reference:
          publisher: Canonical
          offer: ubuntu-24_04-lts
          sku: server
          version: latest
    pools:
      - name: main
        max-servers: ${maxServers}
${hostKeyChecking === undefined ? '' : `        host-key-checking: ${hostKeyChecking}\n`}        labels:
${label('small', 'Standard_B2s')}${label('large', 'Standard_B4ms')}`;
  }

  async instances(): Promise<HeldResource[]> {
    return (await this.resources()).filter((resource) => resource.type === 'instance');
  }

  async resources(): Promise<HeldResource[]> {
    const all = await readAll(this.armPort.listResources(this.sim.resourceGroup));
    return all.flatMap((resource) => {
      const type = NODE_TYPES[resource.type?.toLowerCase() ?? ''];
      return type ? [{ type, id: resource.id ?? '', tags: { ...resource.tags } }] : [];
    });
  }

  /** The next VM's allocation fails (`AllocationFailed`), leaving it in provisioning state `Failed`. */
  async failNextBoot(): Promise<void> {
    const creates = this.calls(this.createAction, 'ok');
    this.sim.setKnobs({ azure: { asyncAllocationFailureRatio: 1 } });
    await waitFor(() => this.calls(this.createAction, 'ok') > creates);
    this.sim.setKnobs({ azure: { asyncAllocationFailureRatio: 0 } });
  }

  protected async startSimulator(): Promise<AzureSimulator> {
    // The launcher tests time boots themselves (BOOT_TIME_MS); everything else instant.
    const sim = await new AzureSimulator({ timing: 'fast', knobs: { bootTimeMs: BOOT_TIME_MS, azure: { lroRetryAfterSeconds: 0, nicReservationMs: 1_000 } }, ssh: { port: SSH_PORT } }).start();
    const { authFile, ca } = sim.connectionInfo();
    this.directory = await mkdtemp(path.join(os.tmpdir(), 'cloudpool-launcher-azure-'));
    await writeFile(this.authPath, JSON.stringify(authFile), { mode: 0o600 });
    this.azureDriver = createAzureDriver({ ca, adapter: { pollIntervalMs: 20, listTtlMs: 100 } });
    this.port = await openSdkPort({ authPath: this.authPath, ca, registry: new ArmClientRegistry() });
    return sim;
  }

  protected async release(): Promise<void> {
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
  }

  private get authPath(): string {
    if (!this.directory) throw new Error('azure: cloud not started');
    return path.join(this.directory, 'credentials.json');
  }

  /** The test's own ARM calls, through the driver's SDK port on clients of its own. */
  private get armPort(): AzurePort {
    if (!this.port) throw new Error('azure: cloud not started');
    return this.port;
  }
}

/** Every item of an ARM list, page after page. */
async function readAll<T>(reader: PageReader<T>): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const page = await reader.nextPage();
    items.push(...page.items);
    if (page.last) return items;
  }
}
