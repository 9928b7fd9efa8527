/**
 * The factory's ElastiCache interface against the sandbox: hactl's own code
 * path (narrow interface → SDK client → retry strategy → SDK waiter → sandbox).
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {AwsError, TimeoutError} from '../../../src/core/errors'
import {STATE_FILE} from '../../../src/sandbox'
import type {SandboxState} from '../../../src/sandbox/types'
import {sandboxClients, twoDefaultSubnets, useTempDir} from '../../_helpers/sandbox-dir'

describe('ElastiCache through the client factory, on the sandbox', () => {
  const sandboxDir = useTempDir('hactl-elasticache-')

  function clients(faults: string[] = []) {
    // 10 000x: ElastiCache's 15 s waiter poll is 1.5 ms, a 10-minute replication group 60 ms of real time.
    return sandboxClients(sandboxDir.path, {faults, speed: 1e4})
  }

  const tags = {'hactl:role': 'cache', 'hactl:site': 'demo'}

  it('creates a Multi-AZ Redis replication group with AUTH, waits for it and deletes it', async () => {
    const {aws, reporter} = clients()
    const cache = await aws.elasticache()
    expect(await cache.describeSubnetGroup('hactl-demo')).toBeUndefined()
    const group = await cache.createSubnetGroup({description: 'hactl demo', name: 'hactl-demo', subnetIds: await twoDefaultSubnets(aws), tags})
    expect(group.Subnets).toHaveLength(2)
    expect((await cache.describeSubnetGroup('hactl-demo'))?.CacheSubnetGroupName).toBe('hactl-demo')

    const created = await cache.createReplicationGroup({
      AtRestEncryptionEnabled: true,
      AuthToken: 'a-long-auth-token-0123456789',
      AutomaticFailoverEnabled: true,
      CacheNodeType: 'cache.t4g.small',
      CacheSubnetGroupName: 'hactl-demo',
      MultiAZEnabled: true,
      NumCacheClusters: 2,
      ReplicationGroupDescription: 'hactl demo sessions',
      ReplicationGroupId: 'hactl-demo-cache',
      Tags: [{Key: 'hactl:site', Value: 'demo'}],
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    })
    expect(created).toMatchObject({Status: 'creating', TransitEncryptionMode: 'required'})

    const available = await cache.waitForReplicationGroupAvailable('hactl-demo-cache', {timeoutMs: 60 * 60_000})
    expect(available).toMatchObject({Status: 'available', MultiAZ: 'enabled', AuthTokenEnabled: true, TransitEncryptionEnabled: true, TransitEncryptionMode: 'required'})
    expect(await cache.describeCacheCluster('hactl-demo-cache-002')).toMatchObject({AuthTokenEnabled: true, TransitEncryptionEnabled: true, TransitEncryptionMode: 'required'})
    expect(available.NodeGroups?.[0].PrimaryEndpoint?.Address).toMatch(/^master\.hactl-demo-cache\./)
    expect(reporter.ofType('wait').at(-1)).toMatchObject({status: 'hactl-demo-cache available', what: 'replication group hactl-demo-cache to be available'})
    expect(await cache.securityGroupIdsOf?.('hactl-demo-cache-001')).toEqual([expect.stringMatching(/^sg-/)])
    expect((await cache.describeReplicationGroup('hactl-demo-cache'))?.MemberClusters).toEqual(['hactl-demo-cache-001', 'hactl-demo-cache-002'])

    await expect(cache.deleteSubnetGroup('hactl-demo')).rejects.toMatchObject({awsCode: 'CacheSubnetGroupInUse'})
    await cache.deleteReplicationGroup('hactl-demo-cache')
    await cache.waitForReplicationGroupDeleted('hactl-demo-cache', {timeoutMs: 60 * 60_000})
    expect(await cache.describeReplicationGroup('hactl-demo-cache')).toBeUndefined()
    await cache.deleteSubnetGroup('hactl-demo')
    expect(await cache.describeSubnetGroup('hactl-demo')).toBeUndefined()
    await cache.deleteSubnetGroup('hactl-demo')
  })

  it('creates a cross-AZ Memcached cluster, waits for it with its nodes, and deletes it', async () => {
    const {aws} = clients()
    const cache = await aws.elasticache()
    expect(await cache.describeCacheCluster('hactl-demo-mc')).toBeUndefined()
    await cache.createCacheCluster({
      AZMode: 'cross-az',
      CacheClusterId: 'hactl-demo-mc',
      CacheNodeType: 'cache.t4g.small',
      Engine: 'memcached',
      NumCacheNodes: 2,
      TransitEncryptionEnabled: true,
    })
    const available = await cache.waitForCacheClusterAvailable('hactl-demo-mc', {timeoutMs: 60 * 60_000})
    expect(available).toMatchObject({CacheClusterStatus: 'available', ConfigurationEndpoint: {Port: 11211}})
    expect(available.CacheNodes).toHaveLength(2)
    expect((await cache.describeCacheCluster('hactl-demo-mc'))?.CacheNodes?.[0].Endpoint?.Port).toBe(11211)
    await cache.deleteCacheCluster('hactl-demo-mc')
    await cache.waitForCacheClusterDeleted('hactl-demo-mc', {timeoutMs: 60 * 60_000})
    expect(await cache.describeCacheCluster('hactl-demo-mc')).toBeUndefined()
    expect(await cache.securityGroupIdsOf?.('hactl-demo-mc')).toEqual([])
  })

  it('shows a TLS mode relaxed to preferred (here by editing the state, as AWS refuses it for a group with AUTH)', async () => {
    const {aws} = clients()
    const cache = await aws.elasticache()
    await cache.createReplicationGroup({
      AuthToken: 'a-long-auth-token-0123456789',
      CacheNodeType: 'cache.t4g.small',
      ReplicationGroupDescription: 'd',
      ReplicationGroupId: 'lax',
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    })
    const file = join(sandboxDir.path, STATE_FILE)
    const state = JSON.parse(readFileSync(file, 'utf8')) as SandboxState
    const [record] = state.regions['eu-west-1'].elasticache?.replicationGroups ?? []
    record.transitEncryptionMode = 'preferred'
    writeFileSync(file, JSON.stringify(state))
    expect(await cache.describeReplicationGroup('lax')).toMatchObject({TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred'})
    expect((await cache.describeCacheCluster('lax-001'))?.TransitEncryptionMode).toBe('preferred')
  })

  it('fails a wait for a group that does not exist at once, and times out a slow one', async () => {
    const {aws} = clients()
    const cache = await aws.elasticache()
    const missing = cache.waitForReplicationGroupAvailable('nope', {timeoutMs: 60 * 60_000})
    await expect(missing).rejects.toBeInstanceOf(AwsError)
    await expect(missing).rejects.toMatchObject({awsCode: 'ReplicationGroupNotFoundFault'})
    await cache.createReplicationGroup({CacheNodeType: 'cache.t4g.small', ReplicationGroupDescription: 'd', ReplicationGroupId: 'slow'})
    const slow = cache.waitForReplicationGroupAvailable('slow', {timeoutMs: 60_000})
    await expect(slow).rejects.toBeInstanceOf(TimeoutError)
    await expect(slow).rejects.toMatchObject({message: expect.stringContaining('(last seen: slow creating)')})
  })

  it('retries throttling and passes validation errors through with their code', async () => {
    const {aws, reporter} = clients(['throttle:elasticache:DescribeReplicationGroups*2'])
    const cache = await aws.elasticache()
    expect(await cache.describeReplicationGroup('nope')).toBeUndefined()
    expect(reporter.ofType('retry').map((event) => event.errorCode)).toEqual(['Throttling', 'Throttling'])
    await expect(
      cache.createReplicationGroup({AutomaticFailoverEnabled: true, CacheNodeType: 'cache.t4g.small', ReplicationGroupDescription: 'd', ReplicationGroupId: 'x'}),
    ).rejects.toMatchObject({awsCode: 'InvalidParameterCombinationException'})
  })
})
