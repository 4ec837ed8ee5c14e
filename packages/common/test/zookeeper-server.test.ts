import { describe, expect, it } from 'vitest';
import { fourLetterWord, startZooKeeperEnsemble } from '@cloudpool/common/testing';

describe('test ZooKeeper ensemble', () => {
  it('elects a new leader when the leader stops, and the old one rejoins', async () => {
    const ensemble = await startZooKeeperEnsemble(3);
    try {
      const first = await ensemble.leader();
      await ensemble.stopMember(first);
      expect(await ensemble.mode(first)).toBeUndefined();
      const second = await ensemble.leader();
      expect(second).not.toBe(first);
      await ensemble.startMember(first);
      expect(['follower', 'leader']).toContain(await ensemble.mode(first));
      expect(await fourLetterWord(ensemble.clientPorts[first]!, 'ruok')).toBe('imok');
    } finally {
      await ensemble.stop();
    }
  });
});
