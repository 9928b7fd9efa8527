import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import * as ElastiCache from '@aws-sdk/client-elasticache'
import {CreateSecurityGroupCommand, DescribeSubnetsCommand, type EC2Client} from '@aws-sdk/client-ec2'

import {DURATIONS} from '../../../src/sandbox/durations'
import type {SandboxOptions} from '../../../src/sandbox'
import {regionCode} from '../../../src/sandbox/services/elasticache-model'
import {clientOn, manualSandbox, removeTempStateDirs, sandboxClients, tempStateDir, type SandboxClients} from './clients'

afterAll(removeTempStateDirs)

function cacheClient(sandbox: SandboxClients): ElastiCache.ElastiCacheClient {
  return clientOn(sandbox.handle, ElastiCache.ElastiCacheClient, 'elasticache')
}

function manualCache(options: Partial<SandboxOptions> = {}) {
  const sandbox = manualSandbox(options)
  return {...sandbox, cache: cacheClient(sandbox)}
}

async function subnetIds(ec2: EC2Client): Promise<string[]> {
  const {Subnets} = await ec2.send(new DescribeSubnetsCommand({}))
  return (Subnets ?? []).map((subnet) => subnet.SubnetId ?? '')
}

async function subnetGroup(cache: ElastiCache.ElastiCacheClient, ec2: EC2Client, name = 'hactl-demo'): Promise<string> {
  await cache.send(
    new ElastiCache.CreateCacheSubnetGroupCommand({
      CacheSubnetGroupDescription: 'hactl demo',
      CacheSubnetGroupName: name,
      SubnetIds: (await subnetIds(ec2)).slice(0, 2),
      Tags: [{Key: 'hactl:site', Value: 'demo'}],
    }),
  )
  return name
}

const REDIS: ElastiCache.CreateReplicationGroupCommandInput = {
  CacheNodeType: 'cache.t4g.small',
  ReplicationGroupDescription: 'hactl demo sessions',
  ReplicationGroupId: 'hactl-demo-cache',
}

const MEMCACHED: ElastiCache.CreateCacheClusterCommandInput = {
  CacheClusterId: 'hactl-demo-mc',
  CacheNodeType: 'cache.t4g.small',
  Engine: 'memcached',
  NumCacheNodes: 2,
}

const TOKEN = 'a-long-auth-token-0123456789'

describe('sandbox ElastiCache: cache subnet groups', () => {
  it('creates, lists (with default), refuses duplicates and unknown subnets, deletes', async () => {
    const {cache, ec2} = manualCache()
    await subnetGroup(cache, ec2)
    const {CacheSubnetGroups} = await cache.send(new ElastiCache.DescribeCacheSubnetGroupsCommand({}))
    expect(CacheSubnetGroups?.map((group) => group.CacheSubnetGroupName)).toEqual(['default', 'hactl-demo'])
    expect(CacheSubnetGroups?.[1]).toMatchObject({ARN: 'arn:aws:elasticache:eu-west-1:123456789012:subnetgroup:hactl-demo', VpcId: expect.stringMatching(/^vpc-/)})
    expect(CacheSubnetGroups?.[1].Subnets).toHaveLength(2)
    await expect(subnetGroup(cache, ec2)).rejects.toThrow(ElastiCache.CacheSubnetGroupAlreadyExistsFault)
    await expect(
      cache.send(new ElastiCache.CreateCacheSubnetGroupCommand({CacheSubnetGroupDescription: 'd', CacheSubnetGroupName: 'x', SubnetIds: ['subnet-0123456789abcdef0']})),
    ).rejects.toThrow(ElastiCache.InvalidSubnet)
    await cache.send(new ElastiCache.DeleteCacheSubnetGroupCommand({CacheSubnetGroupName: 'hactl-demo'}))
    const gone = cache.send(new ElastiCache.DescribeCacheSubnetGroupsCommand({CacheSubnetGroupName: 'hactl-demo'}))
    await expect(gone).rejects.toThrow(ElastiCache.CacheSubnetGroupNotFoundFault)
    await expect(gone).rejects.toMatchObject({name: 'CacheSubnetGroupNotFoundFault', Code: 'CacheSubnetGroupNotFoundFault'})
  })

  it('will not delete a group in use', async () => {
    const {cache, ec2} = manualCache()
    const group = await subnetGroup(cache, ec2)
    await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, CacheSubnetGroupName: group}))
    await expect(cache.send(new ElastiCache.DeleteCacheSubnetGroupCommand({CacheSubnetGroupName: group}))).rejects.toThrow(ElastiCache.CacheSubnetGroupInUse)
  })
})

