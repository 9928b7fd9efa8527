import {CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand} from '@aws-sdk/client-ec2'
import * as EFS from '@aws-sdk/client-efs'

import {DURATIONS} from '../../../src/sandbox/durations'
import type {SandboxOptions} from '../../../src/sandbox'
import {clientOn, manualSandbox, removeTempStateDirs, REGION} from './clients'

afterAll(removeTempStateDirs)

/** The sandbox's EC2 and ManualClock, plus a real EFS client on it (no retry backoff). */
function sandbox(options: Partial<SandboxOptions> = {}) {
  const base = manualSandbox(options)
  return {...base, efs: clientOn(base.handle, EFS.EFSClient, 'efs')}
}

async function availableFileSystem(s: ReturnType<typeof sandbox>, token = 'uploads-demo'): Promise<string> {
  const fs = await s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: token, Encrypted: true}))
  s.clock.advance(DURATIONS.efsCreating)
  return fs.FileSystemId!
}

async function defaultSubnets(s: ReturnType<typeof sandbox>) {
  const {Subnets} = await s.ec2.send(new DescribeSubnetsCommand({}))
  return Subnets!
}

describe('sandbox EFS file systems', () => {
  it('creates an encrypted file system: creating, then available after efsCreating', async () => {
    const s = sandbox()
    const created = await s.efs.send(
      new EFS.CreateFileSystemCommand({
        CreationToken: 'uploads-demo',
        Encrypted: true,
        ThroughputMode: 'elastic',
        Backup: true,
        Tags: [{Key: 'Name', Value: 'demo-uploads'}, {Key: 'hactl:site', Value: 'demo'}],
      }),
    )
    expect(created.FileSystemId).toMatch(/^fs-[0-9a-f]{17}$/)
    expect(created).toMatchObject({
      LifeCycleState: 'creating',
      Encrypted: true,
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'elastic',
      NumberOfMountTargets: 0,
      Name: 'demo-uploads',
      OwnerId: '123456789012',
      FileSystemArn: `arn:aws:elasticfilesystem:${REGION}:123456789012:file-system/${created.FileSystemId}`,
    })
    expect(created.KmsKeyId).toMatch(new RegExp(`^arn:aws:kms:${REGION}:123456789012:key/[0-9a-f-]{36}$`))
    expect(created.Tags).toEqual(expect.arrayContaining([{Key: 'hactl:site', Value: 'demo'}]))

    s.clock.advance(DURATIONS.efsCreating - 1)
    const still = await s.efs.send(new EFS.DescribeFileSystemsCommand({FileSystemId: created.FileSystemId}))
    expect(still.FileSystems?.[0].LifeCycleState).toBe('creating')
    s.clock.advance(1)
    const ready = await s.efs.send(new EFS.DescribeFileSystemsCommand({CreationToken: 'uploads-demo'}))
    expect(ready.FileSystems?.map((fs) => [fs.FileSystemId, fs.LifeCycleState])).toEqual([[created.FileSystemId, 'available']])
    const backup = await s.efs.send(new EFS.DescribeBackupPolicyCommand({FileSystemId: created.FileSystemId}))
    expect(backup.BackupPolicy?.Status).toBe('ENABLED')
  })

  it('answers a reused creation token with EFS.FileSystemAlreadyExists naming the file system', async () => {
    const s = sandbox()
    const first = await s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: 'tok'}))
    const error = await s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: 'tok'})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EFS.FileSystemAlreadyExists)
    expect(error).toMatchObject({name: 'FileSystemAlreadyExists', FileSystemId: first.FileSystemId, ErrorCode: 'FileSystemAlreadyExists', $metadata: {httpStatusCode: 409}})
  })

  it('checks throughput settings and a One Zone AZ', async () => {
    const s = sandbox()
    await expect(s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: 'a', ThroughputMode: 'provisioned'}))).rejects.toMatchObject({name: 'BadRequest'})
    await expect(s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: 'b', AvailabilityZoneName: 'mars-1a'}))).rejects.toMatchObject({
      name: 'UnsupportedAvailabilityZone',
    })
  })

  it('backup policy: DISABLED by default, PolicyNotFound for a One Zone file system without backup, PutBackupPolicy sets it', async () => {
    const s = sandbox()
    const regional = await availableFileSystem(s)
    expect((await s.efs.send(new EFS.DescribeBackupPolicyCommand({FileSystemId: regional}))).BackupPolicy?.Status).toBe('DISABLED')
    const put = await s.efs.send(new EFS.PutBackupPolicyCommand({FileSystemId: regional, BackupPolicy: {Status: 'ENABLED'}}))
    expect(put.BackupPolicy?.Status).toBe('ENABLED')
    const oneZone = await s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: 'oz', AvailabilityZoneName: `${REGION}a`, Backup: false}))
    await expect(s.efs.send(new EFS.DescribeBackupPolicyCommand({FileSystemId: oneZone.FileSystemId}))).rejects.toMatchObject({
      name: 'PolicyNotFound',
      $metadata: {httpStatusCode: 404},
    })
  })

  it('pages DescribeFileSystems with Marker / NextMarker', async () => {
    const s = sandbox()
    for (const token of ['a', 'b', 'c']) await s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: token}))
    const first = await s.efs.send(new EFS.DescribeFileSystemsCommand({MaxItems: 2}))
    expect(first.FileSystems).toHaveLength(2)
    expect(first.NextMarker).toBeDefined()
    const tokens: string[] = []
    for await (const page of EFS.paginateDescribeFileSystems({client: s.efs, pageSize: 1}, {})) tokens.push(...page.FileSystems!.map((fs) => fs.CreationToken!))
    expect(tokens).toEqual(['a', 'b', 'c'])
    await expect(s.efs.send(new EFS.DescribeFileSystemsCommand({Marker: 'junk'}))).rejects.toMatchObject({name: 'BadRequest'})
  })

  it('answers an unknown id with EFS.FileSystemNotFound (404)', async () => {
    const s = sandbox()
    const error = await s.efs.send(new EFS.DescribeFileSystemsCommand({FileSystemId: 'fs-0123456789abcdef0'})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EFS.FileSystemNotFound)
    expect(error).toMatchObject({$metadata: {httpStatusCode: 404}, message: "File system 'fs-0123456789abcdef0' does not exist."})
  })
})

