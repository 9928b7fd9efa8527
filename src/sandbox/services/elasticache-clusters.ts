import type {
  CacheCluster,
  CreateCacheClusterCommandInput,
  CreateCacheClusterCommandOutput,
  DeleteCacheClusterCommandInput,
  DeleteCacheClusterCommandOutput,
  DescribeCacheClustersCommandInput,
  DescribeCacheClustersCommandOutput,
} from '@aws-sdk/client-elasticache'

import type {Handler, OperationContext, Result} from '../types'
import {memberCacheClusters} from './elasticache-groups'
import {
  arnOf,
  azsOf,
  cacheHost,
  checkIdentifier,
  checkSecurityGroups,
  checkTags,
  clusterReadyAt,
  clusterStatus,
  errors,
  memberIds,
  pageOf,
  placeNodes,
  requireSubnetGroup,
  unsupported,
  versionAtLeast,
  type CacheClusterRecord,
  type CacheWorld,
} from './elasticache-model'
import {checkNodeType} from './elasticache-node-types'

const MEMCACHED_DEFAULT_VERSION = '1.6.22'
/** Encryption in transit came to Memcached with 1.6.12. */
const MEMCACHED_TLS_SINCE = [1, 6, 12]

function nodeId(index: number): string {
  return String(index + 1).padStart(4, '0')
}

/** A Memcached cluster; its configuration endpoint and node endpoints once it is available. */
function toMemcachedCluster(cluster: CacheClusterRecord, showNodes: boolean, context: OperationContext): CacheCluster {
  const status = clusterStatus(cluster, context.now)
  const ready = status !== 'creating'
  return {
    CacheClusterId: cluster.id,
    ConfigurationEndpoint: ready ? {Address: cacheHost(cluster.id, 'cfg', context), Port: cluster.port} : undefined,
    ClientDownloadLandingPage: 'https://console.aws.amazon.com/elasticache/home#client-download:',
    CacheNodeType: cluster.cacheNodeType,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    CacheClusterStatus: status,
    NumCacheNodes: cluster.nodeAzs.length,
    PreferredAvailabilityZone: cluster.crossAz ? 'Multiple' : cluster.nodeAzs[0],
    CacheClusterCreateTime: ready ? new Date(clusterReadyAt(cluster)) : undefined,
    PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    PendingModifiedValues: {},
    CacheSecurityGroups: [],
    CacheParameterGroup: {CacheParameterGroupName: 'default.memcached1.6', ParameterApplyStatus: 'in-sync', CacheNodeIdsToReboot: []},
    CacheSubnetGroupName: cluster.subnetGroupName,
    CacheNodes: showNodes
      ? cluster.nodeAzs.map((az, index) => ({
          CacheNodeId: nodeId(index),
          CacheNodeStatus: status,
          CacheNodeCreateTime: ready ? new Date(clusterReadyAt(cluster)) : undefined,
          Endpoint: ready ? {Address: cacheHost(cluster.id, nodeId(index), context), Port: cluster.port} : undefined,
          ParameterGroupStatus: 'in-sync',
          CustomerAvailabilityZone: az,
        }))
      : undefined,
    AutoMinorVersionUpgrade: true,
    SecurityGroups: cluster.securityGroupIds.map((id) => ({SecurityGroupId: id, Status: 'active'})),
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: cluster.transitEncryption,
    AtRestEncryptionEnabled: false,
    ARN: arnOf('cluster', cluster.id, context),
    ReplicationGroupLogDeliveryEnabled: false,
    LogDeliveryConfigurations: [],
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    TransitEncryptionMode: cluster.transitEncryption ? 'required' : undefined,
  }
}

function checkNodeCount(value: number | undefined): number {
  if (value === undefined) throw errors.invalidValue('The parameter NumCacheNodes must be provided and must not be blank.')
  if (!Number.isInteger(value) || value < 1 || value > 40) throw errors.invalidValue(`The parameter NumCacheNodes must be between 1 and 40: ${value}`)
  return value
}

function checkEngine(input: CreateCacheClusterCommandInput): string {
  if (input.ReplicationGroupId !== undefined) throw unsupported('CreateCacheCluster with ReplicationGroupId (adding a replica)')
  const engine = (input.Engine ?? '').toLowerCase()
  if (engine === '') throw errors.invalidValue('The parameter Engine must be provided and must not be blank.')
  // A single-node Redis/Valkey cluster is a legacy shape; hactl makes replication groups.
  if (engine === 'redis' || engine === 'valkey') throw unsupported(`CreateCacheCluster with engine ${engine} (use CreateReplicationGroup)`)
  if (engine !== 'memcached') throw errors.invalidValue(`Invalid engine: ${input.Engine}`)
  if (input.AuthToken !== undefined) throw errors.combination('AuthToken is not supported for the memcached engine.')
  return engine
}

