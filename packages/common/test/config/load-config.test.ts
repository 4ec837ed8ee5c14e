import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-issue.js';
import { loadConfig, validateConfig } from '../../src/config/load-config.js';
import type { FakeProviderConfig } from '../../src/testing/fake/fake-config.js';
import { fakeDriver, MINIMAL, options, problems } from './helpers.js';

describe('loadConfig', () => {
  it("applies Nodepool's defaults; a nodepool.yaml without a cloudpool: section is valid", () => {
    const config = loadConfig({ text: MINIMAL }, options());
    expect(config.zookeeperServers).toEqual([{ host: 'zk.example.com', port: 2181 }]);
    expect(config.zookeeperTls).toBeUndefined();
    expect(config.zookeeperTimeout).toBe(10);
    expect(config.webapp).toEqual({ port: 8005, listenAddress: '0.0.0.0' });
    expect(config.maxHoldAge).toBe(0);
    expect(config.tenantResourceLimits.size).toBe(0);
    expect(config.labels.get('small')).toMatchObject({ name: 'small', minReady: 0, maxReadyAge: 0 });

    const provider = config.providers.get('fake-1')!;
    expect(provider.common).toEqual({
      rate: undefined,
      ratePerSecond: 1000,
      launchRetries: 3,
      launchTimeout: 3600,
      bootTimeout: 180,
      maxConcurrency: 0,
      priority: 100,
    });
    expect(provider.pools.get('main')).toMatchObject({ priority: 100, azs: [], nodeAttributes: {}, providerName: 'fake-1' });
    expect(provider.pools.get('main')!.limits.toJSON()).toEqual({ instances: 3 });
  });

  it('defaults the cloudpool section; cleanup min-age covers the longest launch of any provider', () => {
    const config = loadConfig({ text: MINIMAL }, options());
    expect(config.cloudpool).toEqual({
      systemId: undefined,
      cleanup: {
        interval: 60,
        minAge: 3600 + 180,
        dryRun: false,
        adoptNodepoolResources: false,
        maxDeleteCount: 50,
      },
      notifications: {},
    });
    const longer = MINIMAL.replace('driver: fake', 'driver: fake\n    launch-timeout: 7200\n    boot-timeout: 600');
    expect(loadConfig({ text: longer }, options()).cloudpool.cleanup.minAge).toBe(7800);
    const explicit = `${MINIMAL}cloudpool:\n  cleanup:\n    min-age: 900\n`;
    expect(loadConfig({ text: explicit }, options()).cloudpool.cleanup.minAge).toBe(900);
  });

  it('reads the notification webhook, and refuses a bad one by its path and line without showing it', () => {
    const url = 'https://hook-user:s3cret@hooks.example.org/nodepool';
    const withHook = `${MINIMAL}cloudpool:\n  notifications:\n    webhook: ${url}\n`;
    expect(loadConfig({ text: withHook }, options()).cloudpool.notifications).toEqual({ webhook: url });
    const lines = withHook.split('\n').length;
    const bad = withHook.replace(url, 'ftp://hook-user:s3cret@hooks.example.org/');
    const { issues } = validateConfig({ text: bad }, options());
    expect(issues).toEqual([{ path: ['cloudpool', 'notifications', 'webhook'], message: expect.stringMatching(/^expected an http:\/\/ or https:\/\/ URL/), line: lines - 1 }]);
    expect(JSON.stringify(issues)).not.toContain('s3cret');
    const unknown = `${MINIMAL}cloudpool:\n  notifications:\n    web-hook: ${url}\n`;
    expect(validateConfig({ text: unknown }, options()).issues).toEqual([
      { path: ['cloudpool', 'notifications', 'web-hook'], message: 'unknown key', line: lines - 1 },
    ]);
  });

  it('adds each pool to the labels it serves', () => {
    const config = loadConfig({ text: MINIMAL }, options());
    const pool = config.providers.get('fake-1')!.pools.get('main');
    expect(config.labels.get('small')!.pools).toEqual([pool]);
    expect(pool!.labels.get('small')).toMatchObject({ name: 'small', poolName: 'main', cloudImage: 'image', tags: {} });
  });

  it('gives pools the provider priority unless they set their own', () => {
    const text = MINIMAL.replace('driver: fake', 'driver: fake\n    priority: 50').replace(
      'max-servers: 3',
      'max-servers: 3\n      - name: second\n        priority: 10',
    );
    const provider = loadConfig({ text }, options()).providers.get('fake-1')!;
    expect(provider.pools.get('main')!.priority).toBe(50);
    expect(provider.pools.get('second')!.priority).toBe(10);
  });

  it("takes Nodepool's max-concurrency -1 as no limit", () => {
    const text = MINIMAL.replace('driver: fake', 'driver: fake\n    max-concurrency: -1');
    expect(loadConfig({ text }, options()).providers.get('fake-1')!.common.maxConcurrency).toBe(0);
  });

  it('loads tenant limits, free-form max-* keys included', () => {
    const text = `${MINIMAL}tenant-resource-limits:\n  - tenant-name: t1\n    max-servers: 10\n    max-cores: 80\n    max-ram: 4096\n    max-gpus: 2\n`;
    const limits = loadConfig({ text }, options()).tenantResourceLimits.get('t1')!;
    expect(limits.toJSON()).toEqual({ instances: 10, cores: 80, ram: 4096, gpus: 2 });
  });

  it('reads a file, and says so when it cannot', () => {
    const directory = mkdtempSync(join(tmpdir(), 'cloudpool-config-'));
    const path = join(directory, 'nodepool.yaml');
    writeFileSync(path, MINIMAL);
    expect(loadConfig({ path }, options()).providers.has('fake-1')).toBe(true);
    expect(validateConfig({ path: join(directory, 'missing.yaml') }, options()).issues).toEqual([
      { path: [], message: expect.stringMatching(/^cannot read the file: ENOENT/), line: undefined },
    ]);
  });

  it('throws a ConfigError that lists every issue', () => {
    const text = MINIMAL.replace('max-servers: 3', 'max-servers: three').replace('host: zk.example.com', 'host: 42');
    const error = (() => {
      try {
        loadConfig({ text, path: 'nodepool.yaml' }, options());
      } catch (caught) {
        return caught;
      }
      throw new Error('loadConfig did not throw');
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues).toHaveLength(2);
    expect(error.message).toBe(
      [
        'nodepool.yaml is invalid (2 problems):',
        '  zookeeper-servers[0].host: expected a string, got 42 (line 3)',
        '  providers[0].pools[0].max-servers: expected a number, got "three" (line 13)',
      ].join('\n'),
    );
  });
});

describe('validateConfig reports', () => {
  it('an unknown driver, naming the provider and the known drivers', () => {
    const drivers = new Map([
      ['aws', fakeDriver],
      ['azure', fakeDriver],
      ['fake', fakeDriver],
    ]);
    const text = `zookeeper-servers: [{host: zk}]\nproviders:\n  - name: a\n    driver: gce\n  - name: b\n`;
    expect(problems(text, { drivers })).toEqual([
      'providers[0].driver: unknown driver "gce" (known: aws, azure, fake) (line 4)',
      'providers[1].driver: unknown driver "openstack" (the default when driver is not set) (known: aws, azure, fake) (line 5)',
    ]);
  });

  it('names used twice in the same list', () => {
    const text = `zookeeper-servers: [{host: zk}]
labels: [{name: small}, {name: small}]
tenant-resource-limits: [{tenant-name: t1}, {tenant-name: t1}]
providers:
  - name: p
    driver: fake
    cloud-images: [{name: image}, {name: image}]
    pools:
      - name: main
        labels:
          - {name: small, cloud-image: image}
          - {name: small, cloud-image: image}
      - name: main
  - name: p
    driver: fake
`;
    expect(problems(text)).toEqual([
      'labels[1].name: label "small" is already defined at labels[0] (line 2)',
      'tenant-resource-limits[1].tenant-name: tenant "t1" is already defined at tenant-resource-limits[0] (line 3)',
      'providers[0].cloud-images[1].name: cloud-image "image" is already defined at providers[0].cloud-images[0] (line 7)',
      'providers[0].pools[0].labels[1].name: label "small" is already defined at providers[0].pools[0].labels[0] (line 12)',
      'providers[0].pools[1].name: pool "main" is already defined at providers[0].pools[0] (line 13)',
      'providers[1].name: provider "p" is already defined at providers[0] (line 14)',
    ]);
  });

  it('top-level problems: wrong types, unknown keys, missing keys', () => {
    const text = `labels:\n  - name: small\n    min-ready: some\nwebapp:\n  port: 70000\nmax-hold-age: -1\nstatsd: true\n`;
    expect(problems(text)).toEqual([
      'zookeeper-servers: missing required key',
      'labels[0].min-ready: expected a number, got "some" (line 3)',
      'webapp.port: must be at most 65535, got 70000 (line 5)',
      'max-hold-age: must be at least 0, got -1 (line 6)',
      'statsd: unknown key (line 7)',
    ]);
  });

  it('every problem of every provider, each provider against its own schema', () => {
    const text = `${MINIMAL}  - name: fake-2
    driver: fake
    create-latency: soon
    pools:
      - name: main
        labels:
          - name: small
            cloud-image: image
            cores: 0
          - name: large
            cloud-image: image
            diskimage: ubuntu-dib
`;
    expect(problems(text)).toEqual([
      'providers[1].create-latency: expected a number, got "soon" (line 19)',
      'providers[1].pools[0].labels[0].cores: must be at least 1, got 0 (line 25)',
      'providers[1].pools[0].labels[1].diskimage: cannot be used with cloud-image (line 28)',
    ]);
  });

  it('a pool label missing from the top-level labels, and a cloud image the provider does not have', () => {
    const text = MINIMAL.replace('cloud-image: image', 'cloud-image: other').replace(
      'labels:\n          - name: small',
      'labels:\n          - name: tiny',
    );
    expect(problems(text)).toEqual([
      'providers[0].pools[0].labels[0].name: label "tiny" is not declared in the top-level labels (line 15)',
      `providers[0].pools[0].labels[0].cloud-image: cloud-image "other" is not in this provider's cloud-images (line 16)`,
    ]);
  });

  it('diskimages: a label naming none of the provider\'s, a provider entry naming no top-level one, bad keys', () => {
    const text = `${MINIMAL}    diskimages:
      - name: ubuntu
      - name: unbuilt
        connection-port: none
        elements: [vm]
diskimages:
  - name: ubuntu
    elements: [ubuntu-minimal]
`.replace('cloud-image: image\n', 'diskimage: debian\n');
    expect(problems(text)).toEqual([
      'providers[0].diskimages[1].connection-port: expected a number, got "none" (line 20)',
      'providers[0].diskimages[1].elements: unknown key (line 21)',
    ]);
    expect(problems(text.replace('        connection-port: none\n        elements: [vm]\n', ''))).toEqual([
      `providers[0].pools[0].labels[0].diskimage: diskimage "debian" is not in this provider's diskimages (line 16)`,
      'providers[0].diskimages[1].name: diskimage "unbuilt" is not in the top-level diskimages (line 19)',
    ]);
  });

  it("diskimages: the provider's entry over the top-level one over its parents, Nodepool's defaults last", () => {
    const text = `${MINIMAL}    diskimages:
      - name: ubuntu
        python-path: /usr/bin/python3
      - name: windows
        connection-type: winrm
        username: Administrator
diskimages:
  - name: base
    abstract: true
    username: ci
    shell-type: sh
  - name: ubuntu
    parent: base
    python-path: /usr/libexec/python
    pause: true
  - name: windows
`.replace('cloud-image: image\n', 'diskimage: ubuntu\n');
    const config = loadConfig({ text }, options());
    expect([...config.diskimages.keys()]).toEqual(['ubuntu', 'windows']);
    const provider = config.providers.get('fake-1')!;
    expect(provider.pools.get('main')!.labels.get('small')).toMatchObject({ diskimage: 'ubuntu', unavailable: undefined });
    expect(provider.diskimages.get('ubuntu')).toEqual({
      name: 'ubuntu', username: 'ci', pythonPath: '/usr/bin/python3', shellType: 'sh', connectionType: 'ssh', connectionPort: 22, pause: false, settings: {},
    });
    expect(provider.diskimages.get('windows')).toMatchObject({ username: 'Administrator', pythonPath: 'auto', shellType: undefined, connectionType: 'winrm', connectionPort: 5986 });
    expect(config.diskimages.get('ubuntu')!.pause).toBe(true);
  });

  it('a top level that is not a mapping', () => {
    expect(problems('')).toEqual(['expected a mapping, got nothing']);
    expect(problems('- a\n- b\n')).toEqual(['expected a mapping, got a list']);
  });
});

describe('environment substitution while loading', () => {
  it('substitutes NODEPOOL_* variables', () => {
    const text = MINIMAL.replace('host: zk.example.com', "host: '%(NODEPOOL_ZK_HOST)s'");
    const config = loadConfig({ text }, options({ env: { NODEPOOL_ZK_HOST: 'zk-prod.example.com' } }));
    expect(config.zookeeperServers[0]!.host).toBe('zk-prod.example.com');
  });

  it('reports an unset variable once, at its key', () => {
    const text = MINIMAL.replace('max-servers: 3', "max-servers: '%(NODEPOOL_MAX)s'");
    expect(problems(text)).toEqual(['providers[0].pools[0].max-servers: environment variable NODEPOOL_MAX is not set (line 13)']);
  });

  it('never echoes a value that came from the environment', () => {
    const text = MINIMAL.replace('max-servers: 3', "max-servers: '%(NODEPOOL_MAX)s'");
    expect(problems(text, { env: { NODEPOOL_MAX: 'token-5ecr3t' } })).toEqual([
      'providers[0].pools[0].max-servers: expected a number, got a string (value not shown) (line 13)',
    ]);
  });
});

describe('provider fingerprint', () => {
  const fingerprint = (text: string) => (loadConfig({ text }, options()).providers.get('fake-1') as FakeProviderConfig).fingerprint;

  it('does not depend on the order of keys', () => {
    const reordered = MINIMAL.replace('  - name: fake-1\n    driver: fake\n', '  - driver: fake\n    name: fake-1\n');
    expect(reordered).not.toBe(MINIMAL);
    expect(fingerprint(reordered)).toBe(fingerprint(MINIMAL));
  });

  it('changes with any value, and with the order of list entries', () => {
    const base = fingerprint(MINIMAL);
    expect(fingerprint(MINIMAL.replace('max-servers: 3', 'max-servers: 4'))).not.toBe(base);
    expect(fingerprint(MINIMAL.replace('driver: fake', 'driver: fake\n    rate: 5'))).not.toBe(base);
    const twoImages = MINIMAL.replace('      - name: image\n', '      - name: image\n      - name: other\n');
    const swapped = MINIMAL.replace('      - name: image\n', '      - name: other\n      - name: image\n');
    expect(fingerprint(twoImages)).not.toBe(fingerprint(swapped));
  });

  it('is a hash, so it holds no value in clear', () => {
    expect(fingerprint(MINIMAL)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('validateConfig with a broken provider', () => {
  const broken = `${MINIMAL}  - name: fake-2
    driver: fake
    pools:
      - name: main
        max-servers: ten
`;

  it('offers the configuration with the valid providers when only provider entries are broken', () => {
    const result = validateConfig({ text: broken }, options());
    expect(result.config).toBeUndefined();
    expect(result.issues.map((i) => i.path.slice(0, 2))).toEqual([['providers', 1]]);
    expect(result.partial?.brokenProviders).toEqual([{ index: 1, name: 'fake-2' }]);
    expect([...result.partial!.config.providers.keys()]).toEqual(['fake-1']);
  });

  it('offers nothing when a problem lies outside the providers', () => {
    const result = validateConfig({ text: broken.replace('labels:\n  - name: small', 'labels:\n  - name: small\n    min-ready: many') }, options());
    expect(result.partial).toBeUndefined();
  });
});

describe('environment substitution on the raw text', () => {
  it('reads an unquoted reference as the YAML value it becomes (a number here)', () => {
    const text = MINIMAL.replace('max-servers: 3', 'max-servers: %(NODEPOOL_MAX)');
    const config = loadConfig({ text }, options({ env: { NODEPOOL_MAX: '12' } }));
    expect(config.providers.get('fake-1')!.pools.get('main')!.limits.toJSON()).toEqual({ instances: 12 });
  });
});

describe('YAML that must be refused, naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloudpool-yaml-'));

  it('refuses aliases that expand exponentially ("billion laughs"), naming the file', () => {
    let text = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n';
    for (let level = 0, previous = 'a'; level < 9; level++, previous = `l${level - 1}`) {
      text += `l${level}: &l${level} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
    }
    const path = join(dir, 'bomb.yaml');
    writeFileSync(path, text);
    expect(() => loadConfig({ path }, options())).toThrow(ConfigError);
    expect(() => loadConfig({ path }, options())).toThrow(new RegExp(`^${path} is invalid \\(1 problem\\):\\n  YAML refused: Excessive alias count`));
  });

  it('refuses a key set twice in one mapping, naming both lines', () => {
    const path = join(dir, 'twice.yaml');
    writeFileSync(path, MINIMAL.replace('max-servers: 3', 'max-servers: 3\n        max-servers: 30'));
    expect(() => loadConfig({ path }, options())).toThrow(/providers\[0\]\.pools\[0\]\.max-servers: duplicate key \(first set on line 13\) \(line 14\)/);
  });
});

describe('zookeeper-servers chroot', () => {
  const servers = (a: string, b: string) => MINIMAL.replace('  - host: zk.example.com', `  - host: zk1.example.com\n${a}  - host: zk2.example.com\n${b}`);

  it('is the ensemble’s: named the same on every entry, or on some, it applies to every server', () => {
    for (const [a, b] of [['    chroot: /nodepool\n', '    chroot: /nodepool\n'], ['', '    chroot: /nodepool\n']]) {
      const config = loadConfig({ text: servers(a!, b!) }, options());
      expect(config.zookeeperServers.map((s) => s.chroot)).toEqual(['/nodepool', '/nodepool']);
    }
  });

  it('refuses entries naming different chroots, at the offending entry', () => {
    expect(problems(servers('    chroot: /a\n', '    chroot: /b\n'))).toEqual([
      `zookeeper-servers[1].chroot: chroot "/b" differs from zookeeper-servers[0]'s ("/a"): the ensemble has one chroot (line 6)`,
    ]);
  });
});