describe('sandbox EFS mount targets', () => {
  it('refuses a mount target until the file system is available', async () => {
    const s = sandbox()
    const fs = await s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: 'early'}))
    const [subnet] = await defaultSubnets(s)
    await expect(s.efs.send(new EFS.CreateMountTargetCommand({FileSystemId: fs.FileSystemId, SubnetId: subnet.SubnetId}))).rejects.toMatchObject({
      name: 'IncorrectFileSystemLifeCycleState',
      $metadata: {httpStatusCode: 409},
    })
  })

  it('creates one per AZ in an EC2 subnet, with the VPC default group, creating → available', async () => {
    const s = sandbox()
    const fileSystemId = await availableFileSystem(s)
    const [subnet] = await defaultSubnets(s)
    const mt = await s.efs.send(new EFS.CreateMountTargetCommand({FileSystemId: fileSystemId, SubnetId: subnet.SubnetId}))
    expect(mt.MountTargetId).toMatch(/^fsmt-[0-9a-f]{17}$/)
    expect(mt).toMatchObject({
      LifeCycleState: 'creating',
      FileSystemId: fileSystemId,
      SubnetId: subnet.SubnetId,
      VpcId: subnet.VpcId,
      AvailabilityZoneName: subnet.AvailabilityZone,
      AvailabilityZoneId: 'euw1-az1',
    })
    expect(mt.IpAddress).toMatch(/^172\.31\.\d+\.\d+$/)
    expect(mt.NetworkInterfaceId).toMatch(/^eni-/)
    const {SecurityGroups} = await s.ec2.send(new DescribeSecurityGroupsCommand({Filters: [{Name: 'group-name', Values: ['default']}]}))
    expect((await s.efs.send(new EFS.DescribeMountTargetSecurityGroupsCommand({MountTargetId: mt.MountTargetId}))).SecurityGroups).toEqual([
      SecurityGroups![0].GroupId,
    ])

    await expect(s.efs.send(new EFS.CreateMountTargetCommand({FileSystemId: fileSystemId, SubnetId: subnet.SubnetId}))).rejects.toMatchObject({
      name: 'MountTargetConflict',
    })
    const described = await s.efs.send(new EFS.DescribeFileSystemsCommand({FileSystemId: fileSystemId}))
    expect(described.FileSystems?.[0].NumberOfMountTargets).toBe(1)

    s.clock.advance(DURATIONS.efsMountTargetCreating)
    const {MountTargets} = await s.efs.send(new EFS.DescribeMountTargetsCommand({FileSystemId: fileSystemId}))
    expect(MountTargets?.map((m) => m.LifeCycleState)).toEqual(['available'])
    const byId = await s.efs.send(new EFS.DescribeMountTargetsCommand({MountTargetId: mt.MountTargetId}))
    expect(byId.MountTargets?.[0].MountTargetId).toBe(mt.MountTargetId)
  })

  it('checks the subnet and the security groups (exist, same VPC, at most 5)', async () => {
    const s = sandbox()
    const fileSystemId = await availableFileSystem(s)
    const [subnet] = await defaultSubnets(s)
    await expect(s.efs.send(new EFS.CreateMountTargetCommand({FileSystemId: fileSystemId, SubnetId: 'subnet-0123456789abcdef0'}))).rejects.toMatchObject({
      name: 'SubnetNotFound',
    })
    await expect(
      s.efs.send(new EFS.CreateMountTargetCommand({FileSystemId: fileSystemId, SubnetId: subnet.SubnetId, SecurityGroups: ['sg-0123456789abcdef0']})),
    ).rejects.toMatchObject({name: 'SecurityGroupNotFound'})
    const six = Array.from({length: 6}, (_, i) => `sg-0000000000000000${i}`)
    await expect(s.efs.send(new EFS.CreateMountTargetCommand({FileSystemId: fileSystemId, SubnetId: subnet.SubnetId, SecurityGroups: six}))).rejects.toMatchObject({
      name: 'SecurityGroupLimitExceeded',
    })
  })

  it('modifies security groups once available, and deletes: deleting → gone after efsMountTargetDeleting', async () => {
    const s = sandbox()
    const fileSystemId = await availableFileSystem(s)
    const [subnet] = await defaultSubnets(s)
    const {GroupId} = await s.ec2.send(new CreateSecurityGroupCommand({GroupName: 'efs', Description: 'efs'}))
    const mt = await s.efs.send(new EFS.CreateMountTargetCommand({FileSystemId: fileSystemId, SubnetId: subnet.SubnetId, SecurityGroups: [GroupId!]}))
    await expect(s.efs.send(new EFS.ModifyMountTargetSecurityGroupsCommand({MountTargetId: mt.MountTargetId, SecurityGroups: [GroupId!]}))).rejects.toMatchObject({
      name: 'IncorrectMountTargetState',
    })
    s.clock.advance(DURATIONS.efsMountTargetCreating)
    const {SecurityGroups} = await s.ec2.send(new DescribeSecurityGroupsCommand({Filters: [{Name: 'group-name', Values: ['default']}]}))
    await s.efs.send(new EFS.ModifyMountTargetSecurityGroupsCommand({MountTargetId: mt.MountTargetId, SecurityGroups: [GroupId!, SecurityGroups![0].GroupId!]}))
    expect((await s.efs.send(new EFS.DescribeMountTargetSecurityGroupsCommand({MountTargetId: mt.MountTargetId}))).SecurityGroups).toEqual([
      GroupId,
      SecurityGroups![0].GroupId,
    ])

    await s.efs.send(new EFS.DeleteMountTargetCommand({MountTargetId: mt.MountTargetId}))
    const deleting = await s.efs.send(new EFS.DescribeMountTargetsCommand({FileSystemId: fileSystemId}))
    expect(deleting.MountTargets?.[0].LifeCycleState).toBe('deleting')
    await expect(s.efs.send(new EFS.DeleteFileSystemCommand({FileSystemId: fileSystemId}))).rejects.toMatchObject({
      name: 'FileSystemInUse',
      $metadata: {httpStatusCode: 409},
    })
    s.clock.advance(DURATIONS.efsMountTargetDeleting)
    expect((await s.efs.send(new EFS.DescribeMountTargetsCommand({FileSystemId: fileSystemId}))).MountTargets).toEqual([])
    await expect(s.efs.send(new EFS.DescribeMountTargetsCommand({MountTargetId: mt.MountTargetId}))).rejects.toMatchObject({name: 'MountTargetNotFound'})
  })

  it('requires exactly one of FileSystemId, MountTargetId, AccessPointId', async () => {
    const s = sandbox()
    await expect(s.efs.send(new EFS.DescribeMountTargetsCommand({}))).rejects.toMatchObject({name: 'BadRequest'})
  })
})

