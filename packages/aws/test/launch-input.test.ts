import { describe, expect, it } from 'vitest';
import { clientToken, runInstancesInput } from '../src/create-node.js';
import { rootVolumeMapping } from '../src/root-volume.js';
import { labelSettings, poolSettings } from '../src/testing/provider-fixture.js';

// The simulator ignores `NetworkInterface.N` of RunInstances; this is what EC2 is sent.
describe('runInstancesInput', () => {
  const image = {
    imageId: 'ami-0123456789abcdef0',
    rootDevice: { DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0123456789abcdef0', VolumeSize: 8, VolumeType: 'gp3' as const, DeleteOnTermination: true } },
  };
  const base = { instanceType: 'm6i.large', image, tags: { nodepool_node_id: '0000000001' }, clientToken: 'token' };

  it("puts the pool's network settings on the primary interface", () => {
    const input = runInstancesInput({
      ...base,
      label: labelSettings(),
      pool: poolSettings({ subnetId: 'subnet-1', securityGroupId: 'sg-1', publicIpv4: false, publicIpv6: true }),
      az: 'us-east-1b',
    });
    expect(input.NetworkInterfaces).toEqual([
      { DeviceIndex: 0, AssociatePublicIpAddress: false, DeleteOnTermination: true, SubnetId: 'subnet-1', Groups: ['sg-1'], Ipv6AddressCount: 1 },
    ]);
    expect(input).not.toHaveProperty('SubnetId');
    expect(input.Placement).toEqual({ AvailabilityZone: 'us-east-1b' });
  });

  it("maps the label's launch options", () => {
    const label = labelSettings({
      volumeType: 'io2',
      volumeSize: 100,
      iops: 4000,
      userdata: '#cloud-config\n',
      iamInstanceProfile: { arn: 'arn:aws:iam::123456789012:instance-profile/ci' },
      imdsv2: 'required',
      ebsOptimized: true,
      useSpot: true,
    });
    const input = runInstancesInput({ ...base, label, rootVolume: rootVolumeMapping('big', image, label), pool: poolSettings() });
    expect(input).toMatchObject({
      MinCount: 1,
      MaxCount: 1,
      ClientToken: 'token',
      EbsOptimized: true,
      UserData: Buffer.from('#cloud-config\n').toString('base64'),
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/ci' },
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
      InstanceMarketOptions: { MarketType: 'spot' },
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true, SnapshotId: 'snap-0123456789abcdef0', VolumeSize: 100, VolumeType: 'io2', Iops: 4000 } },
      ],
    });
    expect(input.TagSpecifications?.map((specification) => specification.ResourceType)).toEqual([
      'instance',
      'volume',
      'network-interface',
      'spot-instances-request',
    ]);
  });

  it('derives the ClientToken from installation, provider, node record (id and nonce) and attempt', () => {
    const attempt = { systemId: 'sys', providerName: 'ec2', nodeId: '0000000042', nonce: '5f0c1d2e3a4b5c6d', attempt: 1 };
    expect(clientToken(attempt)).toBe(clientToken({ ...attempt }));
    expect(clientToken(attempt)).toMatch(/^[\x20-\x7e]{1,64}$/);
    for (const change of [{ attempt: 2 }, { nodeId: '0000000043' }, { providerName: 'ec2-west' }, { systemId: 'other' }, { nonce: '0000000000000000' }]) {
      expect(clientToken({ ...attempt, ...change })).not.toBe(clientToken(attempt));
    }
  });
});
