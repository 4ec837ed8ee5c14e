import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZooKeeperEnsemble, type ZooKeeperEnsemble } from '@cloudpool/common/testing';
import { ZkClient, ZkLock } from '../../src/zk/index.js';
import { parseHosts } from './helpers.js';

let ensemble: ZooKeeperEnsemble;

beforeAll(async () => {
  ensemble = await startZooKeeperEnsemble(3);
});

afterAll(async () => {
  await ensemble.stop();
});

describe('against a three-server ensemble', () => {
  it('keeps the session, and a held lock, when the leader stops', async () => {
    const connect = () =>
      // Long enough to outlast an election (about 1.5 s here) plus the reconnect.
      ZkClient.connect({ hosts: parseHosts(ensemble.connectString), chroot: '/ensemble', sessionTimeoutMs: 8000 });
    const [client, other] = await Promise.all([connect(), connect()]);
    try {
      const sessionId = client.sessionId;
      const lost: string[] = [];
      client.on('lost', (id) => lost.push(id));
      const lock = new ZkLock(client, '/locks/survivor', { identifier: 'survivor' });
      expect(await lock.acquire({ blocking: false })).toBe(true);

      const reconnected = new Promise((resolve) => client.once('reconnected', resolve));
      await ensemble.stopMember(await ensemble.leader());
      await ensemble.leader();
      await reconnected;

      expect(lost).toEqual([]);
      expect(client.sessionId).toBe(sessionId);
      expect(lock.isHeld).toBe(true);
      expect(lock.lostSignal.aborted).toBe(false);
      expect(await lock.contenders()).toEqual(['survivor']);
      expect(await new ZkLock(other, '/locks/survivor').acquire({ blocking: false })).toBe(false);
      await lock.release();
      expect(await new ZkLock(other, '/locks/survivor').acquire({ blocking: false })).toBe(true);
    } finally {
      await Promise.all([client.close(), other.close()]);
    }
  });
});
