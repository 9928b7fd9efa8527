/**
 * The factory's EFS interface against the sandbox: hactl's own code path
 * (narrow interface → SDK client → retry strategy → pollUntil → sandbox), on a
 * ManualClock that the waits advance, so nothing sleeps in real time.
 */

import {ManualClock} from '../../../src/core/clock'
import {AwsError, TimeoutError} from '../../../src/core/errors'
import {DURATIONS} from '../../../src/sandbox/durations'
import {sandboxClients, useTempDir} from '../../_helpers/sandbox-dir'

describe('EFS through the client factory, on the sandbox', () => {
  const sandboxDir = useTempDir('hactl-efs-')

  function clients(faults: string[] = []) {
    const clock = new ManualClock()
    return {...sandboxClients(sandboxDir.path, {clock, faults}), clock}
  }

  /** Retry backoff is divided by the clock's scale: at 2000x a retry waits well under a real millisecond. */
  function fastClients(faults: string[]) {
    return sandboxClients(sandboxDir.path, {faults, speed: 2000})
  }

  const tags = {'hactl:role': 'uploads', 'hactl:site': 'demo'}
  const wait = {timeoutMs: 10 * 60_000}

  it('creates the uploads file system idempotently, mounts it in every subnet, adds an access point, then deletes it all', async () => {
    const {aws, clock, reporter} = clients()
    const efs = await aws.efs()
    const ec2 = await aws.ec2()
    const vpc = await ec2.describeDefaultVpc()
    const subnets = await ec2.describeSubnets({vpcId: vpc!.VpcId})
    const [group] = await ec2.describeSecurityGroups({vpcId: vpc!.VpcId})

    expect(await efs.findFileSystem('demo-uploads')).toBeUndefined()
    const input = {backup: true, creationToken: 'demo-uploads', encrypted: true as const, tags, throughputMode: 'elastic' as const}
    const created = await efs.createFileSystem(input)
    expect(created.LifeCycleState).toBe('creating')
    // A re-run (same creation token) gets the same file system back, not a FileSystemAlreadyExists error.
    expect((await efs.createFileSystem(input)).FileSystemId).toBe(created.FileSystemId)
    const fileSystemId = created.FileSystemId!

    const started = clock.now()
    const available = await efs.waitForFileSystemAvailable(fileSystemId, wait)
    expect(available.LifeCycleState).toBe('available')
    expect(clock.now() - started).toBeGreaterThanOrEqual(DURATIONS.efsCreating)
    expect(reporter.ofType('wait').at(0)?.status).toBe('creating')
    expect((await efs.findFileSystem('demo-uploads'))?.FileSystemId).toBe(fileSystemId)
    expect(await efs.backupPolicyStatus(fileSystemId)).toBe('ENABLED')

    for (const subnet of subnets) {
      await efs.createMountTarget({fileSystemId, securityGroupIds: [group.GroupId!], subnetId: subnet.SubnetId!})
    }

    const mounted = await efs.waitForMountTargetsAvailable(fileSystemId, wait)
    expect(mounted).toHaveLength(subnets.length)
    expect(mounted.every((mt) => mt.LifeCycleState === 'available')).toBe(true)
    expect(await efs.mountTargetSecurityGroups(mounted[0].MountTargetId!)).toEqual([group.GroupId])

    const apInput = {clientToken: 'demo-uploads-ap', fileSystemId, gid: 48, path: '/uploads', permissions: '0755', tags, uid: 48}
    const ap = await efs.createAccessPoint(apInput)
    expect((await efs.createAccessPoint(apInput)).AccessPointId).toBe(ap.AccessPointId)
    expect((await efs.describeAccessPoints(fileSystemId)).map((a) => a.AccessPointId)).toEqual([ap.AccessPointId])
    await efs.deleteAccessPoint(ap.AccessPointId!)
    await efs.deleteAccessPoint(ap.AccessPointId!)
    expect(await efs.describeAccessPoints(fileSystemId)).toEqual([])

    // deleteFileSystem removes the mount targets itself and waits for them to go.
    await efs.deleteFileSystem(fileSystemId, wait)
    expect(await efs.describeMountTargets(fileSystemId)).toEqual([])
    expect((await efs.findFileSystem('demo-uploads'))?.LifeCycleState).toBe('deleting')
    clock.advance(DURATIONS.efsDeleting)
    expect(await efs.findFileSystem('demo-uploads')).toBeUndefined()
    await efs.deleteFileSystem(fileSystemId, wait)
  })

  it('waits for mount targets to be available, reporting their states', async () => {
    const {aws, reporter} = clients()
    const efs = await aws.efs()
    const ec2 = await aws.ec2()
    const [subnet] = await ec2.describeSubnets({})
    const fs = await efs.createFileSystem({backup: false, creationToken: 't', encrypted: true, tags, throughputMode: 'bursting'})
    await efs.waitForFileSystemAvailable(fs.FileSystemId!, wait)
    expect(await efs.backupPolicyStatus(fs.FileSystemId!)).toBe('DISABLED')
    const mt = await efs.createMountTarget({fileSystemId: fs.FileSystemId!, securityGroupIds: [], subnetId: subnet.SubnetId!})
    await efs.waitForMountTargetsAvailable(fs.FileSystemId!, wait)
    expect(reporter.ofType('wait').map((e) => e.status)).toContain(`${mt.MountTargetId} creating`)
  })

  it('times out a wait with a TimeoutError that says the work goes on', async () => {
    const {aws} = clients()
    const efs = await aws.efs()
    const fs = await efs.createFileSystem({backup: false, creationToken: 'slow', encrypted: true, tags, throughputMode: 'bursting'})
    const waiting = efs.waitForFileSystemAvailable(fs.FileSystemId!, {timeoutMs: DURATIONS.efsCreating / 2})
    await expect(waiting).rejects.toBeInstanceOf(TimeoutError)
    await expect(waiting).rejects.toThrow(/still in progress on AWS/)
  })

  it('turns AWS errors into AwsErrors with EFS codes, and treats gone things as done when deleting', async () => {
    const {aws} = clients()
    const efs = await aws.efs()
    const ec2 = await aws.ec2()
    const [subnet] = await ec2.describeSubnets({})
    const fs = await efs.createFileSystem({backup: false, creationToken: 'early', encrypted: true, tags, throughputMode: 'bursting'})
    const early = efs.createMountTarget({fileSystemId: fs.FileSystemId!, securityGroupIds: [], subnetId: subnet.SubnetId!})
    await expect(early).rejects.toBeInstanceOf(AwsError)
    await expect(early).rejects.toMatchObject({awsCode: 'IncorrectFileSystemLifeCycleState'})
    await expect(efs.waitForFileSystemAvailable('fs-0123456789abcdef0', wait)).rejects.toMatchObject({awsCode: 'FileSystemNotFound'})
    await expect(efs.backupPolicyStatus('fs-0123456789abcdef0')).rejects.toMatchObject({awsCode: 'FileSystemNotFound'})
    await efs.deleteFileSystem('fs-0123456789abcdef0', wait)
    await efs.deleteMountTarget('fsmt-0123456789abcdef0')
    expect(await efs.describeMountTargets('fs-0123456789abcdef0')).toEqual([])
  })

  it('sets, reads back and reports a missing file system policy', async () => {
    const {aws} = clients()
    const efs = await aws.efs()
    const fs = await efs.createFileSystem({backup: false, creationToken: 'policy', encrypted: true, tags, throughputMode: 'bursting'})
    const fileSystemId = fs.FileSystemId!
    await efs.waitForFileSystemAvailable(fileSystemId, wait)
    expect(await efs.fileSystemPolicy(fileSystemId)).toBeUndefined()
    const policy = JSON.stringify({
      Statement: [{Action: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}, Effect: 'Deny', Principal: {AWS: '*'}, Resource: fs.FileSystemArn}],
      Version: '2012-10-17',
    })
    await efs.putFileSystemPolicy(fileSystemId, policy)
    expect(await efs.fileSystemPolicy(fileSystemId)).toBe(policy)
    const bad = efs.putFileSystemPolicy(fileSystemId, '{"Statement": "nope"}')
    await expect(bad).rejects.toBeInstanceOf(AwsError)
    await expect(bad).rejects.toMatchObject({awsCode: 'InvalidPolicyException'})
    await expect(efs.fileSystemPolicy('fs-0123456789abcdef0')).rejects.toMatchObject({awsCode: 'FileSystemNotFound'})
  })

  it('creates the access point with its POSIX user and root directory creation info', async () => {
    const {aws} = clients()
    const efs = await aws.efs()
    const fs = await efs.createFileSystem({backup: false, creationToken: 'ap', encrypted: true, tags, throughputMode: 'bursting'})
    await efs.waitForFileSystemAvailable(fs.FileSystemId!, wait)
    await efs.createAccessPoint({clientToken: 'ap', fileSystemId: fs.FileSystemId!, gid: 33, path: '/uploads', permissions: '0750', tags, uid: 33})
    const [ap] = await efs.describeAccessPoints(fs.FileSystemId!)
    expect(ap).toMatchObject({
      PosixUser: {Gid: 33, Uid: 33},
      RootDirectory: {CreationInfo: {OwnerGid: 33, OwnerUid: 33, Permissions: '0750'}, Path: '/uploads'},
    })
  })

  it('rides out an injected throttle', async () => {
    const {aws, reporter} = fastClients(['throttle:efs:DescribeFileSystems*2'])
    const efs = await aws.efs()
    expect(await efs.findFileSystem('nothing')).toBeUndefined()
    expect(reporter.ofType('retry').map((e) => e.errorCode)).toEqual(['ThrottlingException', 'ThrottlingException'])
  })
})
