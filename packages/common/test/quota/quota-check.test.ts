import { describe, expect, it } from 'vitest';
import { checkQuota, describeVerdict, QuotaSet, sumQuota } from '@cloudpool/common';

const q = QuotaSet.of;

describe('checkQuota', () => {
  const need = q({ instances: 1, cores: 4, ram: 8192 });

  it('fits when every layer has room', () => {
    const verdict = checkQuota(need, {
      pool: { limits: q({ instances: 5 }), used: q({ instances: 4 }) },
      cloud: { limits: q({ cores: 100, ram: 100_000 }), used: q({ cores: 96, ram: 0 }) },
      tenant: { limits: q({ instances: 10 }), used: q({}) },
    });
    expect(verdict).toEqual({ verdict: 'fits' });
  });

  it('says later when only current usage is in the way, naming layer and keys', () => {
    const verdict = checkQuota(need, {
      pool: { limits: q({ instances: 5 }), used: q({ instances: 1 }) },
      cloud: { limits: q({ cores: 100 }), used: q({ cores: 97 }) },
    });
    expect(verdict).toEqual({ verdict: 'later', layer: 'cloud', keys: ['cores'] });
    expect(describeVerdict(verdict)).toBe('does not fit now: cloud quota (cores)');
  });

  it('says never when a limit is below the need itself, even if another layer says later', () => {
    const verdict = checkQuota(need, {
      pool: { limits: q({ instances: 1 }), used: q({ instances: 1 }) },
      tenant: { limits: q({ ram: 4096 }), used: q({}) },
    });
    expect(verdict).toEqual({ verdict: 'never', layer: 'tenant', keys: ['ram'] });
  });

  it('treats absent keys as unlimited and absent layers as no limit', () => {
    expect(checkQuota(q({ cores: 1_000_000, gpus: 8 }), { pool: { limits: q({ instances: 1 }), used: q({}) } })).toEqual({
      verdict: 'fits',
    });
  });

  it('sums node resources key by key, including free-form keys', () => {
    const total = sumQuota([q({ cores: 2, instances: 1 }), q({ cores: 4, instances: 1, gpus: 1 })]);
    expect(total.toJSON()).toEqual({ cores: 6, instances: 2, gpus: 1 });
  });
});
