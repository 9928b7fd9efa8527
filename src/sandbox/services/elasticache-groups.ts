import type {
  CacheCluster,
  CreateReplicationGroupCommandInput,
  CreateReplicationGroupCommandOutput,
  DeleteReplicationGroupCommandInput,
  DeleteReplicationGroupCommandOutput,
  DescribeReplicationGroupsCommandInput,
  DescribeReplicationGroupsCommandOutput,
  ModifyReplicationGroupCommandInput,
  ModifyReplicationGroupCommandOutput,
  NodeGroupMember,
  ReplicationGroup,
} from '@aws-sdk/client-elasticache'

import type {Handler, OperationContext, Result} from '../types'
import {
  arnOf,
  byId,
  cacheHost,
  checkIdentifier,
  checkSecurityGroups,
  checkTags,
  errors,
  groupReadyAt,
  groupStatus,
  memberIds,
  pageOf,
  placeNodes,
  requireSubnetGroup,
  unsupported,
  type CacheWorld,
  type ReplicationGroupRecord,
} from './elasticache-model'
import {checkNodeType} from './elasticache-node-types'
import {createTransitSetting, modifiedTransitSetting, transitModeOf} from './elasticache-transit'

const REDIS_ENGINES: Readonly<Record<string, {readonly defaultVersion: string; readonly family: (version: string) => string}>> = {
  redis: {defaultVersion: '7.1', family: (version) => `redis${version.split('.')[0]}`},
  valkey: {defaultVersion: '8.0', family: (version) => `valkey${version.split('.')[0]}`},
}

/** 16–128 printable ASCII characters, none of `@`, `"` and `/`. */
const AUTH_TOKEN = /^[\x21-\x7e]{16,128}$/

/** Input the sandbox does not simulate (cluster mode, global datastores, restores, RBAC): said plainly. */
const UNSIMULATED: ReadonlyArray<keyof CreateReplicationGroupCommandInput> = [
  'GlobalReplicationGroupId',
  'PrimaryClusterId',
  'NumNodeGroups',
  'NodeGroupConfiguration',
  'SnapshotArns',
  'SnapshotName',
  'UserGroupIds',
  'ServerlessCacheSnapshotName',
  'ReplicasPerNodeGroup',
]

export function requireGroup(world: CacheWorld, value: string | undefined): ReplicationGroupRecord {
  const id = (value ?? '').toLowerCase()
  const group = world.cache.replicationGroups.find((candidate) => candidate.id === id)
  if (!group) throw errors.groupNotFound(value ?? '')
  return group
}

function primaryEndpoint(group: ReplicationGroupRecord, context: OperationContext): {Address: string; Port: number} {
  return {Address: cacheHost(`master.${group.id}`, undefined, context), Port: group.port}
}

function memberEndpoint(group: ReplicationGroupRecord, memberId: string, context: OperationContext): {Address: string; Port: number} {
  return {Address: cacheHost(`${memberId}.${group.id}`, undefined, context), Port: group.port}
}

/** Endpoints and roles appear once the group is available, as ElastiCache shows them. */
function nodeGroupMembers(group: ReplicationGroupRecord, ready: boolean, context: OperationContext): NodeGroupMember[] {
  return memberIds(group).map((memberId, index) => ({
    CacheClusterId: memberId,
    CacheNodeId: '0001',
    ReadEndpoint: ready ? memberEndpoint(group, memberId, context) : undefined,
    PreferredAvailabilityZone: group.memberAzs[index],
    CurrentRole: ready ? (index === 0 ? 'primary' : 'replica') : undefined,
  }))
}

