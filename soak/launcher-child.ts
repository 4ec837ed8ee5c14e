/**
 * One launcher of the soak, in a process of its own so a fault can kill -9 it. Reads
 * nodepool.yaml from argv[2], names itself argv[3]; prints `started` once serving; stops on
 * SIGTERM. The EC2 simulator's credentials come through the environment, as `aws.env` gives them.
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '@cloudpool/common';
import { builtinDrivers, Launcher } from '@cloudpool/launcher';
import { soakLogger } from './soak-logger.js';

const [configPath, name] = process.argv.slice(2);
if (!configPath || !name) throw new Error('usage: launcher-child.ts <nodepool.yaml> <name>');
const drivers = await builtinDrivers();
const config = loadConfig({ text: await readFile(configPath, 'utf8'), path: configPath }, { drivers, env: {} });
const logger = soakLogger({ launcher: name });
const launcher = await Launcher.start({
  config,
  drivers,
  logger,
  hostname: name,
  timings: { poolIntervalMs: 200, deleteIntervalMs: 300, maintenanceIntervalMs: 1000, providerLoopMs: 100, zooKeeperShutdownGraceMs: 3000 },
});
process.stdout.write('started\n');
process.once('SIGTERM', () => {
  void launcher.stop().then(() => process.exit(0));
});
