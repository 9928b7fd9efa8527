import {
  AddTagsToResourceCommand,
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DBClusterNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DBSnapshotAlreadyExistsFault,
  DBSubnetGroupAlreadyExistsFault,
  DBSubnetGroupDoesNotCoverEnoughAZs,
  DBSubnetGroupNotFoundFault,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSubnetGroupsCommand,
  InvalidDBClusterStateFault,
  InvalidDBInstanceStateFault,
  InvalidDBSubnetGroupStateFault,
  InvalidSubnet,
  ListTagsForResourceCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
  RDSServiceException,
  RemoveTagsFromResourceCommand,
  paginateDescribeDBInstances,
  waitUntilDBClusterAvailable,
  waitUntilDBClusterDeleted,
  waitUntilDBInstanceAvailable,
  waitUntilDBInstanceDeleted,
  type CreateDBInstanceCommandInput,
  type DBInstance,
} from '@aws-sdk/client-rds'
import {CreateSecurityGroupCommand, DescribeSubnetsCommand, type EC2Client} from '@aws-sdk/client-ec2'

import {DURATIONS} from '../../../src/sandbox/durations'
import {REGION, removeTempStateDirs, sandboxClients, tempStateDir} from './clients'
import {MYSQL, manualRds, rdsClient} from './rds-fixtures'

afterAll(removeTempStateDirs)

async function defaultSubnets(ec2: EC2Client): Promise<Array<{id: string; az: string}>> {
  const {Subnets} = await ec2.send(new DescribeSubnetsCommand({}))
  return (Subnets ?? []).map((subnet) => ({id: subnet.SubnetId ?? '', az: subnet.AvailabilityZone ?? ''}))
}

async function subnetGroup(rds: RDSClient, ec2: EC2Client, name = 'hactl-demo'): Promise<string> {
  const subnets = await defaultSubnets(ec2)
  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupDescription: 'hactl demo',
      DBSubnetGroupName: name,
      SubnetIds: subnets.slice(0, 2).map((subnet) => subnet.id),
      Tags: [{Key: 'hactl:site', Value: 'demo'}],
    }),
  )
  return name
}

async function describeInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  const {DBInstances} = await rds.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: id}))
  return DBInstances?.[0]
}

