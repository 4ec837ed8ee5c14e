import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/config/yaml-source.js';

const TEXT = `zookeeper-servers:
  - host: zk1
    port: 2181
  - host: zk2
providers:
  - name: one
    pools:
      - name: main
        labels: [{name: a}, {name: b}]
`;

describe('parseYamlSource', () => {
  it('finds the line of a key or a list entry', () => {
    const source = parseYamlSource(TEXT);
    expect(source.issues).toEqual([]);
    expect(source.lineOf(['zookeeper-servers'])).toBe(1);
    expect(source.lineOf(['zookeeper-servers', 0, 'port'])).toBe(3);
    expect(source.lineOf(['zookeeper-servers', 1])).toBe(4);
    expect(source.lineOf(['providers', 0, 'pools', 0, 'name'])).toBe(8);
    expect(source.lineOf(['providers', 0, 'pools', 0, 'labels', 1, 'name'])).toBe(9);
  });

  it('falls back to the nearest enclosing key for a key that is not there', () => {
    const source = parseYamlSource(TEXT);
    expect(source.lineOf(['providers', 0, 'pools', 0, 'max-servers'])).toBe(8);
    expect(source.lineOf(['providers', 0, 'driver'])).toBe(6);
    expect(source.lineOf(['webapp', 'port'])).toBeUndefined();
  });

  it('reads YAML 1.1 like PyYAML: yes/no/on/off are booleans, merge keys work', () => {
    const source = parseYamlSource('defaults: &d\n  a: 1\nflags: [yes, no, on, off]\nentry:\n  <<: *d\n  b: 2\n');
    expect(source.data).toEqual({ defaults: { a: 1 }, flags: [true, false, true, false], entry: { a: 1, b: 2 } });
    expect(source.issues).toEqual([]);
  });

  it('reports a key repeated in a mapping, keeping the last value as PyYAML does', () => {
    const source = parseYamlSource('webapp:\n  port: 1\n  port: 2\nlabels: []\nwebapp:\n  port: 3\n');
    expect(source.issues).toEqual([
      { path: ['webapp', 'port'], message: 'duplicate key (first set on line 2)', line: 3 },
      { path: ['webapp'], message: 'duplicate key (first set on line 1)', line: 5 },
    ]);
    expect(source.data).toEqual({ webapp: { port: 3 }, labels: [] });
  });

  it('reports syntax errors with their line, and no data', () => {
    const source = parseYamlSource('labels:\n  - name: a\n   bad: indent\n');
    expect(source.data).toBeUndefined();
    expect(source.issues.length).toBeGreaterThan(0);
    expect(source.issues[0]).toMatchObject({ path: [], line: 3, message: expect.stringMatching(/^YAML syntax error: /) });
  });
});
