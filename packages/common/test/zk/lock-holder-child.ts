/**
 * A separate OS process for the lock tests: takes a lock, prints `acquired`, then obeys lines on
 * stdin: `release` (prints `released`) and `exit` (closes the session and exits).
 * Usage: lock-holder-child.ts <host:port> <chroot> <lock path> <identifier> [<zookeeper-tls as JSON>]
 */
import { createInterface } from 'node:readline';
import { ZkClient, ZkLock, type ZkTlsConfig } from '../../src/zk/index.js';

const [hostPort = '', chroot, lockPath = '', identifier, tlsJson] = process.argv.slice(2);
const [host = '', port] = hostPort.split(':');
const client = await ZkClient.connect({
  hosts: [{ host, port: Number(port) }],
  chroot,
  sessionTimeoutMs: 2000,
  ...(tlsJson ? { tls: JSON.parse(tlsJson) as ZkTlsConfig } : {}),
});
const lock = new ZkLock(client, lockPath, { identifier });
await lock.acquire();
process.stdout.write('acquired\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'release') {
    await lock.release();
    process.stdout.write('released\n');
  } else if (line === 'exit') {
    break;
  }
}
await client.close();