describe('sandbox RDS: DB subnet groups', () => {
  it('creates a group over two AZs, lists it with the default group and deletes it', async () => {
    const {rds, ec2} = manualRds()
    const subnets = await defaultSubnets(ec2)
    const {DBSubnetGroup} = await rds.send(
      new CreateDBSubnetGroupCommand({DBSubnetGroupDescription: 'd', DBSubnetGroupName: 'Hactl-Demo', SubnetIds: [subnets[0].id, subnets[1].id]}),
    )
    expect(DBSubnetGroup).toMatchObject({
      DBSubnetGroupName: 'hactl-demo',
      SubnetGroupStatus: 'Complete',
      DBSubnetGroupArn: `arn:aws:rds:${REGION}:123456789012:subgrp:hactl-demo`,
      Subnets: [
        {SubnetIdentifier: subnets[0].id, SubnetAvailabilityZone: {Name: subnets[0].az}, SubnetStatus: 'Active'},
        {SubnetIdentifier: subnets[1].id, SubnetAvailabilityZone: {Name: subnets[1].az}, SubnetStatus: 'Active'},
      ],
    })
    const {DBSubnetGroups} = await rds.send(new DescribeDBSubnetGroupsCommand({}))
    expect(DBSubnetGroups?.map((group) => group.DBSubnetGroupName)).toEqual(['default', 'hactl-demo'])
    await rds.send(new DeleteDBSubnetGroupCommand({DBSubnetGroupName: 'hactl-demo'}))
    await expect(rds.send(new DescribeDBSubnetGroupsCommand({DBSubnetGroupName: 'hactl-demo'}))).rejects.toThrow(DBSubnetGroupNotFoundFault)
  })

  it('refuses one AZ, a taken name, unknown or no subnets, as AWS does', async () => {
    const {rds, ec2} = manualRds()
    const subnets = await defaultSubnets(ec2)
    const oneAz = rds.send(new CreateDBSubnetGroupCommand({DBSubnetGroupDescription: 'd', DBSubnetGroupName: 'one', SubnetIds: [subnets[0].id]}))
    await expect(oneAz).rejects.toThrow(DBSubnetGroupDoesNotCoverEnoughAZs)
    await expect(oneAz).rejects.toMatchObject({
      Code: 'DBSubnetGroupDoesNotCoverEnoughAZs',
      message: expect.stringContaining(`Current AZ coverage: ${subnets[0].az}. Add subnets to cover at least 2 AZs.`),
    })
    await subnetGroup(rds, ec2, 'taken')
    await expect(subnetGroup(rds, ec2, 'TAKEN')).rejects.toThrow(DBSubnetGroupAlreadyExistsFault)
    const unknown = rds.send(new CreateDBSubnetGroupCommand({DBSubnetGroupDescription: 'd', DBSubnetGroupName: 'x', SubnetIds: ['subnet-0123456789abcdef0', subnets[0].id]}))
    await expect(unknown).rejects.toMatchObject({name: 'InvalidParameterValue', message: 'Some input subnets in :[subnet-0123456789abcdef0] are invalid.'})
    await expect(rds.send(new CreateDBSubnetGroupCommand({DBSubnetGroupDescription: 'd', DBSubnetGroupName: 'x', SubnetIds: []}))).rejects.toThrow(InvalidSubnet)
  })

  it('will not delete a group an instance uses', async () => {
    const {rds, ec2} = manualRds()
    const group = await subnetGroup(rds, ec2)
    await rds.send(new CreateDBInstanceCommand({...MYSQL, DBSubnetGroupName: group}))
    await expect(rds.send(new DeleteDBSubnetGroupCommand({DBSubnetGroupName: group}))).rejects.toThrow(InvalidDBSubnetGroupStateFault)
  })
})

