import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  DBClusterAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DBSnapshotNotFoundFault,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  InvalidDBClusterSnapshotStateFault,
  InvalidDBSnapshotStateFault,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type CreateDBInstanceCommandInput,
} from '@aws-sdk/client-rds'
import {CreateSecurityGroupCommand} from '@aws-sdk/client-ec2'

import {DURATIONS} from '../../../src/sandbox/durations'
import {removeTempStateDirs} from './clients'
import {manualRds} from './rds-fixtures'

afterAll(removeTempStateDirs)

const READY = DURATIONS.rdsInstanceCreating + DURATIONS.rdsBackingUp

const MYSQL: CreateDBInstanceCommandInput = {
  AllocatedStorage: 50,
  CopyTagsToSnapshot: true,
  DBInstanceClass: 'db.t4g.small',
  DBInstanceIdentifier: 'hactl-demo-db',
  DBName: 'moodle',
  Engine: 'mysql',
  EngineVersion: '8.4.3',
  ManageMasterUserPassword: true,
  MasterUsername: 'hactl',
  StorageEncrypted: true,
  Tags: [{Key: 'hactl:site', Value: 'demo'}],
}

async function instance(rds: RDSClient, id: string) {
  const {DBInstances} = await rds.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: id}))
  return DBInstances?.[0]
}