describe('sandbox EFS deletion, access points and tags', () => {
  it('deletes a file system: deleting, then EFS.FileSystemNotFound after efsDeleting, its access points with it', async () => {
    const s = sandbox()
    const fileSystemId = await availableFileSystem(s)
    const ap = await s.efs.send(new EFS.CreateAccessPointCommand({FileSystemId: fileSystemId, ClientToken: 'ap-1'}))
    await s.efs.send(new EFS.DeleteFileSystemCommand({FileSystemId: fileSystemId}))
    expect((await s.efs.send(new EFS.DescribeFileSystemsCommand({FileSystemId: fileSystemId}))).FileSystems?.[0].LifeCycleState).toBe('deleting')
    s.clock.advance(DURATIONS.efsDeleting)
    await expect(s.efs.send(new EFS.DescribeFileSystemsCommand({FileSystemId: fileSystemId}))).rejects.toMatchObject({name: 'FileSystemNotFound'})
    await expect(s.efs.send(new EFS.DescribeAccessPointsCommand({AccessPointId: ap.AccessPointId}))).rejects.toMatchObject({name: 'AccessPointNotFound'})
  })

  it('creates an access point with root directory and POSIX user; a reused ClientToken → AccessPointAlreadyExists', async () => {
    const s = sandbox()
    const fileSystemId = await availableFileSystem(s)
    const input = {
      FileSystemId: fileSystemId,
      ClientToken: 'demo-uploads-ap',
      PosixUser: {Uid: 48, Gid: 48},
      RootDirectory: {Path: '/uploads', CreationInfo: {OwnerUid: 48, OwnerGid: 48, Permissions: '0755'}},
      Tags: [{Key: 'hactl:site', Value: 'demo'}],
    }
    const ap = await s.efs.send(new EFS.CreateAccessPointCommand(input))
    expect(ap.AccessPointId).toMatch(/^fsap-[0-9a-f]{17}$/)
    expect(ap).toMatchObject({
      LifeCycleState: 'available',
      RootDirectory: {Path: '/uploads', CreationInfo: {OwnerUid: 48, OwnerGid: 48, Permissions: '0755'}},
      PosixUser: {Uid: 48, Gid: 48},
      AccessPointArn: `arn:aws:elasticfilesystem:${REGION}:123456789012:access-point/${ap.AccessPointId}`,
    })
    await expect(s.efs.send(new EFS.CreateAccessPointCommand(input))).rejects.toMatchObject({
      name: 'AccessPointAlreadyExists',
      AccessPointId: ap.AccessPointId,
      $metadata: {httpStatusCode: 409},
    })
    await expect(
      s.efs.send(new EFS.CreateAccessPointCommand({...input, ClientToken: 'other', RootDirectory: {Path: 'relative'}})),
    ).rejects.toMatchObject({name: 'BadRequest'})
    expect((await s.efs.send(new EFS.DescribeAccessPointsCommand({FileSystemId: fileSystemId}))).AccessPoints?.map((a) => a.AccessPointId)).toEqual([
      ap.AccessPointId,
    ])
    await s.efs.send(new EFS.DeleteAccessPointCommand({AccessPointId: ap.AccessPointId}))
    await expect(s.efs.send(new EFS.DeleteAccessPointCommand({AccessPointId: ap.AccessPointId}))).rejects.toMatchObject({name: 'AccessPointNotFound'})
  })

  it('tags and untags file systems and access points', async () => {
    const s = sandbox()
    const fileSystemId = await availableFileSystem(s)
    await s.efs.send(new EFS.TagResourceCommand({ResourceId: fileSystemId, Tags: [{Key: 'hactl:role', Value: 'uploads'}, {Key: 'x', Value: '1'}]}))
    await s.efs.send(new EFS.UntagResourceCommand({ResourceId: fileSystemId, TagKeys: ['x']}))
    expect((await s.efs.send(new EFS.ListTagsForResourceCommand({ResourceId: fileSystemId}))).Tags).toEqual([{Key: 'hactl:role', Value: 'uploads'}])
    await expect(s.efs.send(new EFS.TagResourceCommand({ResourceId: fileSystemId, Tags: [{Key: 'aws:x', Value: '1'}]}))).rejects.toMatchObject({
      name: 'BadRequest',
    })
    await expect(s.efs.send(new EFS.ListTagsForResourceCommand({ResourceId: 'fsap-0123456789abcdef0'}))).rejects.toMatchObject({name: 'AccessPointNotFound'})
  })
})

