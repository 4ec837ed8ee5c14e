import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../src/config/env-substitution.js';

describe('substituteEnv (on the raw text, as Nodepool does)', () => {
  const env = { NODEPOOL_REGION: 'ca-ymq-1', NODEPOOL_PASSWORD: 'p%ss', NODEPOOL_MAX: '7', NODEPOOL_KEY: 'line1\nline2', HOME: '/home/nodepool' };

  it("replaces Nodepool's %(NODEPOOL_*) anywhere in the text, and the %-format spelling %(NODEPOOL_*)s", () => {
    const result = substituteEnv("region-name: %(NODEPOOL_REGION)\nurl: 'https://%(NODEPOOL_REGION)s.example.com'\n", env);
    expect(result.text).toBe("region-name: ca-ymq-1\nurl: 'https://ca-ymq-1.example.com'\n");
    expect(result.issues).toEqual([]);
    expect([...result.substitutedLines]).toEqual([1, 2]);
  });

  it('inserts values as they are; %% is not an escape (Nodepool has none)', () => {
    expect(substituteEnv('password: %(NODEPOOL_PASSWORD)\nshare: 50%%\nmax: %(NODEPOOL_MAX)\n', env).text).toBe(
      'password: p%ss\nshare: 50%%\nmax: 7\n',
    );
  });

  it('counts the lines a multi-line value adds', () => {
    const result = substituteEnv('a: 1\nkey: |\n  %(NODEPOOL_KEY)\nb: %(NODEPOOL_MAX)\n', env);
    expect([...result.substitutedLines]).toEqual([3, 4, 5]);
  });

  it('reports unset variables and variables outside NODEPOOL_*, at their line, leaving them as written', () => {
    const result = substituteEnv("a:\n  - '%(NODEPOOL_UNSET)s'\nb: '%(HOME)s/.config'\n", env);
    expect(result.issues).toEqual([
      { path: [], line: 2, message: 'environment variable NODEPOOL_UNSET is not set' },
      { path: [], line: 3, message: 'cannot use environment variable HOME: only NODEPOOL_* variables are substituted' },
    ]);
    expect(result.text).toBe("a:\n  - '%(NODEPOOL_UNSET)s'\nb: '%(HOME)s/.config'\n");
  });
});
