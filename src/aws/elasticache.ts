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
  DescribeReservedCacheNodesOfferingsCommand,
  type ElastiCacheClient,
  type ReplicationGroup,
  waitUntilCacheClusterAvailable,
  waitUntilCacheClusterDeleted,
  waitUntilReplicationGroupAvailable,
  waitUntilReplicationGroupDeleted,
} from '@aws-sdk/client-elasticache'

import type {ApiContext, Tags, WaitControl} from './types'
import {awsCall, hasAwsCode} from './errors'
import {lifecycleWaits, statesIn, tagList, unlessNotFound, waiterPacing} from './resource-calls'

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
  /**
   * Whether ElastiCache sells this node type in the Region. There is no
   * "describe node types" call; DescribeReservedCacheNodesOfferings filtered
   * by CacheNodeType lists the offerings of every node type the Region has
   * (ElastiCache API reference, DescribeReservedCacheNodesOfferings: "Lists
   * available reserved cache node offerings"), and none for a type it does
   * not. Caveat: a node type sold only on demand would read as missing.
   */
  nodeTypeExists(nodeType: string): Promise<boolean>
}

/** ElastiCache's own waiter model polls every 15 s. */
const CACHE_WAITER_DELAY_SECONDS = 15

/** The SDK's names for "no such …" (exception class names, not the wire codes). */
const GROUP_NOT_FOUND = 'ReplicationGroupNotFoundFault'
const CLUSTER_NOT_FOUND = 'CacheClusterNotFoundFault'
const SUBNET_GROUP_NOT_FOUND = 'CacheSubnetGroupNotFoundFault'

/** "hactl-demo-cache creating", for wait progress. */
const groupStates = statesIn<ReplicationGroup>('ReplicationGroups', (group) => [group.ReplicationGroupId, group.Status])
const clusterStates = statesIn<CacheCluster>('CacheClusters', (cluster) => [cluster.CacheClusterId, cluster.CacheClusterStatus])

export function createElastiCacheApi(client: ElastiCacheClient, context: ApiContext): ElastiCacheApi {
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

  const pacing = (wait: WaitControl) => waiterPacing(client, context, CACHE_WAITER_DELAY_SECONDS, wait)
  const clusterWaits = lifecycleWaits({what: 'cache cluster', input: (id) => ({CacheClusterId: id}), describe: clusterStates, untilAvailable: waitUntilCacheClusterAvailable, untilDeleted: waitUntilCacheClusterDeleted, notFound: CLUSTER_NOT_FOUND}, pacing)
  const groupWaits = lifecycleWaits({what: 'replication group', input: (id) => ({ReplicationGroupId: id}), describe: groupStates, untilAvailable: waitUntilReplicationGroupAvailable, untilDeleted: waitUntilReplicationGroupDeleted, notFound: GROUP_NOT_FOUND}, pacing)

  return {
    async nodeTypeExists(nodeType) {
      try {
        const out = await awsCall('elasticache:DescribeReservedCacheNodesOfferings', () =>
          client.send(new DescribeReservedCacheNodesOfferingsCommand({CacheNodeType: nodeType, MaxRecords: 20})),
        )
        return (out.ReservedCacheNodesOfferings ?? []).some((offering) => offering.CacheNodeType === nodeType)
      } catch (error) {
        // Whether ElastiCache answers an unknown type with an empty list or a parameter error is UNVERIFIED: both mean "no such type".
        if (hasAwsCode(error, 'InvalidParameterValue', 'InvalidParameterValueException')) return false
        throw error
      }
    },

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
      await clusterWaits.available(id, wait)
      const cluster = await awsCall('elasticache:DescribeCacheClusters', () =>
        client.send(new DescribeCacheClustersCommand({CacheClusterId: id, ShowCacheNodeInfo: true})),
      )
      return cluster.CacheClusters?.[0] ?? {}
    },

    waitForCacheClusterDeleted: clusterWaits.deleted,

    async waitForReplicationGroupAvailable(id, wait) {
      await groupWaits.available(id, wait)
      const out = await awsCall('elasticache:DescribeReplicationGroups', () => client.send(new DescribeReplicationGroupsCommand({ReplicationGroupId: id})))
      return out.ReplicationGroups?.[0] ?? {}
    },

    waitForReplicationGroupDeleted: groupWaits.deleted,
  }
}