describe('sandbox ElastiCache: Redis replication groups', () => {
  it('goes creating → available with endpoints, members spread over AZs, and never shows the AUTH token', async () => {
    const {cache, ec2, clock, stateDir} = manualCache()
    const group = await subnetGroup(cache, ec2)
    const {ReplicationGroup: created} = await cache.send(
      new ElastiCache.CreateReplicationGroupCommand({
        ...REDIS,
        AtRestEncryptionEnabled: true,
        AuthToken: TOKEN,
        AutomaticFailoverEnabled: true,
        CacheSubnetGroupName: group,
        MultiAZEnabled: true,
        NumCacheClusters: 2,
        Tags: [{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'cache'}],
        TransitEncryptionEnabled: true,
      }),
    )
    expect(created).toMatchObject({
      ReplicationGroupId: 'hactl-demo-cache',
      Status: 'creating',
      MemberClusters: ['hactl-demo-cache-001', 'hactl-demo-cache-002'],
      AutomaticFailover: 'enabled',
      MultiAZ: 'enabled',
      AuthTokenEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      ClusterEnabled: false,
      Engine: 'redis',
      ARN: 'arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:hactl-demo-cache',
    })
    expect(created?.NodeGroups?.[0].PrimaryEndpoint).toBeUndefined()
    expect(JSON.stringify(created)).not.toContain(TOKEN)

    clock.advance(DURATIONS.cacheReplicationGroupCreating)
    const {ReplicationGroups} = await cache.send(new ElastiCache.DescribeReplicationGroupsCommand({ReplicationGroupId: 'hactl-demo-cache'}))
    const [available] = ReplicationGroups ?? []
    expect(available.Status).toBe('available')
    const nodeGroup = available.NodeGroups?.[0]
    expect(nodeGroup?.PrimaryEndpoint).toEqual({Address: expect.stringMatching(/^master\.hactl-demo-cache\.[a-z0-9]{6}\.euw1\.cache\.amazonaws\.com$/), Port: 6379})
    expect(nodeGroup?.ReaderEndpoint?.Address).toMatch(/^replica\.hactl-demo-cache\.[a-z0-9]{6}\.euw1\.cache\.amazonaws\.com$/)
    const azs = nodeGroup?.NodeGroupMembers?.map((member) => member.PreferredAvailabilityZone)
    expect(new Set(azs).size).toBe(2)
    expect(nodeGroup?.NodeGroupMembers?.map((member) => member.CurrentRole)).toEqual(['primary', 'replica'])
    expect(JSON.stringify(ReplicationGroups)).not.toContain(TOKEN)
    // Nor is it kept: the state file has no trace of it.
    expect(readFileSync(join(stateDir, 'sandbox.json'), 'utf8')).not.toContain(TOKEN)

    const {TagList} = await cache.send(new ElastiCache.ListTagsForResourceCommand({ResourceName: available.ARN}))
    expect(TagList).toEqual([{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'cache'}])
  })

  it('shows the member clusters in DescribeCacheClusters with their security groups and node endpoints', async () => {
    const {cache, ec2, clock} = manualCache()
    const group = await subnetGroup(cache, ec2)
    const {GroupId} = await ec2.send(new CreateSecurityGroupCommand({Description: 'cache', GroupName: 'cache'}))
    await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, CacheSubnetGroupName: group, NumCacheClusters: 2, SecurityGroupIds: [GroupId!]}))
    clock.advance(DURATIONS.cacheReplicationGroupCreating)
    const {CacheClusters} = await cache.send(new ElastiCache.DescribeCacheClustersCommand({CacheClusterId: 'hactl-demo-cache-002', ShowCacheNodeInfo: true}))
    expect(CacheClusters?.[0]).toMatchObject({
      CacheClusterId: 'hactl-demo-cache-002',
      CacheClusterStatus: 'available',
      ReplicationGroupId: 'hactl-demo-cache',
      SecurityGroups: [{SecurityGroupId: GroupId, Status: 'active'}],
      NumCacheNodes: 1,
      CacheNodes: [{CacheNodeId: '0001', Endpoint: {Address: expect.stringMatching(/^hactl-demo-cache-002\.hactl-demo-cache\./), Port: 6379}}],
    })
    const {CacheClusters: standalone} = await cache.send(new ElastiCache.DescribeCacheClustersCommand({ShowCacheClustersNotInReplicationGroups: true}))
    expect(standalone).toEqual([])
  })

  it('validates the request as AWS does', async () => {
    const {cache} = manualCache()
    const failoverAlone = cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, AutomaticFailoverEnabled: true}))
    await expect(failoverAlone).rejects.toThrow(ElastiCache.InvalidParameterCombinationException)
    await expect(failoverAlone).rejects.toMatchObject({name: 'InvalidParameterCombinationException', Code: 'InvalidParameterCombination'})
    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, NumCacheClusters: 2, MultiAZEnabled: true}))).rejects.toThrow(
      ElastiCache.InvalidParameterCombinationException,
    )
    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, AuthToken: TOKEN}))).rejects.toThrow(ElastiCache.InvalidParameterCombinationException)
    for (const bad of ['too-short', `${'x'.repeat(20)}@`, `${'x'.repeat(20)}/`, `${'x'.repeat(20)}"`, 'x'.repeat(129)]) {
      await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, AuthToken: bad, TransitEncryptionEnabled: true}))).rejects.toThrow(
        ElastiCache.InvalidParameterValueException,
      )
    }

    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, NumCacheClusters: 7}))).rejects.toThrow(ElastiCache.InvalidParameterValueException)
    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, ReplicationGroupId: 'x'.repeat(41)}))).rejects.toThrow(ElastiCache.InvalidParameterValueException)
    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, ReplicationGroupId: 'bad--id'}))).rejects.toThrow(ElastiCache.InvalidParameterValueException)
    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, CacheSubnetGroupName: 'nope'}))).rejects.toThrow(ElastiCache.CacheSubnetGroupNotFoundFault)
    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, SecurityGroupIds: ['sg-0123456789abcdef0']}))).rejects.toThrow(
      ElastiCache.InvalidParameterValueException,
    )
    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, NumNodeGroups: 2}))).rejects.toMatchObject({name: 'SandboxUnsupportedOperation'})
    const {ReplicationGroup} = await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, Engine: 'valkey'}))
    expect(ReplicationGroup).toMatchObject({Engine: 'valkey', AutomaticFailover: 'disabled', MultiAZ: 'disabled', AuthTokenEnabled: false})
    await expect(cache.send(new ElastiCache.CreateReplicationGroupCommand(REDIS))).rejects.toThrow(ElastiCache.ReplicationGroupAlreadyExistsFault)
    await expect(cache.send(new ElastiCache.CreateCacheClusterCommand({...MEMCACHED, CacheClusterId: 'hactl-demo-cache-001'}))).rejects.toThrow(
      ElastiCache.CacheClusterAlreadyExistsFault,
    )
  })

  it('deletes only when available: deleting, then gone', async () => {
    const {cache, clock} = manualCache()
    await cache.send(new ElastiCache.CreateReplicationGroupCommand(REDIS))
    await expect(cache.send(new ElastiCache.DeleteReplicationGroupCommand({ReplicationGroupId: 'hactl-demo-cache'}))).rejects.toThrow(ElastiCache.InvalidReplicationGroupStateFault)
    clock.advance(DURATIONS.cacheReplicationGroupCreating)
    await expect(cache.send(new ElastiCache.DeleteCacheClusterCommand({CacheClusterId: 'hactl-demo-cache-001'}))).rejects.toMatchObject({name: 'InvalidCacheClusterStateFault'})
    const {ReplicationGroup} = await cache.send(new ElastiCache.DeleteReplicationGroupCommand({ReplicationGroupId: 'hactl-demo-cache'}))
    expect(ReplicationGroup?.Status).toBe('deleting')
    clock.advance(DURATIONS.cacheDeleting)
    const gone = cache.send(new ElastiCache.DescribeReplicationGroupsCommand({ReplicationGroupId: 'hactl-demo-cache'}))
    await expect(gone).rejects.toThrow(ElastiCache.ReplicationGroupNotFoundFault)
    await expect(gone).rejects.toMatchObject({message: 'Replication group hactl-demo-cache not found.', $metadata: {httpStatusCode: 404}})
    await expect(cache.send(new ElastiCache.DescribeCacheClustersCommand({CacheClusterId: 'hactl-demo-cache-001'}))).rejects.toThrow(ElastiCache.CacheClusterNotFoundFault)
  })
})

