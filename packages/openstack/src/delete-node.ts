import { isOurs, TAG, type Ownership } from '@cloudpool/common';
import type { NeutronFloatingIp, NeutronPort, OpenStackApi } from './port.js';
import { ignoringNotFound } from './not-found.js';
import { attemptTags, fromNeutronTags } from './tags.js';

/**
 * Deletes what the driver made for a node, in dependency order: floating IPs first, then the
 * server, then the ports made for it. Every delete is idempotent (NotFound counts as done).
 */
export class NodeCleaner {
  constructor(
    private readonly api: OpenStackApi,
    private readonly owner: Ownership,
  ) {}

  /**
   * A node's server and everything made for it: the floating IPs on its ports that are ours
   * or nobody's (no provider tag: made for this server by Nodepool or by the cloud), the
   * server, then its ports that are ours (ports Nova made go with the server). `launch` (the
   * server's node id, attempt and node nonce, when known) also finds the attempt's ports by their tags,
   * which matters when Nova unbound them from a server whose build failed. Foreign-tagged
   * floating IPs are left alone. Resolves once the deletes were accepted.
   */
  async deleteNode(serverId: string, launch?: { nodeId: string; attempt: string; nonce: string | undefined }): Promise<void> {
    const [bound, tagged] = await Promise.all([
      this.api.listPorts({ deviceId: serverId }),
      launch ? this.api.listPorts({ tags: attemptTags(launch.nodeId, launch.attempt, launch.nonce) }) : [],
    ]);
    const ports = [...new Map([...bound, ...tagged].map((port) => [port.id, port])).values()];
    await this.deleteFloatingIpsOf(ports);
    await ignoringNotFound(this.api.deleteServer(serverId));
    await this.deletePorts(ports.filter((port) => isOurs(fromNeutronTags(port.tags), this.owner)));
  }

  /** The ports (and their floating IPs) made for one launch attempt that produced no server. */
  async discardAttempt(nodeId: string, attempt: number, nonce: string | undefined): Promise<void> {
    const ports = await this.api.listPorts({ tags: attemptTags(nodeId, String(attempt), nonce) });
    const ours = ports.filter((port) => isOurs(fromNeutronTags(port.tags), this.owner));
    await this.deleteFloatingIpsOf(ours);
    await this.deletePorts(ours);
  }

  private async deleteFloatingIpsOf(ports: readonly NeutronPort[]): Promise<void> {
    if (ports.length === 0) return;
    const floatingIps = await this.api.listFloatingIps({ portIds: ports.map((port) => port.id) });
    await Promise.all(floatingIps.filter((fip) => this.claimable(fip)).map((fip) => ignoringNotFound(this.api.deleteFloatingIp(fip.id))));
  }

  private async deletePorts(ports: readonly NeutronPort[]): Promise<void> {
    await Promise.all(ports.map((port) => ignoringNotFound(this.api.deletePort(port.id))));
  }

  private claimable(floatingIp: NeutronFloatingIp): boolean {
    const tags = fromNeutronTags(floatingIp.tags);
    return tags[TAG.providerName] === undefined || isOurs(tags, this.owner);
  }
}

