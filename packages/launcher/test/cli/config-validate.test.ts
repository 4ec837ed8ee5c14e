import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeDriver, makeTestPki } from '@cloudpool/common/testing';
import { describe, expect, it } from 'vitest';
import { fakeProvider, label } from '../support/launcher-harness.js';
import { cloudpool, useTempDir } from './cli-test-kit.js';

const drivers = new Map([['fake', new FakeDriver()]]);

const GOOD = `zookeeper-servers:
  - host: 127.0.0.1
labels:
  - name: small
  - name: medium
providers:
${fakeProvider('fake-a', `      - name: main\n        labels:\n${label('small')}${label('medium')}`, '    rate: 50\n')}
  - name: os-cloud
    cloud: devstack
    rate: 0.5
    cloud-images:
      - name: ubuntu
        image-name: ubuntu-jammy
        username: ubuntu
    pools:
      - name: main
        labels:
          - name: small
            cloud-image: ubuntu
            flavor-name: m1.small
`;

const BROKEN = `zookeeper-servers:
  - host: 127.0.0.1
labels:
  - name: small
providers:
  - name: fake-a
    driver: fake
    pools:
      - name: main
        max-servers: ten
        labels:
          - name: small
  - name: mystery
    driver: nonesuch
`;

describe('config-validate', () => {
  const tempDir = useTempDir();
  const write = async (text: string) => {
    const file = path.join(tempDir(), 'nodepool.yaml');
    await writeFile(file, text);
    return file;
  };

  it("accepts a valid file and shows each provider's driver and effective requests per second", async () => {
    const file = await write(GOOD);
    const { code, stdout, stderr } = await cloudpool(['config-validate', '-c', file], { drivers });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`${file} is valid\n`);
    expect(stdout).toMatch(/\| fake-a +\| fake +\| main +\| small,medium \| fake rate 50 \(requests per second\) = 50 requests\/s +\|/);
    expect(stdout).toMatch(/\| os-cloud \| openstack \| main +\| small +\| openstack rate 0\.5 \(seconds between calls\) = 2 requests\/s \|/);
  });

  it('lists every problem with its path and line, exits 1, and says so on one line of stderr', async () => {
    const file = await write(BROKEN);
    const { code, stdout, stderr } = await cloudpool(['config-validate', '-c', file], { drivers });
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}: 3 problems\n`);
    expect(stdout).toMatch(/ {2}providers\[0\]\.pools\[0\]\.max-servers: .* \(line 10\)\n/);
    expect(stdout).toContain('  providers[0].pools[0].labels[0]: one of cloud-image, diskimage is required (line 12)\n');
    expect(stdout).toMatch(/ {2}providers\[1\]\.driver: unknown driver "nonesuch" .* \(line 14\)\n/);
    expect(stderr).toBe(`cloudpool: ${file} is invalid: 3 problems\n`);

    const json = await cloudpool(['config-validate', '-c', file, '--json'], { drivers });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      issues: [
        { path: 'providers[0].pools[0].max-servers', line: 10 },
        { path: 'providers[0].pools[0].labels[0]', line: 12 },
        { path: 'providers[1].driver', line: 14 },
      ],
    });
  });

  it('makes every other command fail on a broken file with one line naming the problems and their lines', async () => {
    const file = await write(BROKEN);
    const { code, stdout, stderr } = await cloudpool(['list', '-c', file], { drivers });
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    const [line, ...rest] = stderr.split('\n');
    expect(rest).toEqual(['']);
    expect(line).toMatch(new RegExp(`^cloudpool: ${file} is invalid: providers\\[0\\].pools\\[0\\].max-servers: .*\\(line 10\\); `));
    expect(line).toMatch(/; providers\[0\]\.pools\[0\]\.labels\[0\]: one of cloud-image, diskimage .*\(line 12\); providers\[1\]\.driver: .*\(line 14\)$/);
  });

  it('reads the zookeeper-tls files: each one missing, not PEM or expired is a problem at its setting and line', async () => {
    const pki = await makeTestPki();
    try {
      const withTls = (tls: { cert: string; key: string; ca: string }) =>
        GOOD.replace('labels:\n', `zookeeper-tls:\n  cert: ${tls.cert}\n  key: ${tls.key}\n  ca: ${tls.ca}\nlabels:\n`);
      const good = await write(withTls(pki.client));
      const valid = await cloudpool(['config-validate', '-c', good], { drivers });
      expect({ code: valid.code, stderr: valid.stderr }).toEqual({ code: 0, stderr: '' });
      expect(valid.stdout).toContain(`${good} is valid\n`);

      const expired = await pki.ca.issue('expired-client', { days: -1 });
      const missingCa = path.join(pki.dir, 'missing-ca.pem');
      const notPemKey = path.join(pki.dir, 'not-a-key.pem');
      await writeFile(notPemKey, 'not a key\n');
      const bad = await write(withTls({ cert: expired.cert, key: notPemKey, ca: missingCa }));
      const { code, stdout } = await cloudpool(['config-validate', '-c', bad], { drivers });
      expect(code).toBe(1);
      expect(stdout).toContain(`${bad}: 3 problems\n`);
      expect(stdout).toMatch(new RegExp(`  zookeeper-tls\\.cert: ${expired.cert} holds a certificate \\(CN=expired-client\\) that expired on .* \\(line 4\\)\n`));
      expect(stdout).toContain(`  zookeeper-tls.key: ${notPemKey} holds no PEM private key (line 5)\n`);
      expect(stdout).toContain(`  zookeeper-tls.ca: cannot read ${missingCa} (ENOENT) (line 6)\n`);
    } finally {
      await pki.remove();
    }
  });
});
