import { CreateFleetCommand, CreateLaunchTemplateCommand, DescribeInstancesCommand, type CreateFleetCommandInput } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf, startEc2TestBed, UBUNTU_JAMMY_AMD64, type Ec2TestBed } from './ec2-test-kit.js';

describe('EC2 simulator: launch templates and instant fleets', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  const template = (name = 'ci-template') =>
    bed.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { KeyName: 'zuul', SecurityGroupIds: ['sg-0123456789abcdef0'] } }));
  const fleet = (overrides: Partial<CreateFleetCommandInput> = {}) =>
    bed.ec2.send(
      new CreateFleetCommand({
        Type: 'instant',
        LaunchTemplateConfigs: [
          {
            LaunchTemplateSpecification: { LaunchTemplateName: 'ci-template', Version: '$Latest' },
            Overrides: [
              { InstanceType: 'q9.none' as 'm5.large', ImageId: UBUNTU_JAMMY_AMD64, Priority: 0 },
              { InstanceType: 'm5.large', ImageId: UBUNTU_JAMMY_AMD64, Priority: 1 },
            ],
          },
        ],
        TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: 'on-demand' },
        OnDemandOptions: { AllocationStrategy: 'prioritized' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'ci' }] }],
        ...overrides,
      }),
    );

  it('launches from the template and the overrides in priority order, reporting failed overrides in Errors', async () => {
    const { LaunchTemplate } = await template();
    expect(LaunchTemplate).toMatchObject({ LaunchTemplateName: 'ci-template', DefaultVersionNumber: 1, LatestVersionNumber: 1 });
    expect(LaunchTemplate?.LaunchTemplateId).toMatch(/^lt-[0-9a-f]{17}$/);
    const output = await fleet();
    expect(output.FleetId).toMatch(/^fleet-/);
    expect(output.Errors).toEqual([expect.objectContaining({ ErrorCode: 'InvalidParameterValue', Lifecycle: 'on-demand' })]);
    expect(output.Instances).toHaveLength(1);
    expect(output.Instances?.[0]).toMatchObject({ InstanceType: 'm5.large', Lifecycle: 'on-demand' });
    const instanceId = output.Instances![0]!.InstanceIds![0]!;
    const [instance] = (await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances!;
    expect(instance).toMatchObject({ KeyName: 'zuul', SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0' }], Tags: [{ Key: 'team', Value: 'ci' }] });
  });

  it('refuses what the API reference calls invalid', async () => {
    await template();
    expect((await rejectionOf(template())).name).toBe('InvalidLaunchTemplateName.AlreadyExistsException');
    expect((await rejectionOf(fleet({ Type: 'maintain' }))).name).toBe('Unsupported');
    expect((await rejectionOf(fleet({ OnDemandOptions: { AllocationStrategy: 'capacity-optimized' as 'prioritized' } }))).name).toBe('InvalidParameterValue');
    const unknown = fleet({ LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: 'nope', Version: '$Latest' }, Overrides: [{ InstanceType: 'm5.large' }] }] });
    expect((await rejectionOf(unknown)).name).toBe('InvalidLaunchTemplateName.NotFoundException');
    expect((await rejectionOf(fleet({ TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'a', Value: 'b' }] }] }))).name).toBe(
      'InvalidParameterValue',
    );
  });
});
