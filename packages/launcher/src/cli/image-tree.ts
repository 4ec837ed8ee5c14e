import { readImageTree, type ImageTreeEntry, type NodepoolZk } from '@cloudpool/common';
import type { CliIo } from './io.js';
import { reportInvalidRecords } from './node-list.js';

/** nodepool-builder's image records; a record that does not parse is named on stderr and left out. */
export function readImages(zk: NodepoolZk, io: CliIo): Promise<ImageTreeEntry[]> {
  return readImageTree(zk.client, reportInvalidRecords(io));
}
