/** The ElastiCache calls hactl makes: the cache subnet group, a Redis replication group or a Memcached cluster. */
import {
  type CacheCluster,
  type CacheSubnetGroup,
  CreateCacheClusterCommand,
  type CreateCacheClusterCommandInput,
  CreateCacheSubnetGroupCommand,
  CreateReplicationGroupCommand,
  type CreateReplicationGroupCommandInput,
  DeleteCacheClusterCommand,
  DeleteCacheSubnetGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeCacheClustersCommand,
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  type ReplicationGroup,
  waitUntilCacheClusterAvailable,
  waitUntilCacheClusterDeleted,
  waitUntilReplicationGroupAvailable,
  waitUntilReplicationGroupDeleted,
} from '@aws-sdk/client-elasticache'

import type {ApiContext} from './clients'
import type {Tags, WaitControl} from './ec2'
import {awsCall, hasAwsCode} from './errors'
import {runSdkWaiter} from './wait'

export interface ElastiCacheApi {
  /** The group, or undefined (CacheSubnetGroupNotFoundFault). */
  describeSubnetGroup(name: string): Promise<CacheSubnetGroup | undefined>
  createSubnetGroup(input: {name: string; description: string; subnetIds: readonly string[]; tags: Tags}): Promise<CacheSubnetGroup>
  /** Deletes the group; one that is already gone counts as deleted, so a destroy can be re-run. */
  deleteSubnetGroup(name: string): Promise<void>
  /** The group, or undefined (ReplicationGroupNotFoundFault). */
  describeReplicationGroup(id: string): Promise<ReplicationGroup | undefined>
  createReplicationGroup(input: CreateReplicationGroupCommandInput): Promise<ReplicationGroup>
  deleteReplicationGroup(id: string): Promise<void>
  /** A Memcached cluster with its nodes (ShowCacheNodeInfo), or undefined. */
  describeCacheCluster(id: string): Promise<CacheCluster | undefined>
  createCacheCluster(input: CreateCacheClusterCommandInput): Promise<CacheCluster>
  deleteCacheCluster(id: string): Promise<void>
  /**
   * Security group ids of a cache cluster (for Redis: of a member cluster,
   * e.g. `<group>-001`); empty when there is no such cluster.
   */
  securityGroupIdsOf?(cacheClusterId: string): Promise<string[]>
  /** waitUntilReplicationGroupAvailable; then the group. */
  waitForReplicationGroupAvailable(id: string, wait: WaitControl): Promise<ReplicationGroup>
  /** waitUntilCacheClusterAvailable; then the cluster with its nodes. */
  waitForCacheClusterAvailable(id: string, wait: WaitControl): Promise<CacheCluster>
  waitForReplicationGroupDeleted(id: string, wait: WaitControl): Promise<void>
  waitForCacheClusterDeleted(id: string, wait: WaitControl): Promise<void>
}

/** ElastiCache's own waiter model polls every 15 s. */
const CACHE_WAITER_DELAY_SECONDS = 15
/**
 * Longest pause between polls. The SDK backs off to 120 s, which can notice a
 * 10-minute create up to two minutes late; a poll a minute costs nothing.
 */
const WAITER_MAX_DELAY_SECONDS = 60

/** The SDK's names for "no such …" (exception class names, not the wire codes). */
const GROUP_NOT_FOUND = 'ReplicationGroupNotFoundFault'
const CLUSTER_NOT_FOUND = 'CacheClusterNotFoundFault'
const SUBNET_GROUP_NOT_FOUND = 'CacheSubnetGroupNotFoundFault'

function tagList(tags: Tags): Array<{Key: string; Value: string}> {
  return Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
}

/** "hactl-demo-cache creating", for wait progress. */
function groupStates(output: unknown): string {
  const groups = (output as {ReplicationGroups?: ReplicationGroup[]}).ReplicationGroups ?? []
  return groups.map((group) => `${group.ReplicationGroupId} ${group.Status ?? '?'}`).join(', ')
}

function clusterStates(output: unknown): string {
  const clusters = (output as {CacheClusters?: CacheCluster[]}).CacheClusters ?? []
  return clusters.map((cluster) => `${cluster.CacheClusterId} ${cluster.CacheClusterStatus ?? '?'}`).join(', ')
}

/** Runs a call whose "not found" answer means "nothing there": undefined instead of an error. */
async function unlessNotFound<T>(operation: string, notFound: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call()
  } catch (error) {
    if (hasAwsCode(error, notFound)) return undefined
    return awsCall(operation, () => Promise.reject(error))
  }
}