describe('sandbox RDS: a standalone instance', () => {
  it('goes creating → backing-up → available, with the endpoint once past creating', async () => {
    const {rds, ec2, clock} = manualRds()
    const group = await subnetGroup(rds, ec2)
    const {DBInstance: created} = await rds.send(
      new CreateDBInstanceCommand({
        ...MYSQL,
        BackupRetentionPeriod: 7,
        DBName: 'moodle',
        DBSubnetGroupName: group,
        DeletionProtection: true,
        MultiAZ: true,
        PubliclyAccessible: false,
        StorageEncrypted: true,
        Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'db'}],
      }),
    )
    expect(created).toMatchObject({
      DBInstanceIdentifier: 'hactl-demo-db',
      DBInstanceStatus: 'creating',
      Engine: 'mysql',
      EngineVersion: '8.0.40',
      MultiAZ: true,
      StorageEncrypted: true,
      KmsKeyId: expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/),
      PubliclyAccessible: false,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      DBName: 'moodle',
      MasterUsername: 'hactl',
      DBInstanceArn: 'arn:aws:rds:eu-west-1:123456789012:db:hactl-demo-db',
      DBSubnetGroup: {DBSubnetGroupName: group},
      TagList: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'db'}],
      MasterUserSecret: {
        SecretArn: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[A-Za-z0-9]{6}$/),
        SecretStatus: 'active',
        KmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
      },
    })
    expect(created?.Endpoint).toBeUndefined()
    expect(created?.SecondaryAvailabilityZone).toBeDefined()
    expect(created?.SecondaryAvailabilityZone).not.toBe(created?.AvailabilityZone)
    // The default VPC security group, as RDS picks when none is given.
    expect(created?.VpcSecurityGroups).toEqual([{VpcSecurityGroupId: expect.stringMatching(/^sg-/), Status: 'active'}])

    clock.advance(DURATIONS.rdsInstanceCreating)
    const backingUp = await describeInstance(rds, 'HACTL-DEMO-DB')
    expect(backingUp?.DBInstanceStatus).toBe('backing-up')
    expect(backingUp?.Endpoint).toEqual({Address: expect.stringMatching(/^hactl-demo-db\.[a-z0-9]{12}\.eu-west-1\.rds\.amazonaws\.com$/), Port: 3306})
    clock.advance(DURATIONS.rdsBackingUp)
    expect((await describeInstance(rds, 'hactl-demo-db'))?.DBInstanceStatus).toBe('available')
  })

  it('defaults per engine: postgres 16.6 on 5432, mariadb 10.11.10, public in the default VPC', async () => {
    const {rds} = manualRds()
    const {DBInstance: pg} = await rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: 'pg', Engine: 'postgres'}))
    expect(pg).toMatchObject({EngineVersion: '16.6', PubliclyAccessible: true, StorageEncrypted: false, BackupRetentionPeriod: 1, MultiAZ: false})
    expect(pg?.DBSubnetGroup?.DBSubnetGroupName).toBe('default')
    const {DBInstance: maria} = await rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: 'maria', Engine: 'mariadb'}))
    expect(maria?.EngineVersion).toBe('10.11.10')
  })

  it('gives port 5432 in a postgres endpoint', async () => {
    const {rds, clock} = manualRds()
    await rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: 'pg', Engine: 'postgres'}))
    clock.advance(DURATIONS.rdsInstanceCreating)
    expect((await describeInstance(rds, 'pg'))?.Endpoint?.Port).toBe(5432)
  })

  it('validates the request as AWS does', async () => {
    const {rds, ec2} = manualRds()
    const both = rds.send(new CreateDBInstanceCommand({...MYSQL, MasterUserPassword: 'correct-horse'}))
    await expect(both).rejects.toThrow(RDSServiceException)
    await expect(both).rejects.toMatchObject({name: 'InvalidParameterCombination', $metadata: {httpStatusCode: 400}})
    const neither = rds.send(new CreateDBInstanceCommand({...MYSQL, ManageMasterUserPassword: undefined}))
    await expect(neither).rejects.toMatchObject({name: 'InvalidParameterValue', message: 'The parameter MasterUserPassword must be provided and must not be blank.'})
    const short = rds.send(new CreateDBInstanceCommand({...MYSQL, ManageMasterUserPassword: undefined, MasterUserPassword: 'short'}))
    await expect(short).rejects.toMatchObject({name: 'InvalidParameterValue', message: expect.stringContaining('shorter than 8 characters')})
    await expect(rds.send(new CreateDBInstanceCommand({...MYSQL, DBSubnetGroupName: 'nope'}))).rejects.toThrow(DBSubnetGroupNotFoundFault)
    await expect(rds.send(new CreateDBInstanceCommand({...MYSQL, VpcSecurityGroupIds: ['sg-0123456789abcdef0']}))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    })
    await expect(rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: '1db'}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(rds.send(new CreateDBInstanceCommand({...MYSQL, AllocatedStorage: 5}))).rejects.toMatchObject({
      message: 'Invalid storage size for engine name mysql and storage type gp3: 5',
    })
    await expect(rds.send(new CreateDBInstanceCommand({...MYSQL, Engine: 'aurora-mysql'}))).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    await rds.send(new CreateDBInstanceCommand(MYSQL))
    await expect(rds.send(new CreateDBInstanceCommand(MYSQL))).rejects.toThrow(DBInstanceAlreadyExistsFault)
    const {GroupId} = await ec2.send(new CreateSecurityGroupCommand({Description: 'db', GroupName: 'db'}))
    const {DBInstance} = await rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: 'with-sg', VpcSecurityGroupIds: [GroupId!]}))
    expect(DBInstance?.VpcSecurityGroups).toEqual([{VpcSecurityGroupId: GroupId, Status: 'active'}])
  })

  it('says DBInstanceNotFound as the SDK does: class DBInstanceNotFoundFault, Code DBInstanceNotFound, 404', async () => {
    const {rds} = manualRds()
    const lookup = rds.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: 'nope'}))
    await expect(lookup).rejects.toThrow(DBInstanceNotFoundFault)
    await expect(lookup).rejects.toMatchObject({
      name: 'DBInstanceNotFoundFault',
      Code: 'DBInstanceNotFound',
      message: 'DBInstance nope not found.',
      $fault: 'client',
      $metadata: {httpStatusCode: 404},
    })
  })

  it('pages DescribeDBInstances by Marker and checks MaxRecords', async () => {
    const {rds} = manualRds()
    for (let i = 0; i < 23; i += 1) await rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: `db-${String(i).padStart(2, '0')}`}))
    const pages: string[][] = []
    for await (const page of paginateDescribeDBInstances({client: rds, pageSize: 20}, {})) pages.push((page.DBInstances ?? []).map((i) => i.DBInstanceIdentifier ?? ''))
    expect(pages.map((page) => page.length)).toEqual([20, 3])
    expect(pages.flat()[0]).toBe('db-00')
    await expect(rds.send(new DescribeDBInstancesCommand({MaxRecords: 5}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(rds.send(new DescribeDBInstancesCommand({Filters: [{Name: 'bogus', Values: ['x']}]}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })

  it('modifies only when available; protection blocks deletion; a final snapshot is kept', async () => {
    const {rds, clock} = manualRds()
    await rds.send(new CreateDBInstanceCommand({...MYSQL, DeletionProtection: true}))
    const early = rds.send(new ModifyDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, DeletionProtection: false, ApplyImmediately: true}))
    await expect(early).rejects.toThrow(InvalidDBInstanceStateFault)
    const protectedDelete = rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, SkipFinalSnapshot: true}))
    await expect(protectedDelete).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'Cannot delete protected DB Instance, please disable deletion protection and try again.',
    })
    clock.advance(DURATIONS.rdsInstanceCreating + DURATIONS.rdsBackingUp)
    const {DBInstance: modified} = await rds.send(
      new ModifyDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, DeletionProtection: false, MultiAZ: true, BackupRetentionPeriod: 14, ApplyImmediately: true}),
    )
    expect(modified).toMatchObject({DeletionProtection: false, MultiAZ: true, BackupRetentionPeriod: 14, DBInstanceStatus: 'available'})
    expect(modified?.SecondaryAvailabilityZone).toBeDefined()
    await expect(rds.send(new ModifyDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, DBInstanceClass: 'db.r6g.large'}))).rejects.toMatchObject({
      name: 'SandboxUnsupportedOperation',
    })

    await expect(rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier}))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
    })
    const {DBInstance: deleting} = await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, FinalDBSnapshotIdentifier: 'hactl-demo-final-1'}))
    expect(deleting?.DBInstanceStatus).toBe('deleting')
    await expect(rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, SkipFinalSnapshot: true}))).rejects.toThrow(
      InvalidDBInstanceStateFault,
    )
    const {DBSnapshots: during} = await rds.send(new DescribeDBSnapshotsCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier}))
    expect(during).toEqual([expect.objectContaining({DBSnapshotIdentifier: 'hactl-demo-final-1', Status: 'creating', SnapshotType: 'manual'})])

    clock.advance(DURATIONS.rdsDeleting)
    await expect(describeInstance(rds, MYSQL.DBInstanceIdentifier!)).rejects.toThrow(DBInstanceNotFoundFault)
    const {DBSnapshots} = await rds.send(new DescribeDBSnapshotsCommand({DBSnapshotIdentifier: 'hactl-demo-final-1'}))
    expect(DBSnapshots?.[0]).toMatchObject({Status: 'available', DBInstanceIdentifier: 'hactl-demo-db', Engine: 'mysql', AllocatedStorage: 20})
    await expect(rds.send(new DescribeDBSnapshotsCommand({DBSnapshotIdentifier: 'other'}))).rejects.toMatchObject({name: 'DBSnapshotNotFoundFault'})

    // The same final snapshot name again is refused.
    await rds.send(new CreateDBInstanceCommand(MYSQL))
    clock.advance(DURATIONS.rdsInstanceCreating + DURATIONS.rdsBackingUp)
    const again = rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, FinalDBSnapshotIdentifier: 'hactl-demo-final-1'}))
    await expect(again).rejects.toThrow(DBSnapshotAlreadyExistsFault)
  })

  it('will not take a final snapshot of an instance still being created', async () => {
    const {rds} = manualRds()
    await rds.send(new CreateDBInstanceCommand(MYSQL))
    const early = rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, FinalDBSnapshotIdentifier: 'final'}))
    await expect(early).rejects.toMatchObject({name: 'InvalidDBInstanceStateFault', message: 'Instance hactl-demo-db is currently creating - a final snapshot cannot be taken.'})
    const {DBInstance} = await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, SkipFinalSnapshot: true}))
    expect(DBInstance?.DBInstanceStatus).toBe('deleting')
  })

  it('keeps tags by ARN', async () => {
    const {rds} = manualRds()
    const {DBInstance} = await rds.send(new CreateDBInstanceCommand({...MYSQL, Tags: [{Key: 'hactl:site', Value: 'demo'}]}))
    const arn = DBInstance?.DBInstanceArn ?? ''
    await rds.send(new AddTagsToResourceCommand({ResourceName: arn, Tags: [{Key: 'hactl:role', Value: 'db'}, {Key: 'hactl:site', Value: 'demo2'}]}))
    await rds.send(new RemoveTagsFromResourceCommand({ResourceName: arn, TagKeys: ['nothing']}))
    const {TagList} = await rds.send(new ListTagsForResourceCommand({ResourceName: arn}))
    expect(TagList).toEqual([{Key: 'hactl:site', Value: 'demo2'}, {Key: 'hactl:role', Value: 'db'}])
    await expect(rds.send(new ListTagsForResourceCommand({ResourceName: 'arn:aws:rds:eu-west-1:123456789012:db:gone'}))).rejects.toThrow(DBInstanceNotFoundFault)
    await expect(rds.send(new ListTagsForResourceCommand({ResourceName: 'nonsense'}))).rejects.toMatchObject({name: 'InvalidParameterValue'})
  })
})