export function toReplicationGroup(group: ReplicationGroupRecord, context: OperationContext): ReplicationGroup {
  const status = groupStatus(group, context.now)
  const ready = status !== 'creating'
  return {
    ReplicationGroupId: group.id,
    Description: group.description,
    GlobalReplicationGroupInfo: {},
    Status: status,
    PendingModifiedValues: {},
    MemberClusters: memberIds(group),
    NodeGroups: [
      {
        NodeGroupId: '0001',
        Status: status,
        PrimaryEndpoint: ready ? primaryEndpoint(group, context) : undefined,
        ReaderEndpoint: ready ? {Address: cacheHost(`replica.${group.id}`, undefined, context), Port: group.port} : undefined,
        NodeGroupMembers: nodeGroupMembers(group, ready, context),
      },
    ],
    AutomaticFailover: group.automaticFailover ? 'enabled' : 'disabled',
    MultiAZ: group.multiAZ ? 'enabled' : 'disabled',
    SnapshotRetentionLimit: group.snapshotRetentionLimit,
    SnapshotWindow: '05:00-06:00',
    ClusterEnabled: false,
    CacheNodeType: group.cacheNodeType,
    AuthTokenEnabled: group.authTokenEnabled,
    AuthTokenLastModifiedDate: group.authTokenEnabled ? new Date(group.createdAt) : undefined,
    TransitEncryptionEnabled: group.transitEncryption,
    AtRestEncryptionEnabled: group.atRestEncryption,
    MemberClustersOutpostArns: [],
    KmsKeyId: group.kmsKeyId,
    ARN: arnOf('replicationgroup', group.id, context),
    UserGroupIds: [],
    LogDeliveryConfigurations: [],
    ReplicationGroupCreateTime: new Date(group.createdAt),
    DataTiering: 'disabled',
    AutoMinorVersionUpgrade: true,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    TransitEncryptionMode: transitModeOf(group),
    ClusterMode: 'disabled',
    Engine: group.engine,
  }
}

/** The member clusters as DescribeCacheClusters shows them: one node each, in the group's state. */
export function memberCacheClusters(group: ReplicationGroupRecord, showNodes: boolean, context: OperationContext): CacheCluster[] {
  const status = groupStatus(group, context.now)
  const ready = status !== 'creating'
  const family = REDIS_ENGINES[group.engine]?.family(group.engineVersion) ?? group.engine
  return memberIds(group).map((memberId, index) => ({
    CacheClusterId: memberId,
    ClientDownloadLandingPage: 'https://console.aws.amazon.com/elasticache/home#client-download:',
    CacheNodeType: group.cacheNodeType,
    Engine: group.engine,
    EngineVersion: group.engineVersion,
    CacheClusterStatus: status,
    NumCacheNodes: 1,
    PreferredAvailabilityZone: group.memberAzs[index],
    CacheClusterCreateTime: ready ? new Date(groupReadyAt(group)) : undefined,
    PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    PendingModifiedValues: {},
    CacheSecurityGroups: [],
    CacheParameterGroup: {CacheParameterGroupName: `default.${family}`, ParameterApplyStatus: 'in-sync', CacheNodeIdsToReboot: []},
    CacheSubnetGroupName: group.subnetGroupName,
    CacheNodes: showNodes
      ? [
          {
            CacheNodeId: '0001',
            CacheNodeStatus: status,
            CacheNodeCreateTime: ready ? new Date(groupReadyAt(group)) : undefined,
            Endpoint: ready ? memberEndpoint(group, memberId, context) : undefined,
            ParameterGroupStatus: 'in-sync',
            CustomerAvailabilityZone: group.memberAzs[index],
          },
        ]
      : undefined,
    AutoMinorVersionUpgrade: true,
    SecurityGroups: group.securityGroupIds.map((id) => ({SecurityGroupId: id, Status: 'active'})),
    ReplicationGroupId: group.id,
    SnapshotRetentionLimit: group.snapshotRetentionLimit,
    SnapshotWindow: '05:00-06:00',
    AuthTokenEnabled: group.authTokenEnabled,
    TransitEncryptionEnabled: group.transitEncryption,
    AtRestEncryptionEnabled: group.atRestEncryption,
    ARN: arnOf('cluster', memberId, context),
    ReplicationGroupLogDeliveryEnabled: false,
    LogDeliveryConfigurations: [],
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    TransitEncryptionMode: transitModeOf(group),
  }))
}