export function createElastiCacheApi(client: ElastiCacheClient, context: ApiContext): ElastiCacheApi {
  const {clock, reporter} = context

  async function describeGroup(id: string): Promise<ReplicationGroup | undefined> {
    const out = await unlessNotFound('elasticache:DescribeReplicationGroups', GROUP_NOT_FOUND, () =>
      client.send(new DescribeReplicationGroupsCommand({ReplicationGroupId: id})),
    )
    return out?.ReplicationGroups?.[0]
  }

  async function describeCluster(id: string): Promise<CacheCluster | undefined> {
    const out = await unlessNotFound('elasticache:DescribeCacheClusters', CLUSTER_NOT_FOUND, () =>
      client.send(new DescribeCacheClustersCommand({CacheClusterId: id, ShowCacheNodeInfo: true})),
    )
    return out?.CacheClusters?.[0]
  }

  /**
   * The *Deleted waiters take "not found" as success, but runSdkWaiter stops
   * on errors it does not know to be transient, and ElastiCache's not-found
   * names end in `Fault`. Gone is what was awaited.
   */
  async function untilGone(notFound: string, wait: () => Promise<void>): Promise<void> {
    try {
      await wait()
    } catch (error) {
      if (!hasAwsCode(error, notFound)) throw error
    }
  }

  function waitOptions(wait: WaitControl) {
    return {client, clock, maxDelaySeconds: WAITER_MAX_DELAY_SECONDS, minDelaySeconds: CACHE_WAITER_DELAY_SECONDS, reporter, signal: wait.signal, timeoutMs: wait.timeoutMs}
  }

  return {
    async createCacheCluster(input) {
      const out = await awsCall('elasticache:CreateCacheCluster', () => client.send(new CreateCacheClusterCommand(input)))
      return out.CacheCluster ?? {}
    },

    async createReplicationGroup(input) {
      const out = await awsCall('elasticache:CreateReplicationGroup', () => client.send(new CreateReplicationGroupCommand(input)))
      return out.ReplicationGroup ?? {}
    },

    async createSubnetGroup(input) {
      const out = await awsCall('elasticache:CreateCacheSubnetGroup', () =>
        client.send(
          new CreateCacheSubnetGroupCommand({
            CacheSubnetGroupDescription: input.description,
            CacheSubnetGroupName: input.name,
            SubnetIds: [...input.subnetIds],
            Tags: tagList(input.tags),
          }),
        ),
      )
      return out.CacheSubnetGroup ?? {}
    },

    async deleteCacheCluster(id) {
      await awsCall('elasticache:DeleteCacheCluster', () => client.send(new DeleteCacheClusterCommand({CacheClusterId: id})))
    },

    async deleteReplicationGroup(id) {
      await awsCall('elasticache:DeleteReplicationGroup', () => client.send(new DeleteReplicationGroupCommand({ReplicationGroupId: id})))
    },

    async deleteSubnetGroup(name) {
      await unlessNotFound('elasticache:DeleteCacheSubnetGroup', SUBNET_GROUP_NOT_FOUND, () =>
        client.send(new DeleteCacheSubnetGroupCommand({CacheSubnetGroupName: name})),
      )
    },

    describeCacheCluster: describeCluster,
    describeReplicationGroup: describeGroup,

    async describeSubnetGroup(name) {
      const out = await unlessNotFound('elasticache:DescribeCacheSubnetGroups', SUBNET_GROUP_NOT_FOUND, () =>
        client.send(new DescribeCacheSubnetGroupsCommand({CacheSubnetGroupName: name})),
      )
      return out?.CacheSubnetGroups?.[0]
    },

    async securityGroupIdsOf(cacheClusterId) {
      const cluster = await describeCluster(cacheClusterId)
      return (cluster?.SecurityGroups ?? []).map((group) => group.SecurityGroupId ?? '').filter((id) => id !== '')
    },

    async waitForCacheClusterAvailable(id, wait) {
      await runSdkWaiter({
        ...waitOptions(wait),
        describe: clusterStates,
        input: {CacheClusterId: id},
        waiter: waitUntilCacheClusterAvailable,
        what: `cache cluster ${id} to be available`,
      })
      const cluster = await awsCall('elasticache:DescribeCacheClusters', () =>
        client.send(new DescribeCacheClustersCommand({CacheClusterId: id, ShowCacheNodeInfo: true})),
      )
      return cluster.CacheClusters?.[0] ?? {}
    },

    async waitForCacheClusterDeleted(id, wait) {
      await untilGone(CLUSTER_NOT_FOUND, () =>
        runSdkWaiter({
          ...waitOptions(wait),
          describe: clusterStates,
          input: {CacheClusterId: id},
          waiter: waitUntilCacheClusterDeleted,
          what: `cache cluster ${id} to be deleted`,
        }),
      )
    },

    async waitForReplicationGroupAvailable(id, wait) {
      await runSdkWaiter({
        ...waitOptions(wait),
        describe: groupStates,
        input: {ReplicationGroupId: id},
        waiter: waitUntilReplicationGroupAvailable,
        what: `replication group ${id} to be available`,
      })
      const out = await awsCall('elasticache:DescribeReplicationGroups', () => client.send(new DescribeReplicationGroupsCommand({ReplicationGroupId: id})))
      return out.ReplicationGroups?.[0] ?? {}
    },

    async waitForReplicationGroupDeleted(id, wait) {
      await untilGone(GROUP_NOT_FOUND, () =>
        runSdkWaiter({
          ...waitOptions(wait),
          describe: groupStates,
          input: {ReplicationGroupId: id},
          waiter: waitUntilReplicationGroupDeleted,
          what: `replication group ${id} to be deleted`,
        }),
      )
    },
  }
}
