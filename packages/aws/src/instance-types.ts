import { CloudError } from '@cloudpool/common';
import type { Ec2Port } from './port.js';
import type { InstanceSize } from './quota-needs.js';

/**
 * The sizes of instance types, from DescribeInstanceTypes, each asked once and kept for the
 * adapter's life (a type's size never changes). Concurrent askers share one call; a failed
 * call is not kept. A type EC2 does not know is a `permanent` CloudError.
 */
export class InstanceTypeCatalog {
  private readonly sizes = new Map<string, Promise<InstanceSize>>();

  constructor(private readonly calls: Pick<Ec2Port, 'describeInstanceType'>) {}

  sizeOf(instanceType: string): Promise<InstanceSize> {
    let size = this.sizes.get(instanceType);
    if (!size) {
      size = this.describe(instanceType);
      this.sizes.set(instanceType, size);
      size.catch(() => this.sizes.delete(instanceType));
    }
    return size;
  }

  private async describe(instanceType: string): Promise<InstanceSize> {
    const info = await this.calls.describeInstanceType(instanceType);
    const vcpus = info?.VCpuInfo?.DefaultVCpus;
    const memoryMiB = info?.MemoryInfo?.SizeInMiB;
    if (vcpus === undefined || memoryMiB === undefined) {
      throw new CloudError('permanent', `DescribeInstanceTypes: no vCPU and memory information for instance type ${instanceType}`, {
        action: 'DescribeInstanceTypes',
        code: 'InvalidInstanceType',
      });
    }
    return { vcpus, cores: info?.VCpuInfo?.DefaultCores ?? vcpus, memoryMiB };
  }
}
