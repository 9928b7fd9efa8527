import * as fs from 'node:fs'
import * as path from 'node:path'

import {
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstances,
  waitUntilImageAvailable,
  waitUntilInstanceRunning,
  waitUntilInstanceTerminated,
  type DescribeInstancesCommandInput,
  type EC2Client,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2'

import {DURATIONS} from '../../../src/sandbox/durations'
import {manualSandbox, removeTempStateDirs, sandboxClients, tempStateDir} from './clients'

const PLATFORM_AMI_NAME = 'aws-elasticbeanstalk-amzn-2023*x86_64-php83*'

async function platformImageId(ec2: EC2Client): Promise<string> {
  const {Images} = await ec2.send(
    new DescribeImagesCommand({Owners: ['amazon'], Filters: [{Name: 'name', Values: [PLATFORM_AMI_NAME]}]}),
  )
  expect(Images).toHaveLength(1)
  return Images?.[0].ImageId ?? ''
}

async function launch(ec2: EC2Client, extra: Partial<RunInstancesCommandInput> = {}): Promise<string> {
  const reservation = await ec2.send(
    new RunInstancesCommand({ImageId: await platformImageId(ec2), MinCount: 1, MaxCount: 1, InstanceType: 't3.small', ...extra}),
  )
  return reservation.Instances?.[0].InstanceId ?? ''
}

async function stateOf(ec2: EC2Client, instanceId: string): Promise<string | undefined> {
  const {Reservations} = await ec2.send(new DescribeInstancesCommand({InstanceIds: [instanceId]}))
  return Reservations?.[0].Instances?.[0].State?.Name
}

/**
 * Waiters sleep real time: the smallest delays, with simulated time running
 * 10 000 times faster (1 real ms = 10 simulated s). Not faster: a terminated
 * instance vanishes after a simulated hour (360 real ms here), and a slow poll
 * on a busy machine must not miss it.
 */
const FAST_WAITER = {minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 10}
const WAITER_SPEED = 1e4

afterAll(removeTempStateDirs)

describe('sandbox EC2: a fresh account', () => {
  it('has a default VPC, a default subnet per AZ, the default group and amazon platform AMIs', async () => {
    const {ec2} = manualSandbox()
    const {Vpcs} = await ec2.send(new DescribeVpcsCommand({Filters: [{Name: 'is-default', Values: ['true']}]}))
    expect(Vpcs).toEqual([expect.objectContaining({CidrBlock: '172.31.0.0/16', IsDefault: true, VpcId: expect.stringMatching(/^vpc-[0-9a-f]{17}$/)})])
    const vpcId = Vpcs?.[0].VpcId ?? ''
    const {Subnets} = await ec2.send(new DescribeSubnetsCommand({Filters: [{Name: 'vpc-id', Values: [vpcId]}]}))
    expect(Subnets?.map((subnet) => subnet.AvailabilityZone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c'])
    expect(Subnets?.every((subnet) => subnet.DefaultForAz && /^subnet-[0-9a-f]{17}$/.test(subnet.SubnetId ?? ''))).toBe(true)
    const {SecurityGroups} = await ec2.send(new DescribeSecurityGroupsCommand({GroupNames: ['default']}))
    expect(SecurityGroups?.[0]).toMatchObject({GroupName: 'default', VpcId: vpcId})
    const {Images} = await ec2.send(new DescribeImagesCommand({Owners: ['amazon']}))
    expect(Images?.length).toBeGreaterThanOrEqual(3)
    expect(Images?.every((image) => image.State === 'available' && image.ImageOwnerAlias === 'amazon')).toBe(true)
  })

  it('gives the same ids to every fresh state', async () => {
    const first = await manualSandbox().ec2.send(new DescribeVpcsCommand({}))
    const second = await manualSandbox().ec2.send(new DescribeVpcsCommand({}))
    expect(first.Vpcs?.[0].VpcId).toBe(second.Vpcs?.[0].VpcId)
  })
})

describe('sandbox EC2: instances', () => {
  it('goes pending → running on the simulated clock', async () => {
    const {ec2, clock} = manualSandbox()
    const id = await launch(ec2)
    expect(id).toMatch(/^i-[0-9a-f]{17}$/)
    expect(await stateOf(ec2, id)).toBe('pending')
    clock.advance(DURATIONS.instancePending - 1)
    expect(await stateOf(ec2, id)).toBe('pending')
    clock.advance(1)
    expect(await stateOf(ec2, id)).toBe('running')
  })

  it('terminates through shutting-down, stays visible for an hour, then is gone', async () => {
    const {ec2, clock} = manualSandbox()
    const id = await launch(ec2)
    clock.advance(DURATIONS.instancePending)
    const {TerminatingInstances} = await ec2.send(new TerminateInstancesCommand({InstanceIds: [id]}))
    expect(TerminatingInstances?.[0]).toMatchObject({PreviousState: {Name: 'running', Code: 16}, CurrentState: {Name: 'shutting-down', Code: 32}})
    clock.advance(DURATIONS.instanceShuttingDown)
    expect(await stateOf(ec2, id)).toBe('terminated')
    clock.advance(DURATIONS.terminatedVisible)
    await expect(stateOf(ec2, id)).rejects.toMatchObject({name: 'InvalidInstanceID.NotFound'})
  })

  it('keeps tags, metadata options and the default group from RunInstances', async () => {
    const {ec2} = manualSandbox()
    const id = await launch(ec2, {
      TagSpecifications: [{ResourceType: 'instance', Tags: [{Key: 'hactl:role', Value: 'seed'}]}],
      MetadataOptions: {HttpTokens: 'required', InstanceMetadataTags: 'enabled'},
    })
    const {Reservations} = await ec2.send(new DescribeInstancesCommand({InstanceIds: [id]}))
    const instance = Reservations?.[0].Instances?.[0]
    expect(instance?.Tags).toEqual([{Key: 'hactl:role', Value: 'seed'}])
    expect(instance?.MetadataOptions).toMatchObject({HttpTokens: 'required', InstanceMetadataTags: 'enabled', State: 'applied'})
    expect(instance?.SecurityGroups?.[0].GroupName).toBe('default')
    expect(instance?.PrivateIpAddress).toMatch(/^172\.31\./)
  })

  it('defaults HttpTokens to optional, like AWS, and applies a change after a few seconds', async () => {
    const {ec2, clock} = manualSandbox()
    const id = await launch(ec2)
    const {Reservations} = await ec2.send(new DescribeInstancesCommand({InstanceIds: [id]}))
    expect(Reservations?.[0].Instances?.[0].MetadataOptions?.HttpTokens).toBe('optional')
    const modified = await ec2.send(new ModifyInstanceMetadataOptionsCommand({InstanceId: id, HttpTokens: 'required'}))
    expect(modified.InstanceMetadataOptions).toMatchObject({HttpTokens: 'required', State: 'pending'})
    clock.advance(DURATIONS.metadataOptionsApply)
    const after = await ec2.send(new DescribeInstancesCommand({InstanceIds: [id]}))
    expect(after.Reservations?.[0].Instances?.[0].MetadataOptions).toMatchObject({HttpTokens: 'required', State: 'applied'})
  })

  it('answers an unknown instance id with InvalidInstanceID.NotFound and AWS wording', async () => {
    const {ec2} = manualSandbox()
    await expect(ec2.send(new DescribeInstancesCommand({InstanceIds: ['i-0123456789abcdef0']}))).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
      $fault: 'client',
      $metadata: {httpStatusCode: 400},
    })
  })

  it('answers DryRun with DryRunOperation and launches nothing', async () => {
    const {ec2} = manualSandbox()
    await expect(launch(ec2, {DryRun: true})).rejects.toMatchObject({name: 'DryRunOperation', $metadata: {httpStatusCode: 412}})
    const {Reservations} = await ec2.send(new DescribeInstancesCommand({}))
    expect(Reservations).toEqual([])
  })

  it('answers a malformed instance id with InvalidInstanceID.Malformed', async () => {
    const {ec2} = manualSandbox()
    await expect(ec2.send(new TerminateInstancesCommand({InstanceIds: ['seed-box']}))).rejects.toMatchObject({
      name: 'InvalidInstanceID.Malformed',
      message: 'Invalid id: "seed-box"',
    })
  })

  it('answers unknown and malformed AMIs as EC2 does', async () => {
    const {ec2} = manualSandbox()
    await expect(ec2.send(new RunInstancesCommand({ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1}))).rejects.toMatchObject({
      name: 'InvalidAMIID.NotFound',
      message: "The image id '[ami-0123456789abcdef0]' does not exist",
    })
    await expect(ec2.send(new DescribeImagesCommand({ImageIds: ['ubuntu']}))).rejects.toMatchObject({name: 'InvalidAMIID.Malformed'})
  })

  it('launches once per ClientToken and rejects the token with other parameters', async () => {
    const {ec2} = manualSandbox()
    const imageId = await platformImageId(ec2)
    const request = {ImageId: imageId, MinCount: 1, MaxCount: 1, InstanceType: 't3.small' as const, ClientToken: 'seed-2026-01-01'}
    const first = await ec2.send(new RunInstancesCommand(request))
    const again = await ec2.send(new RunInstancesCommand(request))
    expect(again.Instances?.[0].InstanceId).toBe(first.Instances?.[0].InstanceId)
    expect(again.ReservationId).toBe(first.ReservationId)
    const all = await ec2.send(new DescribeInstancesCommand({}))
    expect(all.Reservations?.flatMap((reservation) => reservation.Instances ?? [])).toHaveLength(1)
    await expect(ec2.send(new RunInstancesCommand({...request, InstanceType: 't3.large'}))).rejects.toMatchObject({
      name: 'IdempotentParameterMismatch',
    })
  })

  it('filters by tag, tag-key, state and id', async () => {
    const {ec2, clock} = manualSandbox()
    const seed = await launch(ec2, {TagSpecifications: [{ResourceType: 'instance', Tags: [{Key: 'hactl:role', Value: 'seed'}]}]})
    const other = await launch(ec2)
    clock.advance(DURATIONS.instancePending)
    await ec2.send(new TerminateInstancesCommand({InstanceIds: [other]}))
    const ids = async (filters: DescribeInstancesCommandInput['Filters']): Promise<string[]> => {
      const {Reservations} = await ec2.send(new DescribeInstancesCommand({Filters: filters}))
      return Reservations?.flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId ?? '') ?? []
    }

    expect(await ids([{Name: 'tag:hactl:role', Values: ['seed']}])).toEqual([seed])
    expect(await ids([{Name: 'tag-key', Values: ['hactl:*']}])).toEqual([seed])
    expect(await ids([{Name: 'instance-state-name', Values: ['pending', 'running']}])).toEqual([seed])
    expect(await ids([{Name: 'instance-id', Values: [other]}])).toEqual([other])
    await expect(ids([{Name: 'colour', Values: ['blue']}])).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })

  it('pages DescribeInstances by MaxResults, and the SDK paginator walks every page', async () => {
    const {ec2} = manualSandbox()
    await ec2.send(new RunInstancesCommand({ImageId: await platformImageId(ec2), MinCount: 7, MaxCount: 7}))
    const first = await ec2.send(new DescribeInstancesCommand({MaxResults: 5}))
    expect(first.Reservations?.[0].Instances).toHaveLength(5)
    expect(first.NextToken).toBeDefined()
    const second = await ec2.send(new DescribeInstancesCommand({MaxResults: 5, NextToken: first.NextToken}))
    expect(second.Reservations?.[0].Instances).toHaveLength(2)
    expect(second.NextToken).toBeUndefined()
    const seen: string[] = []
    for await (const page of paginateDescribeInstances({client: ec2, pageSize: 5}, {})) {
      seen.push(...(page.Reservations?.flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId ?? '') ?? []))
    }

    expect(new Set(seen).size).toBe(7)
    await expect(ec2.send(new DescribeInstancesCommand({MaxResults: 2}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })

  it('reports status checks initializing, then ok — or impaired with the impaired fault', async () => {
    const {ec2, clock} = manualSandbox({faults: ['impaired:ec2:RunInstances*1']})
    const impaired = await launch(ec2)
    const healthy = await launch(ec2)
    clock.advance(DURATIONS.instancePending)
    const early = await ec2.send(new DescribeInstanceStatusCommand({InstanceIds: [healthy]}))
    expect(early.InstanceStatuses?.[0].InstanceStatus?.Status).toBe('initializing')
    clock.advance(DURATIONS.instanceStatusInitializing)
    const {InstanceStatuses} = await ec2.send(new DescribeInstanceStatusCommand({InstanceIds: [impaired, healthy]}))
    expect(InstanceStatuses?.map((status) => [status.InstanceId, status.InstanceStatus?.Status])).toEqual([
      [impaired, 'impaired'],
      [healthy, 'ok'],
    ])
  })
})

describe('sandbox EC2: images', () => {
  it('creates an image pending → available with a snapshot and tags, then deregisters it', async () => {
    const {ec2, clock} = manualSandbox()
    const instanceId = await launch(ec2)
    clock.advance(DURATIONS.instancePending)
    const {ImageId} = await ec2.send(
      new CreateImageCommand({
        InstanceId: instanceId,
        Name: 'hactl-site-20260101',
        TagSpecifications: [{ResourceType: 'image', Tags: [{Key: 'hactl:site', Value: 'site'}]}],
      }),
    )
    const describe = async () => (await ec2.send(new DescribeImagesCommand({ImageIds: [ImageId ?? '']}))).Images?.[0]
    expect(await describe()).toMatchObject({
      State: 'pending',
      Name: 'hactl-site-20260101',
      OwnerId: '123456789012',
      SourceInstanceId: instanceId,
      Tags: [{Key: 'hactl:site', Value: 'site'}],
      BlockDeviceMappings: [{DeviceName: '/dev/xvda', Ebs: {SnapshotId: expect.stringMatching(/^snap-[0-9a-f]{17}$/)}}],
    })
    clock.advance(DURATIONS.imagePending)
    expect((await describe())?.State).toBe('available')
    const own = await ec2.send(new DescribeImagesCommand({Owners: ['self'], Filters: [{Name: 'tag:hactl:site', Values: ['site']}]}))
    expect(own.Images?.map((image) => image.ImageId)).toEqual([ImageId])
    await expect(ec2.send(new CreateImageCommand({InstanceId: instanceId, Name: 'hactl-site-20260101'}))).rejects.toMatchObject({
      name: 'InvalidAMIName.Duplicate',
    })
    await ec2.send(new DeregisterImageCommand({ImageId}))
    await expect(describe()).rejects.toMatchObject({name: 'InvalidAMIID.NotFound'})
  })

  it('ends the image failed with the image-failed fault', async () => {
    const {ec2, clock} = manualSandbox({faults: ['image-failed:ec2:CreateImage']})
    const instanceId = await launch(ec2)
    clock.advance(DURATIONS.instancePending)
    const {ImageId} = await ec2.send(new CreateImageCommand({InstanceId: instanceId, Name: 'doomed'}))
    clock.advance(DURATIONS.imagePending)
    const {Images} = await ec2.send(new DescribeImagesCommand({ImageIds: [ImageId ?? '']}))
    expect(Images?.[0]).toMatchObject({State: 'failed', StateReason: {Code: 'Server.InternalError'}})
  })
})

describe('sandbox EC2: SDK waiters', () => {
  it('waitUntilInstanceRunning, waitUntilImageAvailable and waitUntilInstanceTerminated succeed', async () => {
    // Accelerated real time here, because the waiters sleep for real between polls.
    const {ec2} = sandboxClients({stateDir: tempStateDir(), speed: WAITER_SPEED})
    const instanceId = await launch(ec2)
    const running = await waitUntilInstanceRunning({client: ec2, ...FAST_WAITER}, {InstanceIds: [instanceId]})
    expect(running.state).toBe('SUCCESS')
    const {ImageId} = await ec2.send(new CreateImageCommand({InstanceId: instanceId, Name: 'waited-for'}))
    const available = await waitUntilImageAvailable({client: ec2, ...FAST_WAITER}, {ImageIds: [ImageId ?? '']})
    expect(available.state).toBe('SUCCESS')
    await ec2.send(new TerminateInstancesCommand({InstanceIds: [instanceId]}))
    const terminated = await waitUntilInstanceTerminated({client: ec2, ...FAST_WAITER}, {InstanceIds: [instanceId]})
    expect(terminated.state).toBe('SUCCESS')
  })

  it('waitUntilImageAvailable fails on a failed image, as against AWS', async () => {
    const {ec2} = sandboxClients({stateDir: tempStateDir(), speed: WAITER_SPEED, faults: ['image-failed:ec2:CreateImage']})
    const instanceId = await launch(ec2)
    await waitUntilInstanceRunning({client: ec2, ...FAST_WAITER}, {InstanceIds: [instanceId]})
    const {ImageId} = await ec2.send(new CreateImageCommand({InstanceId: instanceId, Name: 'doomed'}))
    await expect(waitUntilImageAvailable({client: ec2, ...FAST_WAITER}, {ImageIds: [ImageId ?? '']})).rejects.toThrow(/FAILURE/)
  })
})

describe('sandbox EC2: security groups and tags', () => {
  it('creates, authorizes, describes and deletes a group', async () => {
    const {ec2} = manualSandbox()
    const {GroupId} = await ec2.send(new CreateSecurityGroupCommand({GroupName: 'hactl-web', Description: 'web'}))
    expect(GroupId).toMatch(/^sg-[0-9a-f]{17}$/)
    await expect(ec2.send(new CreateSecurityGroupCommand({GroupName: 'hactl-web', Description: 'web'}))).rejects.toMatchObject({
      name: 'InvalidGroup.Duplicate',
    })
    const rule = {IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: '0.0.0.0/0'}]}
    const authorized = await ec2.send(new AuthorizeSecurityGroupIngressCommand({GroupId, IpPermissions: [rule]}))
    expect(authorized.Return).toBe(true)
    await expect(ec2.send(new AuthorizeSecurityGroupIngressCommand({GroupId, IpPermissions: [rule]}))).rejects.toMatchObject({
      name: 'InvalidPermission.Duplicate',
    })
    const {SecurityGroups} = await ec2.send(new DescribeSecurityGroupsCommand({GroupIds: [GroupId ?? '']}))
    expect(SecurityGroups?.[0].IpPermissions).toEqual([expect.objectContaining({IpProtocol: 'tcp', FromPort: 443, IpRanges: [{CidrIp: '0.0.0.0/0'}]})])
    await ec2.send(new DeleteSecurityGroupCommand({GroupId}))
    await expect(ec2.send(new DescribeSecurityGroupsCommand({GroupIds: [GroupId ?? '']}))).rejects.toMatchObject({name: 'InvalidGroup.NotFound'})
  })

  it('creates, describes and deletes tags', async () => {
    const {ec2} = manualSandbox()
    const id = await launch(ec2)
    await ec2.send(new CreateTagsCommand({Resources: [id], Tags: [{Key: 'Name', Value: 'seed'}, {Key: 'env', Value: 'prod'}]}))
    const {Tags} = await ec2.send(new DescribeTagsCommand({Filters: [{Name: 'resource-id', Values: [id]}]}))
    expect(Tags).toEqual([
      {Key: 'Name', Value: 'seed', ResourceId: id, ResourceType: 'instance'},
      {Key: 'env', Value: 'prod', ResourceId: id, ResourceType: 'instance'},
    ])
    await ec2.send(new DeleteTagsCommand({Resources: [id], Tags: [{Key: 'env', Value: 'dev'}, {Key: 'Name'}]}))
    const after = await ec2.send(new DescribeTagsCommand({Filters: [{Name: 'resource-id', Values: [id]}]}))
    expect(after.Tags?.map((tag) => tag.Key)).toEqual(['env'])
    await expect(ec2.send(new CreateTagsCommand({Resources: [id], Tags: [{Key: 'aws:x', Value: 'y'}]}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    })
  })
})

describe('sandbox: faults and retries', () => {
  it('throttles twice; the SDK retry strategy retries and the call succeeds on the third attempt', async () => {
    const {ec2} = manualSandbox({faults: ['throttle:ec2:DescribeVpcs*2']})
    const result = await ec2.send(new DescribeVpcsCommand({}))
    expect(result.Vpcs).toHaveLength(1)
    expect(result.$metadata.attempts).toBe(3)
  })

  it('surfaces RequestLimitExceeded when throttling outlasts the retries', async () => {
    const {ec2} = manualSandbox({faults: ['throttle:ec2:DescribeVpcs*9']})
    await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
      $metadata: {httpStatusCode: 503, attempts: 4},
    })
  })

  it('a fail fault surfaces the given code, and no state changes', async () => {
    const {ec2} = manualSandbox({faults: ['fail:ec2:RunInstances=InsufficientInstanceCapacity']})
    await expect(launch(ec2)).rejects.toMatchObject({
      name: 'InsufficientInstanceCapacity',
      message: expect.stringContaining('Injected fault'),
      $metadata: {httpStatusCode: 400, attempts: 1},
    })
    const {Reservations} = await ec2.send(new DescribeInstancesCommand({}))
    expect(Reservations).toEqual([])
  })

  it('a fail fault without a code is EC2 InternalError (500, retried by the SDK)', async () => {
    const {ec2} = manualSandbox({faults: ['fail:ec2:DescribeSubnets']})
    await expect(ec2.send(new DescribeSubnetsCommand({}))).rejects.toMatchObject({
      name: 'InternalError',
      $fault: 'server',
      $metadata: {httpStatusCode: 500, attempts: 4},
    })
  })
})

describe('sandbox: persistence', () => {
  it('a second sandbox on the same state directory sees the first one’s instance', async () => {
    const first = manualSandbox()
    const id = await launch(first.ec2)
    expect(fs.existsSync(path.join(first.stateDir, 'sandbox.json'))).toBe(true)
    const second = manualSandbox({stateDir: first.stateDir})
    expect(await stateOf(second.ec2, id)).toBe('pending')
  })

  it('reset() drops everything and recreates the fresh account', async () => {
    const {ec2, handle} = manualSandbox()
    const id = await launch(ec2)
    handle.reset()
    await expect(stateOf(ec2, id)).rejects.toMatchObject({name: 'InvalidInstanceID.NotFound'})
    const {Vpcs} = await ec2.send(new DescribeVpcsCommand({}))
    expect(Vpcs).toHaveLength(1)
  })

  it('runs simulated time on from the last write at the given speed', async () => {
    const stateDir = tempStateDir()
    const {ec2} = sandboxClients({stateDir, speed: 1e6})
    const id = await launch(ec2)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const later = sandboxClients({stateDir, speed: 1e6})
    expect(await stateOf(later.ec2, id)).toBe('running')
    expect(later.handle.clock.scale).toBe(1e6)
  })
})
