import type { PortRecord } from '../model.js';

/** Neutron's ports, indexed by id and by `device_id` (Nova and leak cleanup look ports up by server). */
export class PortStore {
  private readonly byId = new Map<string, PortRecord>();
  private readonly byDevice = new Map<string, Set<PortRecord>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): PortRecord | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<PortRecord> {
    return this.byId.values();
  }

  /** The ports whose `device_id` is `deviceId`. */
  ofDevice(deviceId: string): ReadonlySet<PortRecord> {
    return this.byDevice.get(deviceId) ?? new Set();
  }

  add(port: PortRecord): void {
    this.byId.set(port.id, port);
    this.index(port);
  }

  remove(port: PortRecord): void {
    if (!this.byId.delete(port.id)) return;
    this.unindex(port);
  }

  /** Binds a port to a device (or unbinds it with empty strings). */
  bind(port: PortRecord, deviceId: string, deviceOwner: string): void {
    this.unindex(port);
    port.deviceId = deviceId;
    port.deviceOwner = deviceOwner;
    this.index(port);
  }

  clear(): void {
    this.byId.clear();
    this.byDevice.clear();
  }

  private index(port: PortRecord): void {
    if (!port.deviceId) return;
    let ports = this.byDevice.get(port.deviceId);
    if (!ports) this.byDevice.set(port.deviceId, (ports = new Set()));
    ports.add(port);
  }

  private unindex(port: PortRecord): void {
    const ports = this.byDevice.get(port.deviceId);
    if (!ports) return;
    ports.delete(port);
    if (ports.size === 0) this.byDevice.delete(port.deviceId);
  }
}