describe('sandbox EFS file system policies', () => {
  /** The kind of policy hactl sets: TLS only, IAM only, through the access point only. */
  function policyFor(fileSystemArn: string): string {
    return JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {Sid: 'tls', Effect: 'Deny', Principal: {AWS: '*'}, Action: '*', Resource: fileSystemArn, Condition: {Bool: {'aws:SecureTransport': 'false'}}},
        {
          Sid: 'ap',
          Effect: 'Allow',
          Principal: {AWS: 'arn:aws:iam::123456789012:role/demo-ec2'},
          Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          Resource: fileSystemArn,
          Condition: {StringEquals: {'elasticfilesystem:AccessPointArn': 'arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1'}},
        },
      ],
    })
  }

  it('has none at first (PolicyNotFound), stores the text as given, replaces it and deletes it', async () => {
    const s = sandbox()
    const fileSystemId = await availableFileSystem(s)
    const none = s.efs.send(new EFS.DescribeFileSystemPolicyCommand({FileSystemId: fileSystemId}))
    await expect(none).rejects.toMatchObject({name: 'PolicyNotFound', $metadata: {httpStatusCode: 404}})
    const arn = `arn:aws:elasticfilesystem:${REGION}:123456789012:file-system/${fileSystemId}`
    const policy = policyFor(arn)
    expect(await s.efs.send(new EFS.PutFileSystemPolicyCommand({FileSystemId: fileSystemId, Policy: policy}))).toMatchObject({FileSystemId: fileSystemId, Policy: policy})
    expect(await s.efs.send(new EFS.DescribeFileSystemPolicyCommand({FileSystemId: arn}))).toMatchObject({FileSystemId: fileSystemId, Policy: policy})

    const pretty = JSON.stringify(JSON.parse(policy), undefined, 2)
    await s.efs.send(new EFS.PutFileSystemPolicyCommand({BypassPolicyLockoutSafetyCheck: true, FileSystemId: fileSystemId, Policy: pretty}))
    expect((await s.efs.send(new EFS.DescribeFileSystemPolicyCommand({FileSystemId: fileSystemId}))).Policy).toBe(pretty)

    await s.efs.send(new EFS.DeleteFileSystemPolicyCommand({FileSystemId: fileSystemId}))
    await expect(s.efs.send(new EFS.DescribeFileSystemPolicyCommand({FileSystemId: fileSystemId}))).rejects.toMatchObject({name: 'PolicyNotFound'})
    // Deleting again is fine: the default policy is what remains.
    await s.efs.send(new EFS.DeleteFileSystemPolicyCommand({FileSystemId: fileSystemId}))
  })

  it('refuses a malformed policy with EFS.InvalidPolicyException (400)', async () => {
    const s = sandbox()
    const fileSystemId = await availableFileSystem(s)
    const statement = {Effect: 'Allow', Principal: {AWS: '*'}, Action: 'elasticfilesystem:ClientMount'}
    const bad = [
      '{not json',
      '[]',
      JSON.stringify({Version: '2012-10-17'}),
      JSON.stringify({Statement: []}),
      JSON.stringify({Statement: statement}),
      JSON.stringify({Statement: [{...statement, Effect: 'Maybe'}]}),
      JSON.stringify({Statement: [{Effect: 'Allow', Action: 'elasticfilesystem:ClientMount'}]}),
      JSON.stringify({Statement: [{Effect: 'Allow', Principal: {AWS: '*'}}]}),
      JSON.stringify({Statement: [statement], Padding: 'x'.repeat(20_000)}),
    ]
    for (const policy of bad) {
      const put = s.efs.send(new EFS.PutFileSystemPolicyCommand({FileSystemId: fileSystemId, Policy: policy}))
      await expect(put).rejects.toThrow(EFS.InvalidPolicyException)
      await expect(put).rejects.toMatchObject({ErrorCode: 'InvalidPolicyException', $metadata: {httpStatusCode: 400}})
    }

    await expect(s.efs.send(new EFS.DescribeFileSystemPolicyCommand({FileSystemId: fileSystemId}))).rejects.toMatchObject({name: 'PolicyNotFound'})
    await s.efs.send(new EFS.PutFileSystemPolicyCommand({FileSystemId: fileSystemId, Policy: JSON.stringify({Statement: [statement]})}))
  })

  it('needs an existing, available file system; the policy goes with the file system', async () => {
    const s = sandbox()
    const policy = policyFor('*')
    const missing = s.efs.send(new EFS.PutFileSystemPolicyCommand({FileSystemId: 'fs-0123456789abcdef0', Policy: policy}))
    await expect(missing).rejects.toThrow(EFS.FileSystemNotFound)
    await expect(s.efs.send(new EFS.DescribeFileSystemPolicyCommand({FileSystemId: 'fs-0123456789abcdef0'}))).rejects.toThrow(EFS.FileSystemNotFound)
    await expect(s.efs.send(new EFS.DeleteFileSystemPolicyCommand({FileSystemId: 'fs-0123456789abcdef0'}))).rejects.toThrow(EFS.FileSystemNotFound)

    const {FileSystemId} = await s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: 'young', Encrypted: true}))
    const early = s.efs.send(new EFS.PutFileSystemPolicyCommand({FileSystemId, Policy: policy}))
    await expect(early).rejects.toThrow(EFS.IncorrectFileSystemLifeCycleState)
    await expect(early).rejects.toMatchObject({$metadata: {httpStatusCode: 409}})
    s.clock.advance(DURATIONS.efsCreating)
    await s.efs.send(new EFS.PutFileSystemPolicyCommand({FileSystemId, Policy: policy}))
    await s.efs.send(new EFS.DeleteFileSystemCommand({FileSystemId}))
    await expect(s.efs.send(new EFS.PutFileSystemPolicyCommand({FileSystemId, Policy: policy}))).rejects.toThrow(EFS.IncorrectFileSystemLifeCycleState)
    s.clock.advance(DURATIONS.efsDeleting)
    await expect(s.efs.send(new EFS.DescribeFileSystemPolicyCommand({FileSystemId}))).rejects.toThrow(EFS.FileSystemNotFound)
  })
})

describe('sandbox EFS faults', () => {
  it('throttles with ThrottlingException (429), which the SDK retries', async () => {
    const s = sandbox({faults: ['throttle:efs:DescribeFileSystems']})
    const result = await s.efs.send(new EFS.DescribeFileSystemsCommand({}))
    expect(result.$metadata.attempts).toBe(2)
  })

  it('fails with InternalServerError (500) by default', async () => {
    const s = sandbox({faults: ['fail:efs:CreateFileSystem']})
    await expect(s.efs.send(new EFS.CreateFileSystemCommand({CreationToken: 'x'}))).rejects.toMatchObject({
      name: 'InternalServerError',
      $fault: 'server',
      $metadata: {httpStatusCode: 500},
    })
  })
})
