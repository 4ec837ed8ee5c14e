import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../src/config/env-substitution.js';

describe('substituteEnv', () => {
  const env = { NODEPOOL_REGION: 'ca-ymq-1', NODEPOOL_PASSWORD: 'p%ss', HOME: '/home/nodepool' };

  it('replaces %(NODEPOOL_*)s in string values, anywhere in the document', () => {
    const result = substituteEnv(
      { providers: [{ 'region-name': '%(NODEPOOL_REGION)s', url: 'https://%(NODEPOOL_REGION)s.example.com' }] },
      env,
    );
    expect(result.data).toEqual({ providers: [{ 'region-name': 'ca-ymq-1', url: 'https://ca-ymq-1.example.com' }] });
    expect(result.issues).toEqual([]);
    expect(result.substitutedPaths).toEqual([
      ['providers', 0, 'region-name'],
      ['providers', 0, 'url'],
    ]);
  });

  it('inserts values as they are, and reads %% as a literal %', () => {
    expect(substituteEnv({ password: '%(NODEPOOL_PASSWORD)s', share: '50%%', plain: '100%' }, env).data).toEqual({
      password: 'p%ss',
      share: '50%',
      plain: '100%',
    });
  });

  it('leaves keys and values that are not strings alone', () => {
    const data = { '%(NODEPOOL_REGION)s': 1, flag: true, nothing: null, list: [2, 3] };
    expect(substituteEnv(data, env)).toEqual({ data, issues: [], substitutedPaths: [] });
  });

  it('reports unset variables and variables outside NODEPOOL_*, at their path', () => {
    const result = substituteEnv({ a: ['%(NODEPOOL_UNSET)s'], b: '%(HOME)s/.config' }, env);
    expect(result.issues).toEqual([
      { path: ['a', 0], message: 'environment variable NODEPOOL_UNSET is not set' },
      { path: ['b'], message: 'cannot use environment variable HOME: only NODEPOOL_* variables are substituted' },
    ]);
    expect(result.data).toEqual({ a: ['%(NODEPOOL_UNSET)s'], b: '%(HOME)s/.config' });
  });
});
