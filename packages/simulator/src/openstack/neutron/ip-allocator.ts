import { ApiError } from '../errors.js';

/**
 * Hands out the IPv4 addresses of one subnet in order (after the gateway, `.1`), reusing
 * released ones first. When none is left it fails as Neutron does (409 IpAddressGenerationFailure).
 */
export class IpAllocator {
  private readonly first: number;
  private readonly last: number;
  private next: number;
  private readonly released: number[] = [];
  private readonly inUse = new Set<number>();

  constructor(
    cidr: string,
    private readonly networkId: string,
  ) {
    const [address, prefix] = cidr.split('/');
    const base = toNumber(address ?? '');
    const size = 2 ** (32 - Number(prefix));
    this.first = base + 2;
    this.last = base + size - 2;
    this.next = this.first;
  }

  /** The gateway address (`.1` of the range). */
  get gateway(): string {
    return toAddress(this.first - 1);
  }

  /** The addresses handed out, as Neutron's `allocation_pools`. */
  get pool(): { start: string; end: string } {
    return { start: toAddress(this.first), end: toAddress(this.last) };
  }

  allocate(): string {
    const address = this.released.pop() ?? (this.next <= this.last ? this.next++ : undefined);
    if (address === undefined) {
      throw new ApiError(409, `No more IP addresses available on network ${this.networkId}.`, 'IpAddressGenerationFailure');
    }
    this.inUse.add(address);
    return toAddress(address);
  }

  release(address: string): void {
    const value = toNumber(address);
    if (this.inUse.delete(value)) this.released.push(value);
  }
}

function toNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