export const createCacheCluster: Handler<CacheWorld, CreateCacheClusterCommandInput, Result<CreateCacheClusterCommandOutput>> = (world, input, context) => {
  const id = checkIdentifier(input.CacheClusterId, 'CacheClusterId', 50)
  const engine = checkEngine(input)
  const taken =
    world.cache.cacheClusters.some((cluster) => cluster.id === id) || world.cache.replicationGroups.some((group) => memberIds(group).includes(id))
  if (taken) throw errors.clusterExists(id)
  if (!input.CacheNodeType) throw errors.invalidValue('The parameter CacheNodeType must be provided and must not be blank.')
  checkNodeType(input.CacheNodeType)
  const count = checkNodeCount(input.NumCacheNodes)
  const crossAz = input.AZMode === 'cross-az'
  if (crossAz && count < 2) throw errors.invalidValue('Cross-AZ mode (AZMode cross-az) needs at least 2 cache nodes.')
  const engineVersion = input.EngineVersion ?? MEMCACHED_DEFAULT_VERSION
  const transitEncryption = input.TransitEncryptionEnabled ?? false
  if (transitEncryption && !versionAtLeast(engineVersion, MEMCACHED_TLS_SINCE)) {
    throw errors.combination(`Encryption in transit is supported for Memcached 1.6.12 and later, not ${engineVersion}.`)
  }

  const group = requireSubnetGroup(world, input.CacheSubnetGroupName, context)
  const single = input.PreferredAvailabilityZone ?? azsOf(group)[0]
  const nodeAzs = crossAz
    ? placeNodes(group, count, input.PreferredAvailabilityZones, 'PreferredAvailabilityZones')
    : placeNodes(group, count, input.PreferredAvailabilityZones ?? Array.from({length: count}, () => single), 'PreferredAvailabilityZones')
  const record: CacheClusterRecord = {
    id,
    engine,
    engineVersion,
    cacheNodeType: input.CacheNodeType,
    crossAz,
    nodeAzs,
    transitEncryption,
    subnetGroupName: group.name,
    securityGroupIds: checkSecurityGroups(world, input.SecurityGroupIds, group, context),
    port: input.Port ?? 11_211,
    createdAt: context.now,
    deletedAt: undefined,
    tags: checkTags(input.Tags),
  }
  world.cache.cacheClusters.push(record)
  return {CacheCluster: toMemcachedCluster(record, false, context)}
}

/** Memcached clusters and the member clusters of replication groups, by id. */
export const describeCacheClusters: Handler<CacheWorld, DescribeCacheClustersCommandInput, Result<DescribeCacheClustersCommandOutput>> = (world, input, context) => {
  const showNodes = input.ShowCacheNodeInfo ?? false
  const memcached = world.cache.cacheClusters.map((cluster) => toMemcachedCluster(cluster, showNodes, context))
  const members = input.ShowCacheClustersNotInReplicationGroups
    ? []
    : world.cache.replicationGroups.flatMap((group) => memberCacheClusters(group, showNodes, context))
  let all = [...memcached, ...members].sort((a, b) => ((a.CacheClusterId ?? '') < (b.CacheClusterId ?? '') ? -1 : 1))
  if (input.CacheClusterId !== undefined) {
    const id = input.CacheClusterId.toLowerCase()
    all = all.filter((cluster) => cluster.CacheClusterId === id)
    if (all.length === 0) throw errors.clusterNotFound(input.CacheClusterId)
  }

  const page = pageOf(all, input)
  return {CacheClusters: page.items, Marker: page.nextToken}
}

export const deleteCacheCluster: Handler<CacheWorld, DeleteCacheClusterCommandInput, Result<DeleteCacheClusterCommandOutput>> = (world, input, context) => {
  const id = (input.CacheClusterId ?? '').toLowerCase()
  const owner = world.cache.replicationGroups.find((group) => memberIds(group).includes(id))
  if (owner) {
    throw errors.clusterState(`Cache cluster ${id} is a member of replication group ${owner.id}; delete the replication group instead.`)
  }

  const cluster = world.cache.cacheClusters.find((candidate) => candidate.id === id)
  if (!cluster) throw errors.clusterNotFound(input.CacheClusterId ?? '')
  if (input.FinalSnapshotIdentifier !== undefined) throw errors.combination('Snapshots are not supported for the memcached engine.')
  const status = clusterStatus(cluster, context.now)
  if (status !== 'available') throw errors.clusterState(`Cache cluster ${id} is not in available state (it is ${status}).`)
  cluster.deletedAt = context.now
  return {CacheCluster: toMemcachedCluster(cluster, false, context)}
}
