/**
 * The factory's RDS interface against the sandbox: hactl's own code path
 * (narrow interface → SDK client → retry strategy → SDK waiter → sandbox).
 */

import {AwsError, TimeoutError, UserError} from '../../../src/core/errors'
import {sandboxClients, twoDefaultSubnets, useTempDir} from '../../_helpers/sandbox-dir'

describe('RDS through the client factory, on the sandbox', () => {
  const sandboxDir = useTempDir('hactl-rds-')

  function clients(faults: string[] = []) {
    // 10 000x: RDS's 30 s waiter poll is 3 ms, a 13-minute instance launch 78 ms of real time.
    return sandboxClients(sandboxDir.path, {faults, speed: 1e4})
  }

  const tags = {'hactl:role': 'db', 'hactl:site': 'demo'}

  it('creates a Multi-AZ MySQL instance, waits for it, and deletes it keeping a final snapshot', async () => {
    const {aws, reporter} = clients()
    const rds = await aws.rds()
    expect(await rds.describeSubnetGroup('hactl-demo')).toBeUndefined()
    const group = await rds.createSubnetGroup({description: 'hactl demo', name: 'hactl-demo', subnetIds: await twoDefaultSubnets(aws), tags})
    expect(group.Subnets).toHaveLength(2)
    expect((await rds.describeSubnetGroup('hactl-demo'))?.DBSubnetGroupName).toBe('hactl-demo')

    const created = await rds.createInstance({
      AllocatedStorage: 20,
      DBInstanceClass: 'db.t4g.small',
      DBInstanceIdentifier: 'hactl-demo-db',
      DBSubnetGroupName: 'hactl-demo',
      DeletionProtection: true,
      Engine: 'mysql',
      ManageMasterUserPassword: true,
      MasterUsername: 'hactl',
      MultiAZ: true,
      PubliclyAccessible: false,
      StorageEncrypted: true,
      Tags: [{Key: 'hactl:site', Value: 'demo'}],
    })
    expect(created.DBInstanceStatus).toBe('creating')
    expect(reporter.ofType('wait')).toHaveLength(0)

    const available = await rds.waitForInstanceAvailable('hactl-demo-db', {timeoutMs: 60 * 60_000})
    expect(available).toMatchObject({DBInstanceStatus: 'available', MultiAZ: true, Endpoint: {Port: 3306}})
    expect(available.MasterUserSecret?.SecretArn).toMatch(/:secret:rds!db-/)
    expect(reporter.ofType('wait').at(-1)).toMatchObject({status: 'hactl-demo-db available', what: 'DB instance hactl-demo-db to be available'})

    await expect(rds.deleteInstance('hactl-demo-db', 'hactl-demo-db-final')).rejects.toMatchObject({awsCode: 'InvalidParameterCombination'})
    await rds.setInstanceDeletionProtection('hactl-demo-db', false)
    await expect(rds.deleteSubnetGroup('hactl-demo')).rejects.toMatchObject({awsCode: 'InvalidDBSubnetGroupStateFault'})
    await rds.deleteInstance('hactl-demo-db', 'hactl-demo-db-final')
    await rds.waitForInstanceDeleted('hactl-demo-db', {timeoutMs: 60 * 60_000})
    expect(await rds.describeInstance('hactl-demo-db')).toBeUndefined()

    await rds.deleteSubnetGroup('hactl-demo')
    expect(await rds.describeSubnetGroup('hactl-demo')).toBeUndefined()
    // Deleting what is gone is done: a re-run destroy gets through.
    await rds.deleteSubnetGroup('hactl-demo')
  })

  it('creates an Aurora cluster with two instances, waits for both, and deletes them in order', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    await rds.createSubnetGroup({description: 'hactl demo', name: 'hactl-demo', subnetIds: await twoDefaultSubnets(aws), tags})
    const cluster = await rds.createCluster({
      DBClusterIdentifier: 'hactl-demo-aurora',
      DBSubnetGroupName: 'hactl-demo',
      DeletionProtection: true,
      Engine: 'aurora-postgresql',
      ManageMasterUserPassword: true,
      MasterUsername: 'hactl',
      StorageEncrypted: true,
    })
    expect(cluster.Status).toBe('creating')
    for (const id of ['hactl-demo-aurora-1', 'hactl-demo-aurora-2']) {
      await rds.createInstance({DBClusterIdentifier: 'hactl-demo-aurora', DBInstanceClass: 'db.r6g.large', DBInstanceIdentifier: id, Engine: 'aurora-postgresql'})
    }

    const available = await rds.waitForClusterAvailable('hactl-demo-aurora', {timeoutMs: 60 * 60_000})
    expect(available).toMatchObject({Status: 'available', Port: 5432})
    expect(available.Endpoint).toMatch(/^hactl-demo-aurora\.cluster-/)
    const members = await rds.describeClusterInstances('hactl-demo-aurora')
    expect(members.map((instance) => instance.DBInstanceIdentifier)).toEqual(['hactl-demo-aurora-1', 'hactl-demo-aurora-2'])
    for (const member of members) {
      const ready = await rds.waitForInstanceAvailable(member.DBInstanceIdentifier ?? '', {timeoutMs: 60 * 60_000})
      expect(ready.DBInstanceStatus).toBe('available')
    }

    expect(await rds.describeCluster('nope')).toBeUndefined()
    for (const member of members) await rds.deleteInstance(member.DBInstanceIdentifier ?? '', undefined)
    await rds.setClusterDeletionProtection('hactl-demo-aurora', false)
    await rds.deleteCluster('hactl-demo-aurora', 'hactl-demo-aurora-final')
    await rds.waitForClusterDeleted('hactl-demo-aurora', {timeoutMs: 60 * 60_000})
    for (const member of members) await rds.waitForInstanceDeleted(member.DBInstanceIdentifier ?? '', {timeoutMs: 60 * 60_000})
    expect(await rds.describeCluster('hactl-demo-aurora')).toBeUndefined()
    expect(await rds.describeClusterInstances('hactl-demo-aurora')).toEqual([])
  })

  it('fails a wait for an instance that does not exist at once, as an AWS error', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    const wait = rds.waitForInstanceAvailable('nope', {timeoutMs: 60 * 60_000})
    await expect(wait).rejects.toBeInstanceOf(AwsError)
    await expect(wait).rejects.toMatchObject({awsCode: 'DBInstanceNotFoundFault'})
  })

  it('times out a wait that outlasts its deadline, saying what it last saw', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    await rds.createInstance({
      AllocatedStorage: 20,
      DBInstanceClass: 'db.t4g.small',
      DBInstanceIdentifier: 'slow',
      Engine: 'postgres',
      ManageMasterUserPassword: true,
      MasterUsername: 'hactl',
    })
    const wait = rds.waitForInstanceAvailable('slow', {timeoutMs: 2 * 60_000})
    await expect(wait).rejects.toBeInstanceOf(TimeoutError)
    await expect(wait).rejects.toMatchObject({message: expect.stringContaining('(last seen: slow creating)')})
  })

  it('finds the version a create would use and its parameter group family, or says the version does not exist', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    expect(await rds.engineVersion('mysql')).toEqual({family: 'mysql8.0', version: '8.0.40'})
    expect(await rds.engineVersion('mysql', '8.4')).toEqual({family: 'mysql8.4', version: '8.4.3'})
    expect(await rds.engineVersion('mysql', '8.0.39')).toEqual({family: 'mysql8.0', version: '8.0.39'})
    expect(await rds.engineVersion('postgres', '17')).toEqual({family: 'postgres17', version: '17.2'})
    expect(await rds.engineVersion('aurora-mysql')).toEqual({family: 'aurora-mysql8.0', version: '8.0.mysql_aurora.3.08.0'})
    const missing = rds.engineVersion('mysql', '9.9')
    await expect(missing).rejects.toBeInstanceOf(UserError)
    await expect(missing).rejects.toMatchObject({
      message: 'RDS has no mysql version 9.9 in this Region.',
      suggestions: [expect.stringContaining('database.version'), expect.stringContaining('aws rds describe-db-engine-versions --engine mysql')],
    })
    await expect(rds.engineVersion('nosuch')).rejects.toMatchObject({message: 'RDS has no default nosuch version in this Region.'})
  })

  it('makes a parameter group of the family with TLS required, then leaves it, or puts a drifted value back', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    const input = {cluster: false, description: 'hactl demo: TLS required', family: 'mysql8.0', name: 'hactl-demo-db', parameters: {require_secure_transport: '1'}, tags}
    expect(await rds.parameterValues('default.mysql8.0', false, ['require_secure_transport', 'max_connections'])).toEqual({
      max_connections: '{DBInstanceClassMemory/12582880}',
      require_secure_transport: undefined,
    })
    expect(await rds.ensureParameterGroup(input)).toBe(true)
    expect(await rds.parameterValues('hactl-demo-db', false, ['require_secure_transport'])).toEqual({require_secure_transport: '1'})
    expect(await rds.ensureParameterGroup(input)).toBe(false)
    // A static parameter goes in as pending-reboot (RDS refuses immediate for it), a dynamic one as immediate.
    expect(await rds.ensureParameterGroup({...input, parameters: {innodb_buffer_pool_size: '{DBInstanceClassMemory*1/2}', require_secure_transport: '0'}})).toBe(false)
    expect(await rds.parameterValues('hactl-demo-db', false, ['require_secure_transport', 'innodb_buffer_pool_size'])).toEqual({
      innodb_buffer_pool_size: '{DBInstanceClassMemory*1/2}',
      require_secure_transport: '0',
    })
    await rds.ensureParameterGroup(input)
    expect(await rds.parameterValues('hactl-demo-db', false, ['require_secure_transport'])).toEqual({require_secure_transport: '1'})

    const otherFamily = rds.ensureParameterGroup({...input, family: 'mysql8.4'})
    await expect(otherFamily).rejects.toBeInstanceOf(UserError)
    await expect(otherFamily).rejects.toMatchObject({
      message: 'The DB parameter group hactl-demo-db exists with family mysql8.0, but this database needs family mysql8.4.',
      suggestions: [expect.stringContaining('aws rds delete-db-parameter-group --db-parameter-group-name hactl-demo-db')],
    })
    await expect(rds.ensureParameterGroup({...input, parameters: {no_such_parameter: '1'}})).rejects.toMatchObject({awsCode: 'InvalidParameterValue'})

    const cluster = {...input, cluster: true, family: 'aurora-mysql8.0', name: 'hactl-demo-aurora', parameters: {require_secure_transport: 'ON'}}
    expect(await rds.ensureParameterGroup(cluster)).toBe(true)
    expect(await rds.parameterValues('hactl-demo-aurora', true, ['require_secure_transport'])).toEqual({require_secure_transport: 'ON'})
    expect(await rds.ensureParameterGroup(cluster)).toBe(false)
    // PostgreSQL 16 requires TLS already: the new group needs no change.
    expect(await rds.ensureParameterGroup({...input, family: 'postgres16', name: 'hactl-pg', parameters: {'rds.force_ssl': '1'}})).toBe(true)
    expect(await rds.parameterValues('hactl-pg', false, ['rds.force_ssl'])).toEqual({'rds.force_ssl': '1'})
  })

  it('lists an instance\'s final snapshots newest first after it is gone, restores the newest and has RDS manage its password', async () => {
    const {aws, reporter} = clients()
    const rds = await aws.rds()
    const wait = {timeoutMs: 60 * 60_000}
    expect(await rds.listSnapshots({cluster: false, prefix: 'hactl-demo-db-final-', sourceId: 'hactl-demo-db'})).toEqual([])
    await rds.ensureParameterGroup({cluster: false, description: 'TLS', family: 'mysql8.0', name: 'hactl-demo-db', parameters: {require_secure_transport: '1'}, tags})
    const create = {
      AllocatedStorage: 20,
      DBInstanceClass: 'db.t4g.small',
      DBInstanceIdentifier: 'hactl-demo-db',
      DBParameterGroupName: 'hactl-demo-db',
      Engine: 'mysql',
      ManageMasterUserPassword: true,
      MasterUsername: 'hactl',
      StorageEncrypted: true,
    }
    for (const snapshot of ['hactl-demo-db-final-20250101t000000z', 'hactl-demo-db-final-20250102t000000z', 'hactl-demo-db-kept-by-hand']) {
      await rds.createInstance(create)
      await rds.waitForInstanceAvailable('hactl-demo-db', wait)
      await rds.deleteInstance('hactl-demo-db', snapshot)
      await rds.waitForInstanceDeleted('hactl-demo-db', wait)
    }

    const snapshots = await rds.listSnapshots({cluster: false, prefix: 'hactl-demo-db-final-', sourceId: 'hactl-demo-db'})
    expect(snapshots.map((snapshot) => [snapshot.id, snapshot.status])).toEqual([
      ['hactl-demo-db-final-20250102t000000z', 'available'],
      ['hactl-demo-db-final-20250101t000000z', 'available'],
    ])
    expect(snapshots[0].createdAt?.getTime()).toBeGreaterThan(snapshots[1].createdAt?.getTime() ?? Number.POSITIVE_INFINITY)
    expect(await rds.listSnapshots({cluster: true, prefix: 'hactl-demo-db-final-', sourceId: 'hactl-demo-db'})).toEqual([])

    const restored = await rds.restoreInstanceFromSnapshot({
      DBInstanceIdentifier: 'hactl-demo-db',
      DBParameterGroupName: 'hactl-demo-db',
      DBSnapshotIdentifier: snapshots[0].id,
      DeletionProtection: true,
      PubliclyAccessible: false,
    })
    expect(restored).toMatchObject({DBInstanceStatus: 'creating', StorageEncrypted: true, DBParameterGroups: [{DBParameterGroupName: 'hactl-demo-db'}]})
    expect(restored.MasterUserSecret).toBeUndefined()
    await rds.waitForInstanceAvailable('hactl-demo-db', wait)
    const managed = await rds.manageMasterUserPassword('hactl-demo-db', false)
    expect(managed.MasterUserSecret?.SecretArn).toMatch(/:secret:rds!db-/)
    expect((await rds.describeInstance('hactl-demo-db'))?.MasterUserSecret?.SecretStatus).toBe('active')
    expect(reporter.ofType('wait').length).toBeGreaterThan(0)
  })

  it('lists a cluster\'s final snapshot and restores the cluster, then its instance', async () => {
    const {aws} = clients()
    const rds = await aws.rds()
    const wait = {timeoutMs: 60 * 60_000}
    await rds.createSubnetGroup({description: 'hactl demo', name: 'hactl-demo', subnetIds: await twoDefaultSubnets(aws), tags})
    await rds.createCluster({DBClusterIdentifier: 'hactl-demo-db', DBSubnetGroupName: 'hactl-demo', Engine: 'aurora-mysql', ManageMasterUserPassword: true, MasterUsername: 'hactl', StorageEncrypted: true})
    const member = {DBClusterIdentifier: 'hactl-demo-db', DBInstanceClass: 'db.r6g.large', DBInstanceIdentifier: 'hactl-demo-db-1', Engine: 'aurora-mysql'}
    await rds.createInstance(member)
    await rds.waitForClusterAvailable('hactl-demo-db', wait)
    await rds.waitForInstanceAvailable('hactl-demo-db-1', wait)
    await rds.deleteInstance('hactl-demo-db-1', undefined)
    await rds.deleteCluster('hactl-demo-db', 'hactl-demo-db-final-20250101t000000z')
    await rds.waitForClusterDeleted('hactl-demo-db', wait)

    const snapshots = await rds.listSnapshots({cluster: true, prefix: 'hactl-demo-db-final-', sourceId: 'hactl-demo-db'})
    expect(snapshots).toEqual([{createdAt: expect.any(Date), engineVersion: '8.0.mysql_aurora.3.08.0', id: 'hactl-demo-db-final-20250101t000000z', status: 'available'}])
    const restored = await rds.restoreClusterFromSnapshot({
      DBClusterIdentifier: 'hactl-demo-db',
      DBSubnetGroupName: 'hactl-demo',
      Engine: 'aurora-mysql',
      SnapshotIdentifier: snapshots[0].id,
    })
    expect(restored).toMatchObject({Status: 'creating', StorageEncrypted: true, MasterUsername: 'hactl'})
    await rds.createInstance(member)
    await rds.waitForClusterAvailable('hactl-demo-db', wait)
    const managed = await rds.manageMasterUserPassword('hactl-demo-db', true)
    expect(managed.MasterUserSecret?.SecretArn).toMatch(/:secret:rds!cluster-/)
  })

  it('retries throttling and passes AWS errors through with their code', async () => {
    const {aws, reporter} = clients(['throttle:rds:DescribeDBInstances*2'])
    const rds = await aws.rds()
    expect(await rds.describeInstance('nope')).toBeUndefined()
    expect(reporter.ofType('retry').map((event) => event.errorCode)).toEqual(['Throttling', 'Throttling'])
    await expect(
      rds.createInstance({DBInstanceClass: 'db.t4g.small', DBInstanceIdentifier: 'x', Engine: 'mysql', MasterUsername: 'hactl', AllocatedStorage: 20}),
    ).rejects.toMatchObject({awsCode: 'InvalidParameterValue', exitCode: expect.any(Number)})
  })
})
