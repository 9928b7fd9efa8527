import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  DBClusterParameterGroupNotFoundFault,
  DBParameterGroupAlreadyExistsFault,
  DBParameterGroupNotFoundFault,
  DeleteDBClusterCommand,
  DeleteDBClusterParameterGroupCommand,
  DeleteDBInstanceCommand,
  DeleteDBParameterGroupCommand,
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClusterParametersCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBParametersCommand,
  InvalidDBParameterGroupStateFault,
  ListTagsForResourceCommand,
  ModifyDBClusterParameterGroupCommand,
  ModifyDBParameterGroupCommand,
  type RDSClient,
  type Parameter,
} from '@aws-sdk/client-rds'

import {DURATIONS} from '../../../src/sandbox/durations'
import {removeTempStateDirs} from './clients'
import {MYSQL, manualRds} from './rds-fixtures'

afterAll(removeTempStateDirs)

async function versions(rds: RDSClient, input: {Engine?: string; EngineVersion?: string; DefaultOnly?: boolean; DBParameterGroupFamily?: string}) {
  const {DBEngineVersions} = await rds.send(new DescribeDBEngineVersionsCommand(input))
  return (DBEngineVersions ?? []).map((version) => [version.EngineVersion, version.DBParameterGroupFamily])
}

async function parameters(rds: RDSClient, group: string, Source?: string): Promise<Parameter[]> {
  const {Parameters} = await rds.send(new DescribeDBParametersCommand({DBParameterGroupName: group, Source}))
  return Parameters ?? []
}

function modify(group: string, ...changes: Array<[name: string, value: string, method?: 'immediate' | 'pending-reboot']>) {
  return new ModifyDBParameterGroupCommand({
    DBParameterGroupName: group,
    Parameters: changes.map(([ParameterName, ParameterValue, ApplyMethod = 'immediate']) => ({ParameterName, ParameterValue, ApplyMethod})),
  })
}

describe('sandbox RDS: engine versions', () => {
  it('gives each engine\'s default version with its parameter group family', async () => {
    const {rds} = manualRds()
    expect(await versions(rds, {DefaultOnly: true})).toEqual([
      ['8.0.40', 'mysql8.0'],
      ['10.11.10', 'mariadb10.11'],
      ['16.6', 'postgres16'],
      ['8.0.mysql_aurora.3.08.0', 'aurora-mysql8.0'],
      ['16.6', 'aurora-postgresql16'],
    ])
    const {DBEngineVersions} = await rds.send(new DescribeDBEngineVersionsCommand({Engine: 'mariadb', DefaultOnly: true}))
    expect(DBEngineVersions).toEqual([
      expect.objectContaining({Engine: 'mariadb', EngineVersion: '10.11.10', MajorEngineVersion: '10.11', DBParameterGroupFamily: 'mariadb10.11', Status: 'available'}),
    ])
  })

  it('filters by engine, version (exact or major) and family; DefaultOnly gives the major version\'s default', async () => {
    const {rds} = manualRds()
    expect(await versions(rds, {Engine: 'mysql'})).toEqual([
      ['8.0.39', 'mysql8.0'],
      ['8.0.40', 'mysql8.0'],
      ['8.0.41', 'mysql8.0'],
      ['8.4.3', 'mysql8.4'],
      ['8.4.4', 'mysql8.4'],
    ])
    expect(await versions(rds, {Engine: 'mysql', EngineVersion: '8.0.39'})).toEqual([['8.0.39', 'mysql8.0']])
    expect(await versions(rds, {Engine: 'mysql', EngineVersion: '8.0.39', DefaultOnly: true})).toEqual([['8.0.40', 'mysql8.0']])
    expect(await versions(rds, {Engine: 'mysql', EngineVersion: '8.4', DefaultOnly: true})).toEqual([['8.4.3', 'mysql8.4']])
    expect(await versions(rds, {Engine: 'postgres', EngineVersion: '17'})).toEqual([['17.2', 'postgres17']])
    expect(await versions(rds, {DBParameterGroupFamily: 'mariadb11.4'})).toEqual([
      ['11.4.3', 'mariadb11.4'],
      ['11.4.4', 'mariadb11.4'],
    ])
    expect(await versions(rds, {Engine: 'aurora-mysql', EngineVersion: '8.0', DefaultOnly: true})).toEqual([['8.0.mysql_aurora.3.08.0', 'aurora-mysql8.0']])
    expect(await versions(rds, {Engine: 'mysql', EngineVersion: '9.9'})).toEqual([])
    expect(await versions(rds, {Engine: 'nosuch'})).toEqual([])
  })

  it('creates with the default version when none is given, the major\'s default for "8.4", and refuses an unknown one', async () => {
    const {rds} = manualRds()
    const {DBInstance: plain} = await rds.send(new CreateDBInstanceCommand(MYSQL))
    expect(plain).toMatchObject({EngineVersion: '8.0.40', DBParameterGroups: [{DBParameterGroupName: 'default.mysql8.0', ParameterApplyStatus: 'in-sync'}]})
    const {DBInstance: major} = await rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: 'major', EngineVersion: '8.4'}))
    expect(major).toMatchObject({EngineVersion: '8.4.3', DBParameterGroups: [{DBParameterGroupName: 'default.mysql8.4'}]})
    const {DBInstance: exact} = await rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: 'exact', Engine: 'postgres', EngineVersion: '17.2'}))
    expect(exact?.DBParameterGroups?.[0].DBParameterGroupName).toBe('default.postgres17')
    const unknown = rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceIdentifier: 'unknown', EngineVersion: '9.9'}))
    await expect(unknown).rejects.toMatchObject({name: 'InvalidParameterCombination', message: 'Cannot find version 9.9 for mysql'})
    const {DBCluster} = await rds.send(new CreateDBClusterCommand({DBClusterIdentifier: 'c', Engine: 'aurora-postgresql', MasterUsername: 'hactl', ManageMasterUserPassword: true}))
    expect(DBCluster).toMatchObject({EngineVersion: '16.6', DBClusterParameterGroup: 'default.aurora-postgresql16'})
  })
})