function checkFailover(input: CreateReplicationGroupCommandInput, count: number): {readonly automaticFailover: boolean; readonly multiAZ: boolean} {
  const automaticFailover = input.AutomaticFailoverEnabled ?? false
  const multiAZ = input.MultiAZEnabled ?? false
  if (automaticFailover && count < 2) {
    throw errors.combination('Replication group must have at least one read replica to enable automatic failover (NumCacheClusters of 2 or more).')
  }

  if (multiAZ && !automaticFailover) throw errors.combination('Multi-AZ can be enabled only when automatic failover is enabled.')
  return {automaticFailover, multiAZ}
}

/** The AUTH token is checked and then dropped: only "there is one" is kept. */
function checkAuthToken(input: CreateReplicationGroupCommandInput): boolean {
  if (input.AuthToken === undefined) return false
  if (input.TransitEncryptionEnabled !== true) throw errors.combination('AuthToken can be specified only when TransitEncryptionEnabled is true.')
  if (!AUTH_TOKEN.test(input.AuthToken) || /[@"/]/.test(input.AuthToken)) {
    throw errors.invalidValue('Invalid AuthToken provided: it must be 16 to 128 printable characters and must not contain @, " or /.')
  }

  return true
}

function checkClusterCount(value: number | undefined): number {
  const count = value ?? 1
  if (!Number.isInteger(count) || count < 1 || count > 6) {
    throw errors.invalidValue(`The parameter NumCacheClusters must be between 1 and 6 when cluster mode is disabled: ${count}`)
  }

  return count
}

export const createReplicationGroup: Handler<CacheWorld, CreateReplicationGroupCommandInput, Result<CreateReplicationGroupCommandOutput>> = (world, input, context) => {
  const id = checkIdentifier(input.ReplicationGroupId, 'ReplicationGroupId', 40)
  if (!input.ReplicationGroupDescription) throw errors.invalidValue('The parameter ReplicationGroupDescription must be provided and must not be blank.')
  const unsimulated = UNSIMULATED.find((field) => input[field] !== undefined)
  if (unsimulated !== undefined) throw unsupported(`CreateReplicationGroup with ${unsimulated}`)
  if (input.ClusterMode !== undefined && input.ClusterMode !== 'disabled') throw unsupported(`CreateReplicationGroup with ClusterMode ${input.ClusterMode}`)
  if (world.cache.replicationGroups.some((group) => group.id === id)) throw errors.groupExists(id)
  const engineName = (input.Engine ?? 'redis').toLowerCase()
  const engine = REDIS_ENGINES[engineName]
  if (!engine) throw errors.invalidValue(`Invalid engine for a replication group: ${input.Engine}. Use redis or valkey.`)
  if (!input.CacheNodeType) throw errors.invalidValue('The parameter CacheNodeType must be provided and must not be blank.')
  checkNodeType(input.CacheNodeType)
  const count = checkClusterCount(input.NumCacheClusters)
  const failover = checkFailover(input, count)
  const authTokenEnabled = checkAuthToken(input)
  if (input.KmsKeyId !== undefined && input.AtRestEncryptionEnabled !== true) {
    throw errors.combination('KmsKeyId can be specified only when AtRestEncryptionEnabled is true.')
  }

  const engineVersion = input.EngineVersion ?? engine.defaultVersion
  const transit = createTransitSetting(input, engineName, engineVersion)
  const subnetGroup = requireSubnetGroup(world, input.CacheSubnetGroupName, context)
  const record: ReplicationGroupRecord = {
    id,
    description: input.ReplicationGroupDescription,
    engine: engineName,
    engineVersion,
    cacheNodeType: input.CacheNodeType,
    memberAzs: placeNodes(subnetGroup, count, input.PreferredCacheClusterAZs, 'PreferredCacheClusterAZs'),
    automaticFailover: failover.automaticFailover,
    multiAZ: failover.multiAZ,
    transitEncryption: transit.enabled,
    transitEncryptionMode: transit.mode,
    atRestEncryption: input.AtRestEncryptionEnabled ?? false,
    kmsKeyId: input.KmsKeyId,
    authTokenEnabled,
    subnetGroupName: subnetGroup.name,
    securityGroupIds: checkSecurityGroups(world, input.SecurityGroupIds, subnetGroup, context),
    port: input.Port ?? 6379,
    snapshotRetentionLimit: input.SnapshotRetentionLimit ?? 0,
    createdAt: context.now,
    deletedAt: undefined,
    tags: checkTags(input.Tags),
  }
  const taken = memberIds(record).find((memberId) => world.cache.cacheClusters.some((cluster) => cluster.id === memberId))
  if (taken !== undefined) throw errors.clusterExists(taken)
  world.cache.replicationGroups.push(record)
  return {ReplicationGroup: toReplicationGroup(record, context)}
}

export const describeReplicationGroups: Handler<CacheWorld, DescribeReplicationGroupsCommandInput, Result<DescribeReplicationGroupsCommandOutput>> = (world, input, context) => {
  const chosen = input.ReplicationGroupId === undefined ? [...world.cache.replicationGroups].sort(byId) : [requireGroup(world, input.ReplicationGroupId)]
  const page = pageOf(chosen, input)
  return {ReplicationGroups: page.items.map((group) => toReplicationGroup(group, context)), Marker: page.nextToken}
}

export const deleteReplicationGroup: Handler<CacheWorld, DeleteReplicationGroupCommandInput, Result<DeleteReplicationGroupCommandOutput>> = (world, input, context) => {
  const group = requireGroup(world, input.ReplicationGroupId)
  if (input.RetainPrimaryCluster === true) throw unsupported('DeleteReplicationGroup with RetainPrimaryCluster')
  if (input.FinalSnapshotIdentifier !== undefined) throw unsupported('DeleteReplicationGroup with FinalSnapshotIdentifier')
  const status = groupStatus(group, context.now)
  if (status !== 'available') throw errors.groupState(`Replication group ${group.id} has status ${status} which is not valid for deletion.`)
  group.deletedAt = context.now
  return {ReplicationGroup: toReplicationGroup(group, context)}
}

/** What ModifyReplicationGroup simulates: the TLS migration, applied immediately. */
const MODIFIABLE: ReadonlySet<string> = new Set(['ReplicationGroupId', 'ApplyImmediately', 'TransitEncryptionEnabled', 'TransitEncryptionMode'])

/**
 * ModifyReplicationGroup for in-transit encryption only. With
 * ApplyImmediately the change is in effect at once (AWS shows `modifying` for
 * a while first); without it AWS would wait for the maintenance window,
 * which the sandbox never reaches, so that is refused as unsimulated.
 */
export const modifyReplicationGroup: Handler<CacheWorld, ModifyReplicationGroupCommandInput, Result<ModifyReplicationGroupCommandOutput>> = (world, input, context) => {
  const group = requireGroup(world, input.ReplicationGroupId)
  const other = Object.entries(input).find(([field, value]) => value !== undefined && !MODIFIABLE.has(field))
  if (other !== undefined) throw unsupported(`ModifyReplicationGroup with ${other[0]}`)
  const status = groupStatus(group, context.now)
  if (status !== 'available') throw errors.groupState(`Replication group ${group.id} is not in available state (it is ${status}).`)
  const transit = modifiedTransitSetting(group, input)
  if (transit === undefined) throw errors.combination('No modifications were requested.')
  if (input.ApplyImmediately !== true) throw unsupported('ModifyReplicationGroup without ApplyImmediately (changes in the maintenance window)')
  group.transitEncryption = transit.enabled
  group.transitEncryptionMode = transit.mode
  return {ReplicationGroup: toReplicationGroup(group, context)}
}
