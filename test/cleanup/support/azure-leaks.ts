import { AzureCloud } from '../../launcher/support/azure-cloud.js';
import type { LeakCloud } from './leak-cloud.js';

/** The leak-cleanup type of each ARM type a node (or an upload) is made of. */
const TYPES: Readonly<Record<string, string>> = {
  'microsoft.compute/virtualmachines': 'instance',
  'microsoft.network/networkinterfaces': 'nic',
  'microsoft.network/publicipaddresses': 'public-ip',
  'microsoft.compute/disks': 'disk',
  'microsoft.compute/images': 'image',
};

/** The seed collection of each type `plant` makes. */
const COLLECTIONS: Readonly<Record<string, 'virtualMachines' | 'networkInterfaces' | 'publicIPAddresses' | 'disks'>> = {
  instance: 'virtualMachines',
  nic: 'networkInterfaces',
  'public-ip': 'publicIPAddresses',
  disk: 'disks',
};

/**
 * Azure: a leaked node is a VM (planted with its NIC and OS disk, which go with it), a NIC, a
 * public IP or a disk; an image upload is a managed image. Resources are planted in the
 * simulator's resource group (as created now: ARM seeds have no age) and read around the
 * driver on the driver test bed's own clients (`@cloudpool/azure/testing`).
 */
export class AzureLeaks implements LeakCloud {
  readonly base = new AzureCloud();
  readonly nodeTypes = ['instance', 'nic', 'public-ip', 'disk'];

  async start(): Promise<void> {
    await this.base.start();
  }

  async stop(): Promise<void> {
    await this.base.stop();
  }

  async plant(type: string, tags: Record<string, string>): Promise<string> {
    const collection = COLLECTIONS[type];
    if (!collection) throw new Error(`azure: cannot plant a ${type}`);
    return `${type}:${this.base.sim.seed({ [collection]: [{ tags }] })[collection][0]}`;
  }

  async plantUpload(tags: Record<string, string>): Promise<string[]> {
    return [`image:${this.base.sim.seed({ images: [{ tags }] }).images[0]}`];
  }

  async present(): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const resource of await this.base.groupResources()) {
      const type = TYPES[resource.type?.toLowerCase() ?? ''];
      if (type) keys.add(`${type}:${resource.id}`);
    }
    return keys;
  }
}