describe('sandbox ElastiCache: in-transit encryption mode', () => {
  async function modes(cache: ElastiCache.ElastiCacheClient, id = 'hactl-demo-cache') {
    const {ReplicationGroups} = await cache.send(new ElastiCache.DescribeReplicationGroupsCommand({ReplicationGroupId: id}))
    const {CacheClusters} = await cache.send(new ElastiCache.DescribeCacheClustersCommand({CacheClusterId: `${id}-001`}))
    const [group] = ReplicationGroups ?? []
    const [member] = CacheClusters ?? []
    return {
      group: {enabled: group.TransitEncryptionEnabled, mode: group.TransitEncryptionMode, auth: group.AuthTokenEnabled},
      member: {enabled: member.TransitEncryptionEnabled, mode: member.TransitEncryptionMode, auth: member.AuthTokenEnabled},
    }
  }

  it('is required when TLS is on without a mode, as given otherwise, absent when TLS is off; members show it too', async () => {
    const {cache} = manualCache()
    await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, AuthToken: TOKEN, TransitEncryptionEnabled: true}))
    expect(await modes(cache)).toEqual({group: {enabled: true, mode: 'required', auth: true}, member: {enabled: true, mode: 'required', auth: true}})
    const {ReplicationGroup} = await cache.send(
      new ElastiCache.CreateReplicationGroupCommand({...REDIS, AuthToken: TOKEN, ReplicationGroupId: 'explicit', TransitEncryptionEnabled: true, TransitEncryptionMode: 'required'}),
    )
    expect(ReplicationGroup?.TransitEncryptionMode).toBe('required')
    await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, ReplicationGroupId: 'lenient', TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred'}))
    expect(await modes(cache, 'lenient')).toEqual({group: {enabled: true, mode: 'preferred', auth: false}, member: {enabled: true, mode: 'preferred', auth: false}})
    await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, ReplicationGroupId: 'plain'}))
    expect(await modes(cache, 'plain')).toEqual({group: {enabled: false, mode: undefined, auth: false}, member: {enabled: false, mode: undefined, auth: false}})
  })

  it('refuses a mode without TLS, preferred with an AUTH token, a mode on Redis before 7.0.5, and unknown modes', async () => {
    const {cache} = manualCache()
    const refused: Array<[ElastiCache.CreateReplicationGroupCommandInput, typeof ElastiCache.InvalidParameterCombinationException | typeof ElastiCache.InvalidParameterValueException, RegExp]> = [
      [{...REDIS, TransitEncryptionMode: 'required'}, ElastiCache.InvalidParameterCombinationException, /only when TransitEncryptionEnabled is true/],
      [{...REDIS, TransitEncryptionEnabled: false, TransitEncryptionMode: 'preferred'}, ElastiCache.InvalidParameterCombinationException, /TransitEncryptionEnabled/],
      [
        {...REDIS, AuthToken: TOKEN, TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred'},
        ElastiCache.InvalidParameterCombinationException,
        /^Transit encryption preferred is not supported with redis access control\.$/,
      ],
      [{...REDIS, EngineVersion: '6.2', TransitEncryptionEnabled: true, TransitEncryptionMode: 'required'}, ElastiCache.InvalidParameterCombinationException, /7\.0\.5 or higher/],
      [{...REDIS, TransitEncryptionEnabled: true, TransitEncryptionMode: 'sometimes' as 'required'}, ElastiCache.InvalidParameterValueException, /TransitEncryptionMode/],
    ]
    for (const [input, error, message] of refused) {
      const create = cache.send(new ElastiCache.CreateReplicationGroupCommand(input))
      await expect(create).rejects.toThrow(error)
      await expect(create).rejects.toThrow(message)
    }

    // TLS without a mode on older Redis is fine (the mode is what AWS reports).
    const {ReplicationGroup} = await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, EngineVersion: '6.2', TransitEncryptionEnabled: true}))
    expect(ReplicationGroup?.TransitEncryptionEnabled).toBe(true)
    const {ReplicationGroup: valkey} = await cache.send(
      new ElastiCache.CreateReplicationGroupCommand({...REDIS, Engine: 'valkey', ReplicationGroupId: 'vk', TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred'}),
    )
    expect(valkey?.TransitEncryptionMode).toBe('preferred')
  })

  it('migrates with ModifyReplicationGroup: off → preferred → required → preferred → off, applied immediately', async () => {
    const {cache, clock} = manualCache()
    await cache.send(new ElastiCache.CreateReplicationGroupCommand(REDIS))
    const modify = (change: Partial<ElastiCache.ModifyReplicationGroupCommand['input']>) =>
      cache.send(new ElastiCache.ModifyReplicationGroupCommand({ApplyImmediately: true, ReplicationGroupId: 'hactl-demo-cache', ...change}))
    await expect(modify({TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred'})).rejects.toThrow(ElastiCache.InvalidReplicationGroupStateFault)
    clock.advance(DURATIONS.cacheReplicationGroupCreating)

    // Straight to required, or TLS on without a mode: refused (preferred first).
    await expect(modify({TransitEncryptionEnabled: true, TransitEncryptionMode: 'required'})).rejects.toThrow(/set TransitEncryptionMode to preferred/)
    await expect(modify({TransitEncryptionEnabled: true})).rejects.toThrow(ElastiCache.InvalidParameterCombinationException)
    await expect(modify({TransitEncryptionMode: 'preferred'})).rejects.toThrow(/^To modify transit encryption mode, set encryption-in-transit as enabled\.$/)

    const {ReplicationGroup: preferred} = await modify({TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred'})
    expect(preferred).toMatchObject({Status: 'available', TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred'})
    await modify({TransitEncryptionMode: 'required'})
    expect((await modes(cache)).member).toEqual({enabled: true, mode: 'required', auth: false})

    // Off again only through preferred.
    await expect(modify({TransitEncryptionEnabled: false})).rejects.toThrow(/first set TransitEncryptionMode to preferred/)
    await modify({TransitEncryptionMode: 'preferred'})
    expect((await modes(cache)).group).toEqual({enabled: true, mode: 'preferred', auth: false})
    await modify({TransitEncryptionEnabled: false})
    expect((await modes(cache)).group).toEqual({enabled: false, mode: undefined, auth: false})
  })

  it('refuses TLS changes with an AUTH token, no-op requests, other fields and deferred changes', async () => {
    const {cache, clock} = manualCache()
    await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, AuthToken: TOKEN, TransitEncryptionEnabled: true}))
    clock.advance(DURATIONS.cacheReplicationGroupCreating)
    const input = {ApplyImmediately: true, ReplicationGroupId: 'hactl-demo-cache'}
    const auth = cache.send(new ElastiCache.ModifyReplicationGroupCommand({...input, TransitEncryptionMode: 'preferred'}))
    await expect(auth).rejects.toThrow(ElastiCache.InvalidParameterCombinationException)
    await expect(auth).rejects.toThrow(/^Modification of transit encryption is not supported for access control enabled clusters\.$/)
    expect((await modes(cache)).group.mode).toBe('required')

    await expect(cache.send(new ElastiCache.ModifyReplicationGroupCommand(input))).rejects.toThrow(/No modifications were requested/)
    await expect(cache.send(new ElastiCache.ModifyReplicationGroupCommand({...input, CacheNodeType: 'cache.t4g.medium'}))).rejects.toMatchObject({
      name: 'SandboxUnsupportedOperation',
    })
    await expect(cache.send(new ElastiCache.ModifyReplicationGroupCommand({...input, ReplicationGroupId: 'nope', TransitEncryptionMode: 'preferred'}))).rejects.toThrow(
      ElastiCache.ReplicationGroupNotFoundFault,
    )
    await cache.send(new ElastiCache.CreateReplicationGroupCommand({...REDIS, ReplicationGroupId: 'open', TransitEncryptionEnabled: true}))
    clock.advance(DURATIONS.cacheReplicationGroupCreating)
    await expect(cache.send(new ElastiCache.ModifyReplicationGroupCommand({ReplicationGroupId: 'open', TransitEncryptionMode: 'preferred'}))).rejects.toMatchObject({
      name: 'SandboxUnsupportedOperation',
    })
    expect((await modes(cache, 'open')).group.mode).toBe('required')
  })
})

describe('sandbox ElastiCache: Memcached clusters', () => {
  it('spreads cross-az nodes and gives a configuration endpoint once available', async () => {
    const {cache, ec2, clock} = manualCache()
    const group = await subnetGroup(cache, ec2)
    const {CacheCluster} = await cache.send(
      new ElastiCache.CreateCacheClusterCommand({...MEMCACHED, AZMode: 'cross-az', CacheSubnetGroupName: group, TransitEncryptionEnabled: true, Tags: [{Key: 'hactl:site', Value: 'demo'}]}),
    )
    expect(CacheCluster).toMatchObject({CacheClusterStatus: 'creating', Engine: 'memcached', EngineVersion: '1.6.22', PreferredAvailabilityZone: 'Multiple', TransitEncryptionEnabled: true})
    expect(CacheCluster?.ConfigurationEndpoint).toBeUndefined()
    clock.advance(DURATIONS.cacheClusterCreating)
    const {CacheClusters} = await cache.send(new ElastiCache.DescribeCacheClustersCommand({CacheClusterId: 'hactl-demo-mc', ShowCacheNodeInfo: true}))
    const [cluster] = CacheClusters ?? []
    expect(cluster.CacheClusterStatus).toBe('available')
    expect(cluster.ConfigurationEndpoint).toEqual({Address: expect.stringMatching(/^hactl-demo-mc\.[a-z0-9]{6}\.cfg\.euw1\.cache\.amazonaws\.com$/), Port: 11211})
    expect(cluster.CacheNodes?.map((node) => node.CacheNodeId)).toEqual(['0001', '0002'])
    expect(new Set(cluster.CacheNodes?.map((node) => node.CustomerAvailabilityZone)).size).toBe(2)
    expect(cluster.CacheNodes?.[1].Endpoint?.Address).toMatch(/^hactl-demo-mc\.[a-z0-9]{6}\.0002\.euw1\.cache\.amazonaws\.com$/)

    const {TagList} = await cache.send(new ElastiCache.AddTagsToResourceCommand({ResourceName: cluster.ARN, Tags: [{Key: 'hactl:role', Value: 'cache'}]}))
    expect(TagList).toEqual([{Key: 'hactl:site', Value: 'demo'}, {Key: 'hactl:role', Value: 'cache'}])
    await expect(cache.send(new ElastiCache.RemoveTagsFromResourceCommand({ResourceName: cluster.ARN, TagKeys: ['nope']}))).rejects.toThrow(ElastiCache.TagNotFoundFault)

    await cache.send(new ElastiCache.DeleteCacheClusterCommand({CacheClusterId: 'hactl-demo-mc'}))
    clock.advance(DURATIONS.cacheDeleting)
    await expect(cache.send(new ElastiCache.DescribeCacheClustersCommand({CacheClusterId: 'hactl-demo-mc'}))).rejects.toMatchObject({
      name: 'CacheClusterNotFoundFault',
      Code: 'CacheClusterNotFound',
      message: 'CacheCluster not found: hactl-demo-mc',
    })
  })

  it('validates as AWS does', async () => {
    const {cache} = manualCache()
    await expect(cache.send(new ElastiCache.CreateCacheClusterCommand({...MEMCACHED, NumCacheNodes: 1, AZMode: 'cross-az'}))).rejects.toThrow(ElastiCache.InvalidParameterValueException)
    await expect(cache.send(new ElastiCache.CreateCacheClusterCommand({...MEMCACHED, EngineVersion: '1.6.6', TransitEncryptionEnabled: true}))).rejects.toThrow(
      ElastiCache.InvalidParameterCombinationException,
    )
    await expect(cache.send(new ElastiCache.CreateCacheClusterCommand({...MEMCACHED, AuthToken: TOKEN}))).rejects.toThrow(ElastiCache.InvalidParameterCombinationException)
    await expect(cache.send(new ElastiCache.CreateCacheClusterCommand({...MEMCACHED, Engine: 'redis'}))).rejects.toMatchObject({name: 'SandboxUnsupportedOperation'})
    const {CacheCluster} = await cache.send(new ElastiCache.CreateCacheClusterCommand(MEMCACHED))
    expect(CacheCluster?.PreferredAvailabilityZone).toMatch(/^eu-west-1[abc]$/)
    await expect(cache.send(new ElastiCache.CreateCacheClusterCommand(MEMCACHED))).rejects.toThrow(ElastiCache.CacheClusterAlreadyExistsFault)
    await expect(cache.send(new ElastiCache.DeleteCacheClusterCommand({CacheClusterId: 'hactl-demo-mc'}))).rejects.toMatchObject({name: 'InvalidCacheClusterStateFault'})
  })

  it('pages DescribeCacheClusters', async () => {
    const {cache} = manualCache()
    for (let i = 0; i < 21; i += 1) await cache.send(new ElastiCache.CreateCacheClusterCommand({...MEMCACHED, CacheClusterId: `mc-${String(i).padStart(2, '0')}`}))
    const sizes: number[] = []
    for await (const page of ElastiCache.paginateDescribeCacheClusters({client: cache, pageSize: 20}, {})) sizes.push(page.CacheClusters?.length ?? 0)
    expect(sizes).toEqual([20, 1])
  })
})

describe('sandbox ElastiCache: SDK waiters, faults, names', () => {
  const FAST_WAITER = {minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 10}

  it('waitUntilReplicationGroupAvailable / Deleted and ElastiCache.waitUntilCacheClusterAvailable / Deleted succeed', async () => {
    const sandbox = sandboxClients({stateDir: tempStateDir(), speed: 1e4})
    const cache = cacheClient(sandbox)
    await cache.send(new ElastiCache.CreateReplicationGroupCommand(REDIS))
    expect((await ElastiCache.waitUntilReplicationGroupAvailable({client: cache, ...FAST_WAITER}, {ReplicationGroupId: 'hactl-demo-cache'})).state).toBe('SUCCESS')
    await cache.send(new ElastiCache.DeleteReplicationGroupCommand({ReplicationGroupId: 'hactl-demo-cache'}))
    expect((await ElastiCache.waitUntilReplicationGroupDeleted({client: cache, ...FAST_WAITER}, {ReplicationGroupId: 'hactl-demo-cache'})).state).toBe('SUCCESS')

    await cache.send(new ElastiCache.CreateCacheClusterCommand(MEMCACHED))
    expect((await ElastiCache.waitUntilCacheClusterAvailable({client: cache, ...FAST_WAITER}, {CacheClusterId: 'hactl-demo-mc'})).state).toBe('SUCCESS')
    await cache.send(new ElastiCache.DeleteCacheClusterCommand({CacheClusterId: 'hactl-demo-mc'}))
    expect((await ElastiCache.waitUntilCacheClusterDeleted({client: cache, ...FAST_WAITER}, {CacheClusterId: 'hactl-demo-mc'})).state).toBe('SUCCESS')
  })

  it('throttles with Throttling (retried) and fails with InternalFailure', async () => {
    const throttled = manualCache({faults: ['throttle:elasticache:DescribeReplicationGroups*2']})
    expect((await throttled.cache.send(new ElastiCache.DescribeReplicationGroupsCommand({}))).ReplicationGroups).toEqual([])
    const failing = manualCache({faults: ['fail:elasticache:CreateReplicationGroup']})
    await expect(failing.cache.send(new ElastiCache.CreateReplicationGroupCommand(REDIS))).rejects.toMatchObject({name: 'InternalFailure', $fault: 'server'})
  })

  it('names regions in endpoints as ElastiCache does', () => {
    expect(regionCode('eu-west-1')).toBe('euw1')
    expect(regionCode('us-east-1')).toBe('use1')
    expect(regionCode('ap-southeast-2')).toBe('apse2')
    expect(regionCode('eu-central-1')).toBe('euc1')
  })
})
