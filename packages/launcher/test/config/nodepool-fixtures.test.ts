import { describeIssue, validateConfig } from '@cloudpool/common';
import { openstackDriver } from '@cloudpool/openstack';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinDrivers } from '../../src/providers/drivers.js';

/**
 * Nodepool's own configuration fixtures (nodepool/tests/fixtures, see fixtures/nodepool/README.md),
 * filled in as Nodepool's tests fill them (setup_config: Python str.format over the raw text).
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/nodepool/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cloudpool-nodepool-fixtures-'));

/** The fields Nodepool's setup_config and the driver tests pass to str.format. */
const FIELDS: Record<string, string> = {
  images_dir: join(scratch, 'images'),
  build_log_dir: join(scratch, 'build-logs'),
  zookeeper_host: '127.0.0.1',
  zookeeper_port: '2181',
  zookeeper_chroot: '/nodepool_test/5b6c3a1e',
  zookeeper_ca: join(scratch, 'ca.pem'),
  zookeeper_cert: join(scratch, 'client.pem'),
  zookeeper_key: join(scratch, 'client.key'),
  // test_driver_aws.py: the subnet and security group moto created, and an instance profile's ARN.
  subnet_id: 'subnet-0b1c2d3e4f5a6b7c8',
  security_group_id: 'sg-0a1b2c3d4e5f6a7b8',
  instance_profile_arn: 'arn:aws:iam::123456789012:instance-profile/not-a-real-profile',
  // test_driver_azure.py: the fake Azure's credentials file.
  auth_path: join(scratch, 'azure.json'),
};

/** Python's str.format for `{name}` fields and `{{`/`}}` escapes, which is all the fixtures use. */
function pythonFormat(text: string, fields: Record<string, string>): string {
  return text.replace(/\{\{|\}\}|\{([a-z_]+)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const value = fields[name!];
    if (value === undefined) throw new Error(`no value for format field {${name}}`);
    return value;
  });
}

/** The fixture filled in, written to a file of its own (errors name that path). */
function setupConfig(name: string): string {
  const path = join(scratch, name.replaceAll('/', '__'));
  writeFileSync(path, pythonFormat(readFileSync(join(FIXTURES, name), 'utf8'), FIELDS));
  return path;
}

// Nodepool's tests run the OpenStack fixtures with driver `fake`: its OpenStack driver, with
// OpenStack's configuration, against a fake cloud. Loading needs only the configuration.
const drivers = new Map([...(await builtinDrivers()), ['fake', openstackDriver]]);
const validate = (path: string) => validateConfig({ path }, { drivers, env: {} });

/** Fixtures Nodepool's tests load and run. */
const ACCEPTED = [
  'aws/aws.yaml',
  'aws/aws-fleet.yaml',
  'aws/aws-fleet-old-template.yaml',
  'aws/aws-invalid.yaml', // the instance type fails at launch, not at load
  'aws/aws-limits.yaml',
  'aws/aws-min-ready.yaml',
  'aws/diskimage.yaml',
  'config_validate/aws-fleet-good.yaml',
  'azure.yaml',
  'node_auto_floating_ip.yaml',
  'node_boot_from_volume.yaml',
  'node_flavor_name.yaml',
  'node_ipv6.yaml',
  'node_max_ready_age.yaml',
  'node_quota_cloud.yaml',
  'node_two_provider.yaml',
  'node_unmanaged_image.yaml',
];

/** Fixtures Nodepool's tests expect to be refused, and the places the refusal must name. */
const REFUSED: Array<[string, string[]]> = [
  ['aws-bad-config-images.yaml', ['zookeeper-servers[1].host', 'providers[0].cloud-images[0]']],
  ['config_validate/aws-fleet-exclusive-error.yaml', ['providers[0].pools[0].labels[0].fleet']],
];

describe("Nodepool's own configuration fixtures", () => {
  it.each(ACCEPTED)('%s loads', (name) => {
    const result = validate(setupConfig(name));
    expect(result.issues.map(describeIssue), name).toEqual([]);
    expect(result.config?.providers.size).toBeGreaterThan(0);
  });

  it("aws/diskimage.yaml: the label boots the provider's diskimage, reached as the top-level entry says", () => {
    const provider = validate(setupConfig('aws/diskimage.yaml')).config!.providers.get('ec2-us-west-2')!;
    expect(provider.pools.get('main')!.labels.get('diskimage')).toMatchObject({ diskimage: 'fake-image', cloudImage: undefined, unavailable: undefined });
    expect(provider.diskimages.get('fake-image')).toMatchObject({ username: 'another_user', pythonPath: 'auto', connectionType: 'ssh', connectionPort: 22, pause: false });
  });

  it.each(REFUSED)('%s is refused, naming the offending paths', (name, paths) => {
    const result = validate(setupConfig(name));
    expect(result.config).toBeUndefined();
    const described = result.issues.map(describeIssue);
    for (const path of paths) expect(described.some((line) => line.startsWith(path))).toBe(true);
  });
});
