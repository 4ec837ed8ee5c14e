import type { Subnet } from '@azure/arm-network';
import { CloudError, isCloudError } from '@cloudpool/common';
import type { AdapterLogger } from './adapter-config.js';
import type { AzurePoolSettings } from './config.js';
import type { AzurePort } from './port.js';

const SUBNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i;

/**
 * Reads the nodes' subnet once, before the first launch. A subnet that does not exist fails that
 * launch with ARM's own message as a `permanent` CloudError (so the request is declined rather
 * than retried, and nothing is created). A subnet without a network security group while a pool
 * attaches public IPs is logged once: Standard public IPs admit no inbound traffic unless an NSG
 * allows it, so such nodes would never be reachable (Nodepool's documentation asks for an NSG on
 * the subnet).
 */
export class SubnetCheck {
  private checked: Promise<void> | undefined;

  constructor(
    private readonly subnetId: string,
    private readonly pools: Iterable<AzurePoolSettings>,
    private readonly logger: AdapterLogger,
  ) {}

  ensure(port: AzurePort): Promise<void> {
    this.checked ??= this.check(port).catch((error: unknown) => {
      this.checked = undefined;
      throw error;
    });
    return this.checked;
  }

  private async check(port: AzurePort): Promise<void> {
    const match = SUBNET_ID.exec(this.subnetId);
    if (!match) throw new CloudError('permanent', `the subnet id ${this.subnetId} is not a subnet's resource id`, { action: 'subnets.get' });
    const [, resourceGroup, network, name] = match as unknown as [string, string, string, string];
    let subnet: Subnet;
    try {
      subnet = await port.getSubnet(resourceGroup, network, name);
    } catch (error) {
      if (!isCloudError(error, 'not-found')) throw error;
      throw new CloudError('permanent', `the nodes' subnet ${this.subnetId} does not exist: ${error.message}`, { action: 'subnets.get', code: error.code });
    }
    const exposed = [...this.pools].some((pool) => (pool.publicIpv4 || pool.publicIpv6) && !pool.useInternalIp);
    if (exposed && !subnet.networkSecurityGroup?.id) {
      this.logger.warn(
        { subnet: this.subnetId },
        'the subnet has no network security group: Standard public IPs admit no inbound traffic without one, so nodes will be unreachable; attach an NSG that allows SSH to the subnet',
      );
    }
  }
}
