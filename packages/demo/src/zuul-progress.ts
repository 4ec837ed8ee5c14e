import type { NodeRecord } from '@cloudpool/common';
import type { DemoZuul } from './demo-zuul.js';
import type { Narrator } from './narrator.js';

/**
 * Tells, one row per event, what Zuul sees in ZooKeeper: nodes ready (provider, address, time
 * from the node record's creation, the host keys in the record), requests fulfilled and accepted, nodes deleted, and any failure, for as long as
 * `zuul` lives.
 */
export function narrateZuul(zuul: DemoZuul, narrator: Narrator): void {
  zuul
    .on('nodeReady', (node) => {
      const launched = node.created_time === null ? '' : `launched in ${(node.state_time - node.created_time).toFixed(1)} s`;
      // What Zuul writes to known_hosts: the keys the launcher's scan gathered from the VM's sshd.
      const keys = node.host_keys.length === 0 ? '' : `, ${node.host_keys.length} host keys (${node.host_keys.map((key) => key.split(' ')[0]).join(', ')})`;
      const took = `${launched}${keys}`;
      narrator.event([`node ${node.id}`, 'ready', node.provider ?? '', node.type.join(','), address(node), took]);
    })
    .on('accepted', (request, nodes) => {
      const providers = [...new Set(nodes.map((n) => n.provider ?? ''))].join(',');
      narrator.event([`request ${request.id}`, 'fulfilled', providers, nodes.flatMap((n) => n.type).join(','), '', `node ${nodes.map((n) => n.id).join(', ')} in-use`]);
    })
    .on('requestFailed', (request) => {
      narrator.event([`request ${request.id}`, 'FAILED', '', request.node_types.join(','), '', `declined by ${request.declined_by.join(', ')}`]);
    })
    .on('nodeRemoved', (node) => {
      narrator.event([`node ${node.id}`, 'deleted', node.provider ?? '', node.type.join(','), address(node), 'cloud resources gone']);
    })
    .on('problem', (message) => narrator.event(['zuul', 'PROBLEM', '', '', '', message]));
}

function address(node: NodeRecord): string {
  return node.interface_ip ?? node.public_ipv4 ?? node.private_ipv4 ?? '';
}