describe('sandbox RDS: Aurora', () => {
  async function cluster(rds: RDSClient, group: string, extra: Record<string, unknown> = {}) {
    const {DBCluster} = await rds.send(
      new CreateDBClusterCommand({
        BackupRetentionPeriod: 7,
        DBClusterIdentifier: 'hactl-demo-aurora',
        DBSubnetGroupName: group,
        DatabaseName: 'wordpress',
        DeletionProtection: true,
        Engine: 'aurora-mysql',
        ManageMasterUserPassword: true,
        MasterUsername: 'hactl',
        StorageEncrypted: true,
        Tags: [{Key: 'hactl:site', Value: 'demo'}],
        ...extra,
      }),
    )
    return DBCluster
  }

  const member = (id: string): CreateDBInstanceCommandInput => ({
    DBClusterIdentifier: 'hactl-demo-aurora',
    DBInstanceClass: 'db.r6g.large',
    DBInstanceIdentifier: id,
    Engine: 'aurora-mysql',
  })

  it('creates a cluster and its instances, which take storage, backups and credentials from it', async () => {
    const {rds, ec2, clock} = manualRds()
    const group = await subnetGroup(rds, ec2)
    const created = await cluster(rds, group)
    expect(created).toMatchObject({
      Status: 'creating',
      Engine: 'aurora-mysql',
      EngineVersion: '8.0.mysql_aurora.3.08.0',
      Port: 3306,
      StorageEncrypted: true,
      DeletionProtection: true,
      DatabaseName: 'wordpress',
      DBSubnetGroup: group,
      DBClusterMembers: [],
      DBClusterArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:hactl-demo-aurora',
      MasterUserSecret: {SecretArn: expect.stringMatching(/:secret:rds!cluster-[0-9a-f-]{36}-[A-Za-z0-9]{6}$/), SecretStatus: 'active'},
    })
    expect(created?.Endpoint).toMatch(/^hactl-demo-aurora\.cluster-[a-z0-9]{12}\.eu-west-1\.rds\.amazonaws\.com$/)
    expect(created?.ReaderEndpoint).toMatch(/^hactl-demo-aurora\.cluster-ro-[a-z0-9]{12}\.eu-west-1\.rds\.amazonaws\.com$/)

    const owned = rds.send(new CreateDBInstanceCommand({...member('w'), MasterUserPassword: 'correct-horse'}))
    await expect(owned).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'The requested DB Instance will be a member of a DB Cluster. Set master user password for the DB Cluster.',
    })
    await expect(rds.send(new CreateDBInstanceCommand({...member('w'), Engine: 'aurora-postgresql'}))).rejects.toMatchObject({name: 'InvalidParameterCombination'})
    await expect(rds.send(new CreateDBInstanceCommand({...member('w'), DBClusterIdentifier: 'nope'}))).rejects.toThrow(DBClusterNotFoundFault)

    const {DBInstance: writer} = await rds.send(new CreateDBInstanceCommand(member('hactl-demo-aurora-1')))
    await rds.send(new CreateDBInstanceCommand(member('hactl-demo-aurora-2')))
    expect(writer).toMatchObject({DBInstanceStatus: 'creating', StorageEncrypted: true, BackupRetentionPeriod: 7, DBName: 'wordpress', MasterUsername: 'hactl', StorageType: 'aurora'})
    expect(writer?.MasterUserSecret).toBeUndefined()

    clock.advance(DURATIONS.auroraClusterCreating)
    const {DBClusters} = await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'hactl-demo-aurora'}))
    expect(DBClusters?.[0].Status).toBe('available')
    expect(DBClusters?.[0].DBClusterMembers).toEqual([
      expect.objectContaining({DBInstanceIdentifier: 'hactl-demo-aurora-1', IsClusterWriter: true}),
      expect.objectContaining({DBInstanceIdentifier: 'hactl-demo-aurora-2', IsClusterWriter: false}),
    ])
    expect(DBClusters?.[0].MultiAZ).toBe(true)
    expect((await describeInstance(rds, 'hactl-demo-aurora-1'))?.DBInstanceStatus).toBe('creating')
    clock.advance(DURATIONS.auroraInstanceCreating - DURATIONS.auroraClusterCreating)
    const {DBInstances} = await rds.send(new DescribeDBInstancesCommand({Filters: [{Name: 'db-cluster-id', Values: ['hactl-demo-aurora']}]}))
    expect(DBInstances?.map((instance) => [instance.DBInstanceIdentifier, instance.DBInstanceStatus])).toEqual([
      ['hactl-demo-aurora-1', 'available'],
      ['hactl-demo-aurora-2', 'available'],
    ])
  })

  it('deletes instances first, then the cluster, unprotected, with a final cluster snapshot', async () => {
    const {rds, ec2, clock} = manualRds()
    const group = await subnetGroup(rds, ec2)
    await cluster(rds, group)
    await rds.send(new CreateDBInstanceCommand(member('one')))
    clock.advance(DURATIONS.auroraInstanceCreating)
    await expect(rds.send(new DeleteDBClusterCommand({DBClusterIdentifier: 'hactl-demo-aurora', SkipFinalSnapshot: true}))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'Cannot delete protected Cluster, please disable deletion protection and try again.',
    })
    await rds.send(new ModifyDBClusterCommand({DBClusterIdentifier: 'hactl-demo-aurora', DeletionProtection: false, ApplyImmediately: true}))
    const withMembers = rds.send(new DeleteDBClusterCommand({DBClusterIdentifier: 'hactl-demo-aurora', SkipFinalSnapshot: true}))
    await expect(withMembers).rejects.toThrow(InvalidDBClusterStateFault)
    await expect(withMembers).rejects.toMatchObject({message: 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.'})
    await expect(rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'one', FinalDBSnapshotIdentifier: 'x'}))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
    })
    await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'one'}))
    const {DBCluster} = await rds.send(new DeleteDBClusterCommand({DBClusterIdentifier: 'hactl-demo-aurora', FinalDBSnapshotIdentifier: 'hactl-demo-aurora-final'}))
    expect(DBCluster?.Status).toBe('deleting')
    clock.advance(DURATIONS.rdsDeleting)
    await expect(rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'hactl-demo-aurora'}))).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
      $metadata: {httpStatusCode: 404},
    })
    const {DBClusterSnapshots} = await rds.send(new DescribeDBClusterSnapshotsCommand({DBClusterIdentifier: 'hactl-demo-aurora'}))
    expect(DBClusterSnapshots).toEqual([expect.objectContaining({DBClusterSnapshotIdentifier: 'hactl-demo-aurora-final', Status: 'available', StorageEncrypted: true})])
    // The subnet group is free again.
    await rds.send(new DeleteDBSubnetGroupCommand({DBSubnetGroupName: group}))
  })
})

