import { createAzureDriver } from '@cloudpool/azure';
import { SimulatedAzure } from '@cloudpool/azure/testing';
import type { Driver } from '@cloudpool/common';
import { waitFor } from '@cloudpool/common/testing';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AzureSimulator } from '@cloudpool/simulator';
import { BOOT_TIME_MS, CloudUnderTest, DISKIMAGE, labelImage, WRONG_SECRET, SSH_PORT, type HeldResource, type ProviderOptions } from './cloud-under-test.js';

/** The resource types of a node, by their ARM type (lower case). */
const NODE_TYPES: Readonly<Record<string, string>> = {
  'microsoft.compute/virtualmachines': 'instance',
  'microsoft.compute/disks': 'disk',
  'microsoft.network/networkinterfaces': 'nic',
  'microsoft.network/publicipaddresses': 'public-ip',
};

/** What the tests read of a listed ARM resource. */
interface GroupResource {
  type?: string;
  id?: string;
  tags?: Record<string, string>;
}

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
  private simulated: SimulatedAzure | undefined;
  private azureDriver: Driver | undefined;

  get driver(): Driver {
    if (!this.azureDriver) throw new Error('azure: cloud not started');
    return this.azureDriver;
  }

  /** `wrongCredentials`: an auth file whose client secret is `WRONG_SECRET`. */
  providerYaml(options: ProviderOptions = {}): string {
    const { maxServers = 10, launchRetries = 3, wrongCredentials = false, bootTimeout, hostKeyChecking } = options;
    const { resourceGroup, location } = this.sim;
    const label = (name: string, vmSize: string) =>
      `          - name: ${name}\n            ${labelImage(options)}\n            hardware-profile:\n              vm-size: ${vmSize}\n`;
    const diskimages = options.diskimage ? `    diskimages:\n      - name: ${DISKIMAGE}\n        key: ${SSH_KEY}\n        connection-port: ${SSH_PORT}\n` : '';
    return `  - name: ${this.providerName}
    driver: azure
    location: ${location}
    resource-group: ${resourceGroup}
    auth-path: ${wrongCredentials ? this.wrongAuthPath : this.authPath}
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
${diskimages}    pools:
      - name: main
        max-servers: ${maxServers}
${hostKeyChecking === undefined ? '' : `        host-key-checking: ${hostKeyChecking}\n`}        labels:
${label('small', 'Standard_B2s')}${label('large', 'Standard_B4ms')}`;
  }

  async seedBuilderImage(name: string): Promise<string> {
    return this.sim.seed({ images: [{ name, tags: { nodepool_provider_name: this.providerName, nodepool_build_id: '0000000001', nodepool_upload_id: '0000000001' } }] }).images[0]!;
  }

  async bootedImage(instanceId: string): Promise<string | undefined> {
    const name = instanceId.slice(instanceId.lastIndexOf('/') + 1);
    return (await this.bed.clients.compute.virtualMachines.get(this.sim.resourceGroup, name)).storageProfile?.imageReference?.id;
  }

  async instances(): Promise<HeldResource[]> {
    return (await this.resources()).filter((resource) => resource.type === 'instance');
  }

  async resources(): Promise<HeldResource[]> {
    return (await this.groupResources()).flatMap((resource) => {
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

  credentialChecks(): number {
    return this.calls('token');
  }

  /** Rewrites the provider's service principal file with a client secret the tenant does not know. */
  async breakCredentials(): Promise<void> {
    const { authFile } = this.sim.connectionInfo();
    await writeFile(this.authPath, JSON.stringify({ ...authFile, clientSecret: 'not-the-secret' }), { mode: 0o600 });
  }

  protected async startSimulator(): Promise<AzureSimulator> {
    // The driver's test bed: the simulator (fast, the launcher tests time boots themselves:
    // BOOT_TIME_MS), its auth file and clients of the test's own.
    this.simulated = await SimulatedAzure.start({ knobs: { bootTimeMs: BOOT_TIME_MS, azure: { nicReservationMs: 1_000 } }, ssh: { port: SSH_PORT } });
    this.azureDriver = createAzureDriver({ ca: this.simulated.sim.ca, adapter: { pollIntervalMs: 20, listTtlMs: 100 } });
    const authFile = this.simulated.sim.connectionInfo().authFile;
    await writeFile(this.wrongAuthPath, JSON.stringify({ ...authFile, clientSecret: WRONG_SECRET }), { mode: 0o600 });
    return this.simulated.sim;
  }

  protected async release(): Promise<void> {
    await this.simulated?.stop();
  }

  /** Every resource of the simulator's resource group, read around the driver on the test bed's own clients. */
  async groupResources(): Promise<GroupResource[]> {
    const all: GroupResource[] = [];
    for await (const resource of this.bed.clients.resources.resources.listByResourceGroup(this.sim.resourceGroup)) all.push(resource);
    return all;
  }

  private get authPath(): string {
    return this.bed.authPath;
  }

  /** An auth file beside the test bed's whose client secret is `WRONG_SECRET` (removed with the bed's directory). */
  private get wrongAuthPath(): string {
    return path.join(path.dirname(this.authPath), 'wrong-credentials.json');
  }

  private get bed(): SimulatedAzure {
    if (!this.simulated) throw new Error('azure: cloud not started');
    return this.simulated;
  }
}