describe('sandbox RDS: RestoreDBInstanceFromDBSnapshot', () => {
  /** An instance deleted with a final snapshot, the snapshot still being taken. */
  async function finalSnapshotOf(rds: RDSClient, clock: {advance(ms: number): void}) {
    await rds.send(new CreateDBParameterGroupCommand({DBParameterGroupName: 'hactl-demo-db', DBParameterGroupFamily: 'mysql8.4', Description: 'TLS'}))
    const {DBInstance} = await rds.send(new CreateDBInstanceCommand(MYSQL))
    clock.advance(READY)
    await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'hactl-demo-db', FinalDBSnapshotIdentifier: 'hactl-demo-db-final-1'}))
    return DBInstance
  }

  it('keeps the final snapshot under the gone instance\'s id, and restores it once available: engine, storage, key and user from the snapshot', async () => {
    const {rds, clock, ec2} = manualRds()
    const original = await finalSnapshotOf(rds, clock)
    // While the instance is still deleting its identifier is taken, and the snapshot is still being taken.
    const taken = rds.send(new RestoreDBInstanceFromDBSnapshotCommand({DBInstanceIdentifier: 'hactl-demo-db', DBSnapshotIdentifier: 'hactl-demo-db-final-1'}))
    await expect(taken).rejects.toThrow(DBInstanceAlreadyExistsFault)
    const early = rds.send(new RestoreDBInstanceFromDBSnapshotCommand({DBInstanceIdentifier: 'early', DBSnapshotIdentifier: 'hactl-demo-db-final-1'}))
    await expect(early).rejects.toThrow(InvalidDBSnapshotStateFault)
    await expect(early).rejects.toMatchObject({Code: 'InvalidDBSnapshotState'})
    clock.advance(DURATIONS.rdsDeleting)
    await expect(instance(rds, 'hactl-demo-db')).rejects.toMatchObject({name: 'DBInstanceNotFoundFault'})
    const {DBSnapshots} = await rds.send(new DescribeDBSnapshotsCommand({DBInstanceIdentifier: 'hactl-demo-db', SnapshotType: 'manual'}))
    expect(DBSnapshots).toEqual([
      expect.objectContaining({DBSnapshotIdentifier: 'hactl-demo-db-final-1', DBInstanceIdentifier: 'hactl-demo-db', Status: 'available', SnapshotType: 'manual'}),
    ])

    const {GroupId} = await ec2.send(new CreateSecurityGroupCommand({Description: 'db', GroupName: 'db'}))
    const {DBInstance: restored} = await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        AutoMinorVersionUpgrade: true,
        CopyTagsToSnapshot: true,
        DBInstanceIdentifier: 'hactl-demo-db',
        DBParameterGroupName: 'hactl-demo-db',
        DBSnapshotIdentifier: 'arn:aws:rds:eu-west-1:123456789012:snapshot:hactl-demo-db-final-1',
        DeletionProtection: true,
        MultiAZ: true,
        PubliclyAccessible: false,
        Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'db'}],
        VpcSecurityGroupIds: [GroupId!],
      }),
    )
    expect(restored).toMatchObject({
      DBInstanceIdentifier: 'hactl-demo-db',
      DBInstanceStatus: 'creating',
      DBInstanceClass: 'db.t4g.small',
      Engine: 'mysql',
      EngineVersion: '8.4.3',
      AllocatedStorage: 50,
      DBName: 'moodle',
      MasterUsername: 'hactl',
      StorageEncrypted: true,
      KmsKeyId: original?.KmsKeyId,
      MultiAZ: true,
      PubliclyAccessible: false,
      DeletionProtection: true,
      DBParameterGroups: [{DBParameterGroupName: 'hactl-demo-db', ParameterApplyStatus: 'in-sync'}],
      VpcSecurityGroups: [{VpcSecurityGroupId: GroupId, Status: 'active'}],
      TagList: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'db'}],
    })
    expect(restored?.DbiResourceId).not.toBe(original?.DbiResourceId)
    // The snapshot holds a password, not RDS's management of it.
    expect(restored?.MasterUserSecret).toBeUndefined()

    clock.advance(DURATIONS.rdsInstanceCreating)
    expect((await instance(rds, 'hactl-demo-db'))?.DBInstanceStatus).toBe('backing-up')
    clock.advance(DURATIONS.rdsBackingUp)
    expect((await instance(rds, 'hactl-demo-db'))?.DBInstanceStatus).toBe('available')
    const {DBInstance: managed} = await rds.send(new ModifyDBInstanceCommand({ApplyImmediately: true, DBInstanceIdentifier: 'hactl-demo-db', ManageMasterUserPassword: true}))
    expect(managed?.MasterUserSecret).toEqual({SecretArn: expect.stringMatching(/:secret:rds!db-/), SecretStatus: 'active', KmsKeyId: expect.stringMatching(/^arn:aws:kms:/)})
    // Asking again keeps the secret there is.
    const {DBInstance: again} = await rds.send(new ModifyDBInstanceCommand({DBInstanceIdentifier: 'hactl-demo-db', ManageMasterUserPassword: true}))
    expect(again?.MasterUserSecret?.SecretArn).toBe(managed?.MasterUserSecret?.SecretArn)
  })

  it('refuses what AWS refuses: unknown snapshot, taken id, another engine, a group of another family, a managed password', async () => {
    const {rds, clock} = manualRds()
    await finalSnapshotOf(rds, clock)
    clock.advance(DURATIONS.rdsDeleting)
    const restore = (extra: Record<string, unknown>) =>
      rds.send(new RestoreDBInstanceFromDBSnapshotCommand({DBInstanceIdentifier: 'restored', DBSnapshotIdentifier: 'hactl-demo-db-final-1', ...extra}))
    const unknown = restore({DBSnapshotIdentifier: 'nope'})
    await expect(unknown).rejects.toThrow(DBSnapshotNotFoundFault)
    await expect(unknown).rejects.toMatchObject({message: 'DBSnapshot nope not found.', $metadata: {httpStatusCode: 404}})
    await expect(restore({Engine: 'postgres'})).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    await expect(restore({DBParameterGroupName: 'default.mysql8.0'})).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('Please use a Parameter Group with DBParameterGroupFamily mysql8.4'),
    })
    await expect(restore({DBParameterGroupName: 'nope'})).rejects.toMatchObject({name: 'DBParameterGroupNotFoundFault'})
    await expect(restore({ManageMasterUserPassword: true})).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('Turn it on with ModifyDBInstance'),
    })
    await expect(restore({AllocatedStorage: 20})).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(restore({DBName: 'other'})).rejects.toMatchObject({name: 'SandboxUnsupportedOperation'})

    // Without tags the restored instance takes the snapshot's (copied from the instance), and the default group.
    const {DBInstance} = await restore({})
    expect(DBInstance).toMatchObject({TagList: [{Key: 'hactl:site', Value: 'demo'}], DBParameterGroups: [{DBParameterGroupName: 'default.mysql8.4'}], MultiAZ: false})
    await expect(restore({})).rejects.toThrow(DBInstanceAlreadyExistsFault)
  })

  it('turns on the managed password only for a standalone instance, not for an Aurora member or to turn it off', async () => {
    const {rds, clock} = manualRds()
    await rds.send(new CreateDBInstanceCommand({...MYSQL, ManageMasterUserPassword: undefined, MasterUserPassword: 'correct-horse'}))
    await rds.send(new CreateDBClusterCommand({DBClusterIdentifier: 'c', Engine: 'aurora-mysql', MasterUsername: 'hactl', MasterUserPassword: 'correct-horse'}))
    await rds.send(new CreateDBInstanceCommand({DBClusterIdentifier: 'c', DBInstanceClass: 'db.r6g.large', DBInstanceIdentifier: 'c-1', Engine: 'aurora-mysql'}))
    const early = rds.send(new ModifyDBInstanceCommand({DBInstanceIdentifier: 'hactl-demo-db', ManageMasterUserPassword: true}))
    await expect(early).rejects.toMatchObject({name: 'InvalidDBInstanceStateFault'})
    clock.advance(READY)
    await expect(rds.send(new ModifyDBInstanceCommand({DBInstanceIdentifier: 'c-1', ManageMasterUserPassword: true}))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
    })
    await expect(rds.send(new ModifyDBInstanceCommand({DBInstanceIdentifier: 'hactl-demo-db', ManageMasterUserPassword: false}))).rejects.toMatchObject({
      name: 'SandboxUnsupportedOperation',
    })
    await expect(rds.send(new ModifyDBInstanceCommand({DBInstanceIdentifier: 'hactl-demo-db', MasterUserSecretKmsKeyId: 'alias/mine'}))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
    })
    const {DBInstance} = await rds.send(
      new ModifyDBInstanceCommand({DBInstanceIdentifier: 'hactl-demo-db', ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: 'alias/mine'}),
    )
    expect(DBInstance?.MasterUserSecret?.KmsKeyId).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//)
  })
})