describe('sandbox RDS: SDK waiters and faults', () => {
  const FAST_WAITER = {minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 10}

  it('waitUntilDBInstanceAvailable / Deleted and waitUntilDBClusterAvailable / Deleted succeed', async () => {
    const sandbox = sandboxClients({stateDir: tempStateDir(), speed: 1e4})
    const rds = rdsClient(sandbox)
    await rds.send(new CreateDBInstanceCommand(MYSQL))
    expect((await waitUntilDBInstanceAvailable({client: rds, ...FAST_WAITER}, {DBInstanceIdentifier: MYSQL.DBInstanceIdentifier})).state).toBe('SUCCESS')
    await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, SkipFinalSnapshot: true}))
    expect((await waitUntilDBInstanceDeleted({client: rds, ...FAST_WAITER}, {DBInstanceIdentifier: MYSQL.DBInstanceIdentifier})).state).toBe('SUCCESS')

    await rds.send(new CreateDBClusterCommand({DBClusterIdentifier: 'c', Engine: 'aurora-postgresql', MasterUsername: 'hactl', ManageMasterUserPassword: true}))
    expect((await waitUntilDBClusterAvailable({client: rds, ...FAST_WAITER}, {DBClusterIdentifier: 'c'})).state).toBe('SUCCESS')
    await rds.send(new DeleteDBClusterCommand({DBClusterIdentifier: 'c', SkipFinalSnapshot: true}))
    expect((await waitUntilDBClusterDeleted({client: rds, ...FAST_WAITER}, {DBClusterIdentifier: 'c'})).state).toBe('SUCCESS')
  })

  it('throttles with Throttling (retried) and fails with InternalFailure', async () => {
    const throttled = manualRds({faults: ['throttle:rds:DescribeDBInstances*2']})
    const {DBInstances} = await throttled.rds.send(new DescribeDBInstancesCommand({}))
    expect(DBInstances).toEqual([])
    const failing = manualRds({faults: ['fail:rds:CreateDBInstance']})
    await expect(failing.rds.send(new CreateDBInstanceCommand(MYSQL))).rejects.toMatchObject({name: 'InternalFailure', $fault: 'server'})
  })
})
