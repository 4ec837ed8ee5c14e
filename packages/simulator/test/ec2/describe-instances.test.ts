import { CreateTagsCommand, DescribeInstancesCommand, paginateDescribeInstances, type DescribeInstancesCommandInput } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf, startEc2TestBed, type Ec2TestBed } from './ec2-test-kit.js';

describe('EC2 simulator: DescribeInstances', () => {
  let bed: Ec2TestBed;
  beforeEach(async () => {
    bed = await startEc2TestBed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  async function listIds(input: DescribeInstancesCommandInput): Promise<{ ids: string[]; pages: number[] }> {
    const ids: string[] = [];
    const pages: number[] = [];
    let NextToken: string | undefined;
    do {
      const page = await bed.ec2.send(new DescribeInstancesCommand({ ...input, NextToken }));
      const instances = page.Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
      ids.push(...instances.map((instance) => instance.InstanceId as string));
      pages.push(instances.length);
      NextToken = page.NextToken;
    } while (NextToken);
    return { ids, pages };
  }

  it('pages through 1,500 tagged instances with a tag filter, each exactly once in launch order', async () => {
    const ours = bed.sim.seedInstances(1_000, { 'cloudpool-provider': 'east' });
    bed.sim.seedInstances(700, { 'cloudpool-provider': 'west' });
    ours.push(...bed.sim.seedInstances(500, { 'cloudpool-provider': 'east' }));

    const { ids, pages } = await listIds({ Filters: [{ Name: 'tag:cloudpool-provider', Values: ['east'] }], MaxResults: 400 });
    expect(pages).toEqual([400, 400, 400, 300]);
    expect(ids).toEqual(ours);
  });

  it('never pages beyond the maxPageSize knob, whatever MaxResults asks', async () => {
    bed.sim.setKnobs({ maxPageSize: 250 });
    bed.sim.seedInstances(600, { team: 'ci' });
    const { pages } = await listIds({ Filters: [{ Name: 'tag-key', Values: ['team'] }], MaxResults: 1000 });
    expect(pages).toEqual([250, 250, 100]);
    const unasked = await listIds({});
    expect(unasked.pages).toEqual([250, 250, 100]);
  });

  it('works with the SDK paginator', async () => {
    const seeded = bed.sim.seedInstances(120, { pool: 'small' });
    const ids: string[] = [];
    for await (const page of paginateDescribeInstances({ client: bed.ec2, pageSize: 50 }, { Filters: [{ Name: 'tag:pool', Values: ['small'] }] })) {
      for (const reservation of page.Reservations ?? []) for (const instance of reservation.Instances ?? []) ids.push(instance.InstanceId as string);
    }
    expect(ids).toEqual(seeded);
  });

  it('combines filters: tags with wildcards, tag keys, state and ids', async () => {
    const [running] = bed.sim.seedInstances(1, { 'cloudpool-provider': 'east-1', role: 'ci' });
    const [terminated] = bed.sim.seedInstances(1, { 'cloudpool-provider': 'east-2', role: 'ci' }, { state: 'terminated' });
    bed.sim.seedInstances(1, { 'cloudpool-provider': 'west-1' });

    const byWildcard = await listIds({ Filters: [{ Name: 'tag:cloudpool-provider', Values: ['east-*'] }] });
    expect(byWildcard.ids).toEqual([running, terminated]);
    const live = await listIds({
      Filters: [
        { Name: 'tag-key', Values: ['role'] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ],
    });
    expect(live.ids).toEqual([running]);
    const byId = await listIds({ Filters: [{ Name: 'instance-id', Values: [terminated as string] }] });
    expect(byId.ids).toEqual([terminated]);
    const none = await listIds({ Filters: [{ Name: 'tag:cloudpool-provider', Values: ['north'] }] });
    expect(none.ids).toEqual([]);
  });

  it('finds instances by their new tags after CreateTags, and no longer by the old values', async () => {
    const [id] = bed.sim.seedInstances(1, { state: 'old' });
    await bed.ec2.send(new CreateTagsCommand({ Resources: [id as string], Tags: [{ Key: 'state', Value: 'new' }, { Key: 'extra', Value: '' }] }));
    expect((await listIds({ Filters: [{ Name: 'tag:state', Values: ['old'] }] })).ids).toEqual([]);
    expect((await listIds({ Filters: [{ Name: 'tag:state', Values: ['new'] }] })).ids).toEqual([id]);
    const answer = await bed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id as string] }));
    expect(answer.Reservations?.[0]?.Instances?.[0]?.Tags).toEqual([
      { Key: 'state', Value: 'new' },
      { Key: 'extra', Value: '' },
    ]);
  });

  it('groups instances by reservation', async () => {
    bed.sim.seedInstances(3, { batch: 'a' });
    bed.sim.seedInstances(2, { batch: 'b' });
    const answer = await bed.ec2.send(new DescribeInstancesCommand({}));
    expect(answer.Reservations?.map((reservation) => reservation.Instances?.length)).toEqual([3, 2]);
  });

  it.each([
    [{ InstanceIds: ['i-0123456789abcdef0'] }, 'InvalidInstanceID.NotFound'],
    [{ InstanceIds: ['web-1'] }, 'InvalidInstanceID.Malformed'],
    [{ Filters: [{ Name: 'colour', Values: ['red'] }] }, 'InvalidParameterValue'],
    [{ NextToken: 'not-a-token' }, 'InvalidParameterValue'],
    [{ MaxResults: 2 }, 'InvalidParameterValue'],
    [{ MaxResults: 5, InstanceIds: ['i-0123456789abcdef0'] }, 'InvalidParameterCombination'],
  ] satisfies Array<[DescribeInstancesCommandInput, string]>)('refuses %j with %s', async (input, code) => {
    const error = await rejectionOf(bed.ec2.send(new DescribeInstancesCommand(input)));
    expect(error.name).toBe(code);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});