describe('sandbox RDS: DB parameter groups', () => {
  it('creates a group with the family\'s defaults, lists it beside the default groups, tags it and deletes it', async () => {
    const {rds} = manualRds()
    const {DBParameterGroup} = await rds.send(
      new CreateDBParameterGroupCommand({
        DBParameterGroupName: 'Hactl-Demo-DB',
        DBParameterGroupFamily: 'mysql8.0',
        Description: 'hactl demo: TLS required',
        Tags: [{Key: 'hactl:site', Value: 'demo'}],
      }),
    )
    expect(DBParameterGroup).toEqual({
      DBParameterGroupName: 'hactl-demo-db',
      DBParameterGroupFamily: 'mysql8.0',
      Description: 'hactl demo: TLS required',
      DBParameterGroupArn: 'arn:aws:rds:eu-west-1:123456789012:pg:hactl-demo-db',
    })
    const {TagList} = await rds.send(new ListTagsForResourceCommand({ResourceName: DBParameterGroup?.DBParameterGroupArn}))
    expect(TagList).toEqual([{Key: 'hactl:site', Value: 'demo'}])
    const {DBParameterGroups} = await rds.send(new DescribeDBParameterGroupsCommand({}))
    expect(DBParameterGroups?.map((group) => group.DBParameterGroupName)).toEqual(expect.arrayContaining(['default.mysql8.0', 'default.postgres16', 'hactl-demo-db']))

    const shown = await parameters(rds, 'HACTL-DEMO-DB')
    expect(shown.find((parameter) => parameter.ParameterName === 'require_secure_transport')).toEqual({
      ParameterName: 'require_secure_transport',
      Description: expect.any(String),
      Source: 'engine-default',
      ApplyType: 'dynamic',
      DataType: 'boolean',
      AllowedValues: '0,1',
      IsModifiable: true,
      ApplyMethod: 'pending-reboot',
    })
    expect(shown.find((parameter) => parameter.ParameterName === 'max_connections')).toMatchObject({ParameterValue: '{DBInstanceClassMemory/12582880}', Source: 'system'})
    expect(await parameters(rds, 'hactl-demo-db', 'user')).toEqual([])

    await rds.send(new DeleteDBParameterGroupCommand({DBParameterGroupName: 'hactl-demo-db'}))
    const gone = rds.send(new DescribeDBParameterGroupsCommand({DBParameterGroupName: 'hactl-demo-db'}))
    await expect(gone).rejects.toThrow(DBParameterGroupNotFoundFault)
    await expect(gone).rejects.toMatchObject({Code: 'DBParameterGroupNotFound', message: 'DBParameterGroup not found: hactl-demo-db', $metadata: {httpStatusCode: 404}})
  })

  it('refuses a taken name, a bad name or family, and changes to or deletion of a default group', async () => {
    const {rds} = manualRds()
    const create = (name: string, family = 'mysql8.0') =>
      rds.send(new CreateDBParameterGroupCommand({DBParameterGroupName: name, DBParameterGroupFamily: family, Description: 'd'}))
    await create('taken')
    const again = create('TAKEN')
    await expect(again).rejects.toThrow(DBParameterGroupAlreadyExistsFault)
    await expect(again).rejects.toMatchObject({Code: 'DBParameterGroupAlreadyExists', message: 'Parameter group taken already exists'})
    await expect(create('bad--name')).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(create('default.mysql8.0')).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(create('x', 'mysql5.6')).rejects.toMatchObject({name: 'InvalidParameterValue', message: expect.stringContaining('mysql5.6')})
    const deleteDefault = rds.send(new DeleteDBParameterGroupCommand({DBParameterGroupName: 'default.mysql8.0'}))
    await expect(deleteDefault).rejects.toThrow(InvalidDBParameterGroupStateFault)
    await expect(deleteDefault).rejects.toMatchObject({message: 'Default DBParameterGroup cannot be deleted: default.mysql8.0'})
    await expect(rds.send(modify('default.mysql8.0', ['require_secure_transport', '1']))).rejects.toThrow(InvalidDBParameterGroupStateFault)
    await expect(rds.send(new DeleteDBParameterGroupCommand({DBParameterGroupName: 'nope'}))).rejects.toThrow(DBParameterGroupNotFoundFault)
    await expect(rds.send(modify('nope', ['require_secure_transport', '1']))).rejects.toThrow(DBParameterGroupNotFoundFault)
  })

  it('modifies parameters as RDS checks them: name, allowed value, apply method; all or nothing', async () => {
    const {rds} = manualRds()
    await rds.send(new CreateDBParameterGroupCommand({DBParameterGroupName: 'g', DBParameterGroupFamily: 'mariadb10.11', Description: 'd'}))
    const {DBParameterGroupName} = await rds.send(modify('G', ['require_secure_transport', '1']))
    expect(DBParameterGroupName).toBe('g')
    expect(await parameters(rds, 'g', 'user')).toEqual([expect.objectContaining({ParameterName: 'require_secure_transport', ParameterValue: '1', ApplyMethod: 'immediate', Source: 'user'})])

    await expect(rds.send(modify('g', ['no_such_thing', '1']))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Could not find parameter with name: no_such_thing',
    })
    await expect(rds.send(modify('g', ['require_secure_transport', '2']))).rejects.toMatchObject({name: 'InvalidParameterValue'})
    await expect(rds.send(modify('g', ['max_connections', '0']))).rejects.toMatchObject({name: 'InvalidParameterValue'})
    const staticNow = rds.send(modify('g', ['slow_query_log', '1'], ['innodb_buffer_pool_size', '1073741824', 'immediate']))
    await expect(staticNow).rejects.toMatchObject({name: 'InvalidParameterCombination', message: 'cannot use immediate apply method for static parameter'})
    // The refused call changed nothing, not even its valid first parameter.
    expect((await parameters(rds, 'g', 'user')).map((parameter) => parameter.ParameterName)).toEqual(['require_secure_transport'])
    await rds.send(modify('g', ['innodb_buffer_pool_size', '{DBInstanceClassMemory*1/2}', 'pending-reboot'], ['max_connections', '500']))
    expect((await parameters(rds, 'g', 'user')).map((parameter) => [parameter.ParameterName, parameter.ParameterValue, parameter.ApplyMethod])).toEqual([
      ['innodb_buffer_pool_size', '{DBInstanceClassMemory*1/2}', 'pending-reboot'],
      ['max_connections', '500', 'immediate'],
      ['require_secure_transport', '1', 'immediate'],
    ])
    const tooMany = Array.from({length: 21}, (): [string, string] => ['slow_query_log', '1'])
    await expect(rds.send(modify('g', ...tooMany))).rejects.toMatchObject({name: 'InvalidParameterValue', message: expect.stringContaining('20')})
  })

  it('defaults rds.force_ssl to 1 for PostgreSQL 16 and 17', async () => {
    const {rds} = manualRds()
    for (const family of ['postgres16', 'postgres17']) {
      const shown = await parameters(rds, `default.${family}`)
      expect(shown.find((parameter) => parameter.ParameterName === 'rds.force_ssl')).toMatchObject({ParameterValue: '1', ApplyType: 'dynamic', AllowedValues: '0,1'})
    }
  })

  it('makes an instance use a group of its family only, and keeps the group while the instance exists', async () => {
    const {rds, clock} = manualRds()
    await rds.send(new CreateDBParameterGroupCommand({DBParameterGroupName: 'tls84', DBParameterGroupFamily: 'mysql8.4', Description: 'd'}))
    const missing = rds.send(new CreateDBInstanceCommand({...MYSQL, DBParameterGroupName: 'nope'}))
    await expect(missing).rejects.toThrow(DBParameterGroupNotFoundFault)
    const wrongFamily = rds.send(new CreateDBInstanceCommand({...MYSQL, DBParameterGroupName: 'tls84'}))
    await expect(wrongFamily).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message:
        'The Parameter Group tls84 with DBParameterGroupFamily mysql8.4 cannot be used for this instance. Please use a Parameter Group with DBParameterGroupFamily mysql8.0',
    })
    const {DBInstance} = await rds.send(new CreateDBInstanceCommand({...MYSQL, EngineVersion: '8.4.4', DBParameterGroupName: 'TLS84'}))
    expect(DBInstance?.DBParameterGroups).toEqual([{DBParameterGroupName: 'tls84', ParameterApplyStatus: 'in-sync'}])
    const inUse = rds.send(new DeleteDBParameterGroupCommand({DBParameterGroupName: 'tls84'}))
    await expect(inUse).rejects.toThrow(InvalidDBParameterGroupStateFault)
    await expect(inUse).rejects.toMatchObject({message: 'One or more database instances are still members of this parameter group tls84, so the group cannot be deleted'})
    await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: MYSQL.DBInstanceIdentifier, SkipFinalSnapshot: true}))
    clock.advance(DURATIONS.rdsDeleting)
    await rds.send(new DeleteDBParameterGroupCommand({DBParameterGroupName: 'tls84'}))
  })
})

