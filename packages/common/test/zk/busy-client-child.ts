/**
 * A separate OS process for the connection-drop tests: a client that keeps ZooKeeper calls in
 * flight (a few every millisecond, from timers) and on every reconnect, so that calls meet each
 * drop of the connection. Prints `connected`, then one `reconnected` line per reconnect; when
 * stdin ends it closes the session, prints `done` and exits (a crash shows as the exit signal).
 * Usage: busy-client-child.ts <host:port> <chroot> [<zookeeper-tls as JSON>]
 */
import { createInterface } from 'node:readline';
import { ZkClient, type ZkTlsConfig } from '../../src/zk/index.js';

const [hostPort = '', chroot, tlsJson] = process.argv.slice(2);
const [host = '', port] = hostPort.split(':');
const client = await ZkClient.connect({
  hosts: [{ host, port: Number(port) }],
  chroot,
  sessionTimeoutMs: 4000,
  ...(tlsJson ? { tls: JSON.parse(tlsJson) as ZkTlsConfig } : {}),
});
await client.mkdirp('/busy');
client.on('reconnected', () => process.stdout.write('reconnected\n'));
const busy = setInterval(() => {
  for (let i = 0; i < 4; i++) void client.exists('/busy').catch(() => undefined);
  void client.set('/busy', 'x').catch(() => undefined);
}, 1);
process.stdout.write('connected\n');
for await (const _line of createInterface({ input: process.stdin })) {
  // Lines are ignored; the end of stdin ends the run.
}
clearInterval(busy);
await client.close();
process.stdout.write('done\n');