describe('sandbox RDS: RestoreDBClusterFromSnapshot', () => {
  /** An Aurora PostgreSQL cluster deleted with a final snapshot, the snapshot still being taken. */
  async function finalClusterSnapshot(rds: RDSClient, clock: {advance(ms: number): void}) {
    await rds.send(
      new CreateDBClusterParameterGroupCommand({DBClusterParameterGroupName: 'hactl-aurora', DBParameterGroupFamily: 'aurora-postgresql16', Description: 'TLS'}),
    )
    const {DBCluster} = await rds.send(
      new CreateDBClusterCommand({
        CopyTagsToSnapshot: true,
        DBClusterIdentifier: 'hactl-aurora',
        DBClusterParameterGroupName: 'hactl-aurora',
        DatabaseName: 'wordpress',
        Engine: 'aurora-postgresql',
        ManageMasterUserPassword: true,
        MasterUsername: 'hactl',
        StorageEncrypted: true,
        Tags: [{Key: 'hactl:site', Value: 'demo'}],
      }),
    )
    await rds.send(new CreateDBInstanceCommand({DBClusterIdentifier: 'hactl-aurora', DBInstanceClass: 'db.r6g.large', DBInstanceIdentifier: 'hactl-aurora-1', Engine: 'aurora-postgresql'}))
    clock.advance(DURATIONS.auroraInstanceCreating)
    await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'hactl-aurora-1'}))
    await rds.send(new DeleteDBClusterCommand({DBClusterIdentifier: 'hactl-aurora', FinalDBSnapshotIdentifier: 'hactl-aurora-final-1'}))
    return DBCluster
  }

  it('restores a cluster from its final snapshot, without instances and without a managed password until asked', async () => {
    const {rds, clock} = manualRds()
    const original = await finalClusterSnapshot(rds, clock)
    const input = {DBClusterIdentifier: 'hactl-aurora', Engine: 'aurora-postgresql', SnapshotIdentifier: 'hactl-aurora-final-1'}
    const early = rds.send(new RestoreDBClusterFromSnapshotCommand({...input, DBClusterIdentifier: 'early'}))
    await expect(early).rejects.toThrow(InvalidDBClusterSnapshotStateFault)
    clock.advance(DURATIONS.rdsDeleting)
    const {DBClusterSnapshots} = await rds.send(new DescribeDBClusterSnapshotsCommand({DBClusterIdentifier: 'hactl-aurora', SnapshotType: 'manual'}))
    expect(DBClusterSnapshots?.map((snapshot) => [snapshot.DBClusterSnapshotIdentifier, snapshot.DBClusterIdentifier, snapshot.Status])).toEqual([
      ['hactl-aurora-final-1', 'hactl-aurora', 'available'],
    ])

    const {DBCluster: restored} = await rds.send(
      new RestoreDBClusterFromSnapshotCommand({...input, DBClusterParameterGroupName: 'hactl-aurora', DeletionProtection: true, CopyTagsToSnapshot: true}),
    )
    expect(restored).toMatchObject({
      Status: 'creating',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.6',
      DatabaseName: 'wordpress',
      MasterUsername: 'hactl',
      StorageEncrypted: true,
      KmsKeyId: original?.KmsKeyId,
      DeletionProtection: true,
      DBClusterParameterGroup: 'hactl-aurora',
      DBClusterMembers: [],
      TagList: [{Key: 'hactl:site', Value: 'demo'}],
    })
    expect(restored?.MasterUserSecret).toBeUndefined()
    await expect(rds.send(new RestoreDBClusterFromSnapshotCommand(input))).rejects.toThrow(DBClusterAlreadyExistsFault)

    clock.advance(DURATIONS.auroraClusterCreating)
    const {DBCluster: managed} = await rds.send(new ModifyDBClusterCommand({ApplyImmediately: true, DBClusterIdentifier: 'hactl-aurora', ManageMasterUserPassword: true}))
    expect(managed).toMatchObject({Status: 'available', MasterUserSecret: {SecretArn: expect.stringMatching(/:secret:rds!cluster-/), SecretStatus: 'active'}})
  })

  it('refuses a missing or other engine, an unknown snapshot, and a DB instance snapshot (a migration)', async () => {
    const {rds, clock} = manualRds()
    await finalClusterSnapshot(rds, clock)
    await rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: 'plain'}))
    clock.advance(READY)
    await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'plain', FinalDBSnapshotIdentifier: 'plain-final'}))
    clock.advance(DURATIONS.rdsDeleting)
    const restore = (extra: Record<string, unknown>) =>
      rds.send(new RestoreDBClusterFromSnapshotCommand({DBClusterIdentifier: 'r', Engine: 'aurora-postgresql', SnapshotIdentifier: 'hactl-aurora-final-1', ...extra}))
    await expect(restore({Engine: undefined})).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(restore({Engine: 'aurora-mysql'})).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    const unknown = restore({SnapshotIdentifier: 'nope'})
    await expect(unknown).rejects.toThrow(DBClusterSnapshotNotFoundFault)
    await expect(unknown).rejects.toMatchObject({$metadata: {httpStatusCode: 404}})
    await expect(restore({SnapshotIdentifier: 'plain-final'})).rejects.toMatchObject({name: 'SandboxUnsupportedOperation'})
    await expect(restore({DBClusterParameterGroupName: 'nope'})).rejects.toMatchObject({name: 'DBClusterParameterGroupNotFoundFault'})
    const {DBCluster} = await restore({KmsKeyId: 'alias/mine'})
    expect(DBCluster).toMatchObject({DBClusterParameterGroup: 'default.aurora-postgresql16', StorageEncrypted: true, KmsKeyId: expect.stringMatching(/^arn:aws:kms:/)})
  })
})
