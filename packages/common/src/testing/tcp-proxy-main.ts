/**
 * Runs a `TcpProxy` in a process of its own, so the test process's event loop can block (the
 * ZooKeeper C client's close waits synchronously for the server's answer) without stalling the
 * proxy. Prints the proxy's port, then obeys lines on stdin, answering `ok`: `cut`, `restore`,
 * `drop-when-sent <times> <text>` (see `TcpProxy.dropWhenSent`), and `drops` (answers the count
 * of trigger drops, then `ok`).
 * Usage: tcp-proxy-main.ts <target host> <target port>
 */
import { createInterface } from 'node:readline';
import { TcpProxy } from './tcp-proxy.js';

const [host = '127.0.0.1', port] = process.argv.slice(2);
const proxy = await TcpProxy.start({ host, port: Number(port) });
process.stdout.write(`${proxy.port}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'cut') proxy.cut();
  if (line === 'restore') proxy.restore();
  const dropWhenSent = /^drop-when-sent (\d+) (.+)$/.exec(line);
  if (dropWhenSent) proxy.dropWhenSent(dropWhenSent[2]!, Number(dropWhenSent[1]));
  if (line === 'drops') process.stdout.write(`${proxy.drops}\n`);
  process.stdout.write('ok\n');
}
await proxy.close();
