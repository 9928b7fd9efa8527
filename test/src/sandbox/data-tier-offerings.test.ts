import {
  CreateCacheClusterCommand,
  CreateReplicationGroupCommand,
  DescribeReservedCacheNodesOfferingsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache'
import {CreateDBInstanceCommand, DescribeDBInstancesCommand, DescribeOrderableDBInstanceOptionsCommand} from '@aws-sdk/client-rds'

import {clientOn, REGION, manualSandbox, removeTempStateDirs, type SandboxClients} from './clients'
import {MYSQL, manualRds} from './rds-fixtures'

afterAll(removeTempStateDirs)

function cacheClient(sandbox: SandboxClients): ElastiCacheClient {
  return clientOn(sandbox.handle, ElastiCacheClient, 'elasticache')
}

describe('sandbox RDS: orderable instance classes', () => {
  it('lists a class for an exact engine version, nothing for a made-up class or a short version', async () => {
    const {rds} = manualRds()
    const found = await rds.send(new DescribeOrderableDBInstanceOptionsCommand({DBInstanceClass: 'db.t4g.micro', Engine: 'mysql', EngineVersion: '8.0.40'}))
    expect(found.OrderableDBInstanceOptions).toEqual([
      expect.objectContaining({
        AvailabilityZones: [{Name: `${REGION}a`}, {Name: `${REGION}b`}, {Name: `${REGION}c`}],
        DBInstanceClass: 'db.t4g.micro',
        EngineVersion: '8.0.40',
        LicenseModel: 'general-public-license',
      }),
    ])
    const bogus = await rds.send(new DescribeOrderableDBInstanceOptionsCommand({DBInstanceClass: 'db.bogus.huge', Engine: 'mysql'}))
    expect(bogus.OrderableDBInstanceOptions).toEqual([])
    const short = await rds.send(new DescribeOrderableDBInstanceOptionsCommand({DBInstanceClass: 'db.t4g.micro', Engine: 'mysql', EngineVersion: '8.0'}))
    expect(short.OrderableDBInstanceOptions).toEqual([])
    const aurora = await rds.send(new DescribeOrderableDBInstanceOptionsCommand({DBInstanceClass: 'db.t4g.micro', Engine: 'aurora-mysql'}))
    expect(aurora.OrderableDBInstanceOptions).toEqual([])
  })

  it('refuses CreateDBInstance with a class RDS does not sell, and creates nothing', async () => {
    const {rds} = manualRds()
    await expect(rds.send(new CreateDBInstanceCommand({...MYSQL, DBInstanceClass: 'db.bogus.huge'}))).rejects.toMatchObject({
      message:
        'RDS does not support creating a DB instance with the following combination: DBInstanceClass=db.bogus.huge, Engine=mysql, EngineVersion=8.0.40, LicenseModel=general-public-license. For supported combinations of instance class and database engine version, see the documentation.',
      name: 'InvalidParameterCombination',
    })
    const {DBInstances} = await rds.send(new DescribeDBInstancesCommand({}))
    expect(DBInstances).toEqual([])
  })
})

describe('sandbox ElastiCache: node types', () => {
  it('lists reserved offerings for a node type the Region sells and none for a made-up one', async () => {
    const cache = cacheClient(manualSandbox())
    const real = await cache.send(new DescribeReservedCacheNodesOfferingsCommand({CacheNodeType: 'cache.t4g.small', Duration: '1', OfferingType: 'No Upfront', ProductDescription: 'redis'}))
    expect(real.ReservedCacheNodesOfferings).toEqual([expect.objectContaining({CacheNodeType: 'cache.t4g.small', Duration: 31_536_000, OfferingType: 'No Upfront', ProductDescription: 'redis'})])
    const bogus = await cache.send(new DescribeReservedCacheNodesOfferingsCommand({CacheNodeType: 'cache.nope.x'}))
    expect(bogus.ReservedCacheNodesOfferings).toEqual([])
  })

  it('refuses a replication group or a Memcached cluster of a node type that does not exist', async () => {
    const cache = cacheClient(manualSandbox())
    await expect(
      cache.send(new CreateReplicationGroupCommand({CacheNodeType: 'cache.nope.x', ReplicationGroupDescription: 'demo', ReplicationGroupId: 'hactl-demo-cache'})),
    ).rejects.toMatchObject({message: 'Invalid CacheNodeType: cache.nope.x', name: 'InvalidParameterValueException'})
    await expect(cache.send(new CreateCacheClusterCommand({CacheClusterId: 'hactl-demo-mc', CacheNodeType: 'cache.nope.x', Engine: 'memcached', NumCacheNodes: 1}))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    })
  })
})