describe('sandbox RDS: DB cluster parameter groups', () => {
  const cluster = (extra: Record<string, unknown> = {}) =>
    new CreateDBClusterCommand({DBClusterIdentifier: 'aurora', Engine: 'aurora-mysql', MasterUsername: 'hactl', ManageMasterUserPassword: true, ...extra})

  it('holds Aurora MySQL\'s require_secure_transport as OFF/ON and is used by a cluster of its family', async () => {
    const {rds, clock} = manualRds()
    const {DBClusterParameterGroup} = await rds.send(
      new CreateDBClusterParameterGroupCommand({DBClusterParameterGroupName: 'hactl-aurora', DBParameterGroupFamily: 'aurora-mysql8.0', Description: 'd'}),
    )
    expect(DBClusterParameterGroup).toMatchObject({
      DBClusterParameterGroupName: 'hactl-aurora',
      DBClusterParameterGroupArn: 'arn:aws:rds:eu-west-1:123456789012:cluster-pg:hactl-aurora',
    })
    const {Parameters} = await rds.send(new DescribeDBClusterParametersCommand({DBClusterParameterGroupName: 'hactl-aurora'}))
    expect(Parameters?.find((parameter) => parameter.ParameterName === 'require_secure_transport')).toMatchObject({AllowedValues: 'OFF,ON', ApplyType: 'dynamic'})
    expect(Parameters?.find((parameter) => parameter.ParameterName === 'require_secure_transport')?.ParameterValue).toBeUndefined()
    const set = (value: string) =>
      rds.send(
        new ModifyDBClusterParameterGroupCommand({
          DBClusterParameterGroupName: 'hactl-aurora',
          Parameters: [{ParameterName: 'require_secure_transport', ParameterValue: value, ApplyMethod: 'immediate'}],
        }),
      )
    await expect(set('1')).rejects.toMatchObject({name: 'InvalidParameterValue'})
    expect(await set('ON')).toMatchObject({DBClusterParameterGroupName: 'hactl-aurora'})

    await expect(rds.send(cluster({DBClusterParameterGroupName: 'nope'}))).rejects.toThrow(DBClusterParameterGroupNotFoundFault)
    await expect(rds.send(cluster({DBClusterParameterGroupName: 'nope'}))).rejects.toMatchObject({
      Code: 'DBClusterParameterGroupNotFound',
      message: 'DBClusterParameterGroup not found: nope',
    })
    await expect(rds.send(cluster({Engine: 'aurora-postgresql', DBClusterParameterGroupName: 'hactl-aurora'}))).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
    })
    const {DBCluster} = await rds.send(cluster({DBClusterParameterGroupName: 'hactl-aurora'}))
    expect(DBCluster?.DBClusterParameterGroup).toBe('hactl-aurora')

    // The TLS switch is cluster-level: the instance-level family has no such parameter.
    await rds.send(new CreateDBParameterGroupCommand({DBParameterGroupName: 'hactl-aurora-instance', DBParameterGroupFamily: 'aurora-mysql8.0', Description: 'd'}))
    await expect(rds.send(modify('hactl-aurora-instance', ['require_secure_transport', 'ON']))).rejects.toMatchObject({name: 'InvalidParameterValue'})
    const {DBInstance} = await rds.send(
      new CreateDBInstanceCommand({
        DBClusterIdentifier: 'aurora',
        DBInstanceClass: 'db.r6g.large',
        DBInstanceIdentifier: 'aurora-1',
        DBParameterGroupName: 'hactl-aurora-instance',
        Engine: 'aurora-mysql',
      }),
    )
    expect(DBInstance?.DBParameterGroups?.[0].DBParameterGroupName).toBe('hactl-aurora-instance')

    const inUse = rds.send(new DeleteDBClusterParameterGroupCommand({DBClusterParameterGroupName: 'hactl-aurora'}))
    await expect(inUse).rejects.toThrow(InvalidDBParameterGroupStateFault)
    clock.advance(DURATIONS.auroraInstanceCreating)
    await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: 'aurora-1'}))
    await rds.send(new DeleteDBClusterCommand({DBClusterIdentifier: 'aurora', SkipFinalSnapshot: true}))
    clock.advance(DURATIONS.rdsDeleting)
    await rds.send(new DeleteDBClusterParameterGroupCommand({DBClusterParameterGroupName: 'hactl-aurora'}))
    await expect(rds.send(new DescribeDBClusterParameterGroupsCommand({DBClusterParameterGroupName: 'hactl-aurora'}))).rejects.toThrow(DBParameterGroupNotFoundFault)
  })

  it('leaves rds.force_ssl off in Aurora PostgreSQL\'s default group; cluster groups of RDS families are not simulated', async () => {
    const {rds} = manualRds()
    const {Parameters} = await rds.send(new DescribeDBClusterParametersCommand({DBClusterParameterGroupName: 'default.aurora-postgresql16'}))
    expect(Parameters?.find((parameter) => parameter.ParameterName === 'rds.force_ssl')).toMatchObject({ParameterValue: '0', ApplyType: 'dynamic'})
    const {DBClusterParameterGroups} = await rds.send(new DescribeDBClusterParameterGroupsCommand({}))
    expect(DBClusterParameterGroups?.map((group) => group.DBClusterParameterGroupName)).toEqual(['default.aurora-mysql8.0', 'default.aurora-postgresql16'])
    const multiAz = rds.send(new CreateDBClusterParameterGroupCommand({DBClusterParameterGroupName: 'x', DBParameterGroupFamily: 'mysql8.0', Description: 'd'}))
    await expect(multiAz).rejects.toMatchObject({name: 'SandboxUnsupportedOperation'})
  })
})
