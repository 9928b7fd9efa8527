import type {
  CreateDBClusterCommandInput,
  CreateDBClusterCommandOutput,
  DBCluster,
  DBClusterMember,
  DBClusterSnapshot,
  DeleteDBClusterCommandInput,
  DeleteDBClusterCommandOutput,
  DescribeDBClusterSnapshotsCommandInput,
  DescribeDBClusterSnapshotsCommandOutput,
  DescribeDBClustersCommandInput,
  DescribeDBClustersCommandOutput,
  ModifyDBClusterCommandInput,
  ModifyDBClusterCommandOutput,
} from '@aws-sdk/client-rds'

import {DURATIONS} from '../durations'
import type {Handler, OperationContext, Result} from '../types'
import {
  arnOf,
  azsOf,
  byId,
  checkCredentials,
  checkIdentifier,
  checkSecurityGroups,
  checkTags,
  checkUsername,
  clusterStatus,
  defaultSubnetGroup,
  endpointSuffix,
  engineFacts,
  errors,
  matchesFilters,
  modifiedMasterSecret,
  onlyFields,
  pageOf,
  parameterFamily,
  requireCluster,
  requireSubnetGroup,
  resourceIdOf,
  storageKey,
  toTagList,
  unsupported,
  type DbClusterRecord,
  type DbClusterSnapshotRecord,
  type DbInstanceRecord,
  type DbSubnetGroupRecord,
  type RdsWorld,
} from './rds-model'
import {resolveEngineVersion} from './rds-engines'
import {checkParameterGroupFor} from './rds-parameter-groups'
import {checkFinalSnapshotId, chooseSnapshots, snapshotProgress, type SnapshotLookup} from './rds-snapshots'

const DATABASE_NAME = /^[A-Za-z]\w{0,63}$/

/** The cluster's instances, oldest first: the oldest one still up is the writer. */
export function membersOf(world: RdsWorld, cluster: DbClusterRecord): DbInstanceRecord[] {
  return world.rds.instances
    .filter((instance) => instance.clusterId === cluster.id)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
}

function toMembers(members: readonly DbInstanceRecord[]): DBClusterMember[] {
  const writer = members.find((instance) => instance.deletedAt === undefined) ?? members[0]
  return members.map((instance) => ({
    DBInstanceIdentifier: instance.id,
    IsClusterWriter: instance === writer,
    DBClusterParameterGroupStatus: 'in-sync',
    PromotionTier: instance.promotionTier,
  }))
}

export function toDbCluster(world: RdsWorld, cluster: DbClusterRecord, context: OperationContext): DBCluster {
  const members = membersOf(world, cluster)
  const suffix = endpointSuffix(context)
  return {
    AllocatedStorage: 1,
    AvailabilityZones: cluster.availabilityZones,
    BackupRetentionPeriod: cluster.backupRetentionPeriod,
    DatabaseName: cluster.databaseName,
    DBClusterIdentifier: cluster.id,
    DBClusterParameterGroup: cluster.parameterGroupName ?? `default.${parameterFamily(cluster.engine, cluster.engineVersion)}`,
    DBSubnetGroup: cluster.subnetGroupName,
    Status: clusterStatus(cluster, context.now),
    EarliestRestorableTime: new Date(cluster.createdAt),
    Endpoint: `${cluster.id}.cluster-${suffix}`,
    ReaderEndpoint: `${cluster.id}.cluster-ro-${suffix}`,
    CustomEndpoints: [],
    MultiAZ: new Set(members.map((instance) => instance.az)).size > 1,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    Port: cluster.port,
    MasterUsername: cluster.masterUsername,
    DBClusterOptionGroupMemberships: [],
    PreferredBackupWindow: '03:00-03:30',
    PreferredMaintenanceWindow: 'sun:04:00-sun:04:30',
    ReadReplicaIdentifiers: [],
    DBClusterMembers: toMembers(members),
    VpcSecurityGroups: cluster.securityGroupIds.map((id) => ({VpcSecurityGroupId: id, Status: 'active'})),
    StorageEncrypted: cluster.storageEncrypted,
    KmsKeyId: cluster.kmsKeyId,
    DbClusterResourceId: cluster.resourceId,
    DBClusterArn: arnOf('cluster', cluster.id, context),
    AssociatedRoles: [],
    IAMDatabaseAuthenticationEnabled: false,
    ClusterCreateTime: new Date(cluster.createdAt),
    EngineMode: 'provisioned',
    DeletionProtection: cluster.deletionProtection,
    HttpEndpointEnabled: false,
    CopyTagsToSnapshot: cluster.copyTagsToSnapshot,
    CrossAccountClone: false,
    DomainMemberships: [],
    TagList: toTagList(cluster.tags),
    NetworkType: 'IPV4',
    StorageType: 'aurora',
    MasterUserSecret: cluster.masterUserSecret
      ? {SecretArn: cluster.masterUserSecret.arn, SecretStatus: 'active', KmsKeyId: cluster.masterUserSecret.kmsKeyId}
      : undefined,
  }
}

/** What a new cluster (created or restored) takes from its request: retention, protection, tag copying, security groups; born now. */
export function newClusterSettings(
  world: RdsWorld,
  input: {BackupRetentionPeriod?: number; CopyTagsToSnapshot?: boolean; DeletionProtection?: boolean; VpcSecurityGroupIds?: string[]},
  vpcId: string,
  context: OperationContext,
): Pick<DbClusterRecord, 'backupRetentionPeriod' | 'copyTagsToSnapshot' | 'createdAt' | 'deletedAt' | 'deletionProtection' | 'securityGroupIds'> {
  return {
    createdAt: context.now,
    backupRetentionPeriod: checkClusterBackupRetention(input.BackupRetentionPeriod),
    deletionProtection: input.DeletionProtection ?? false,
    copyTagsToSnapshot: input.CopyTagsToSnapshot ?? false,
    securityGroupIds: checkSecurityGroups(world, input.VpcSecurityGroupIds, vpcId, 'DB cluster', context),
    deletedAt: undefined,
  }
}

export function checkClusterBackupRetention(days: number | undefined): number {
  const value = days ?? 1
  // Aurora always keeps backups: at least one day.
  if (!Number.isInteger(value) || value < 1 || value > 35) {
    throw errors.invalidValue(`Invalid backup retention period: ${value}. The backup retention period must be between 1 and 35 days.`)
  }

  return value
}

export function checkDatabaseName(name: string | undefined): string | undefined {
  if (name !== undefined && !DATABASE_NAME.test(name)) {
    throw errors.invalidValue(`The parameter DatabaseName is not a valid identifier. It must begin with a letter and contain only letters, digits and underscores: ${name}`)
  }

  return name
}

/** A cluster's subnet group (`default` when none is named) and AZs: the ones asked for, or up to 3 of the group's. */
export function placeCluster(
  world: RdsWorld,
  input: {readonly DBSubnetGroupName?: string; readonly AvailabilityZones?: string[]},
  context: OperationContext,
): {readonly group: DbSubnetGroupRecord; readonly availabilityZones: string[]} {
  const group = input.DBSubnetGroupName === undefined ? defaultSubnetGroup(world, context) : requireSubnetGroup(world, input.DBSubnetGroupName, context)
  if (!group) throw errors.invalidValue('No default VPC for this account: give a DBSubnetGroupName.')
  const groupAzs = azsOf(group)
  const unknownAz = (input.AvailabilityZones ?? []).find((az) => !groupAzs.includes(az))
  if (unknownAz !== undefined) throw errors.invalidValue(`The DB subnet group ${group.name} has no subnet in ${unknownAz}.`)
  return {group, availabilityZones: input.AvailabilityZones?.length ? [...input.AvailabilityZones].sort() : groupAzs.slice(0, 3)}
}

export const createDbCluster: Handler<RdsWorld, CreateDBClusterCommandInput, Result<CreateDBClusterCommandOutput>> = (world, input, context) => {
  const id = checkIdentifier(input.DBClusterIdentifier, 'DBClusterIdentifier')
  if (world.rds.clusters.some((cluster) => cluster.id === id)) throw errors.clusterExists()
  const facts = engineFacts(input.Engine)
  // mysql/postgres clusters are Multi-AZ DB clusters, a different product hactl does not use.
  if (!facts.aurora) throw unsupported(`CreateDBCluster with engine ${input.Engine} (Multi-AZ DB clusters)`)
  if (input.EngineMode !== undefined && input.EngineMode !== 'provisioned') throw unsupported(`CreateDBCluster with EngineMode ${input.EngineMode}`)
  const {group, availabilityZones} = placeCluster(world, input, context)
  const key = storageKey(input, context)
  const masterUsername = checkUsername(input.MasterUsername, facts.maxUsername)
  const version = resolveEngineVersion(input.Engine ?? '', input.EngineVersion)
  const cluster: DbClusterRecord = {
    id,
    resourceId: resourceIdOf('cluster', context),
    engine: input.Engine ?? '',
    engineVersion: version.version,
    parameterGroupName: checkParameterGroupFor(world, input.DBClusterParameterGroupName, version.family, true),
    port: input.Port ?? facts.port,
    subnetGroupName: group.name,
    availabilityZones,
    databaseName: checkDatabaseName(input.DatabaseName),
    masterUsername,
    masterUserSecret: checkCredentials(input, 'cluster', facts.maxPassword, context),
    storageEncrypted: key.encrypted,
    kmsKeyId: key.kmsKeyId,
    ...newClusterSettings(world, input, group.vpcId, context),
    tags: checkTags(input.Tags),
  }
  world.rds.clusters.push(cluster)
  return {DBCluster: toDbCluster(world, cluster, context)}
}

const CLUSTER_FILTERS = (context: OperationContext): Readonly<Record<string, (cluster: DbClusterRecord) => string[]>> => ({
  'db-cluster-id': (cluster) => [cluster.id, arnOf('cluster', cluster.id, context)],
  'db-cluster-resource-id': (cluster) => [cluster.resourceId],
  engine: (cluster) => [cluster.engine],
})

export const describeDbClusters: Handler<RdsWorld, DescribeDBClustersCommandInput, Result<DescribeDBClustersCommandOutput>> = (world, input, context) => {
  const chosen = input.DBClusterIdentifier === undefined ? [...world.rds.clusters].sort(byId) : [requireCluster(world, input.DBClusterIdentifier, context)]
  const fields = CLUSTER_FILTERS(context)
  const page = pageOf(
    chosen.filter((cluster) => matchesFilters(cluster, input.Filters, fields)),
    input,
  )
  return {DBClusters: page.items.map((cluster) => toDbCluster(world, cluster, context)), Marker: page.nextToken}
}

const MODIFIABLE = new Set([
  'DBClusterIdentifier',
  'ApplyImmediately',
  'DeletionProtection',
  'BackupRetentionPeriod',
  'VpcSecurityGroupIds',
  'CopyTagsToSnapshot',
  'ManageMasterUserPassword',
  'MasterUserSecretKmsKeyId',
])

/** Changes apply at once, ApplyImmediately or not. */
export const modifyDbCluster: Handler<RdsWorld, ModifyDBClusterCommandInput, Result<ModifyDBClusterCommandOutput>> = (world, input, context) => {
  onlyFields(input, MODIFIABLE, 'ModifyDBCluster')
  const cluster = requireCluster(world, input.DBClusterIdentifier, context)
  if (clusterStatus(cluster, context.now) !== 'available') throw errors.clusterState(`DBCluster ${cluster.id} is not in available state.`)
  // Checked before anything changes, so a refused call changes nothing.
  const masterUserSecret = modifiedMasterSecret(input, cluster.masterUserSecret, 'cluster', context)
  if (input.VpcSecurityGroupIds !== undefined) {
    const group = requireSubnetGroup(world, cluster.subnetGroupName, context)
    cluster.securityGroupIds = checkSecurityGroups(world, input.VpcSecurityGroupIds, group.vpcId, 'DB cluster', context)
  }

  if (input.BackupRetentionPeriod !== undefined) cluster.backupRetentionPeriod = checkClusterBackupRetention(input.BackupRetentionPeriod)
  if (input.DeletionProtection !== undefined) cluster.deletionProtection = input.DeletionProtection
  if (input.CopyTagsToSnapshot !== undefined) cluster.copyTagsToSnapshot = input.CopyTagsToSnapshot
  cluster.masterUserSecret = masterUserSecret
  return {DBCluster: toDbCluster(world, cluster, context)}
}

function finalClusterSnapshot(world: RdsWorld, cluster: DbClusterRecord, snapshotId: string, context: OperationContext): DbClusterSnapshotRecord {
  return {
    id: snapshotId,
    clusterId: cluster.id,
    resourceId: cluster.resourceId,
    createdAt: context.now,
    readyAt: context.now + DURATIONS.rdsDeleting,
    engine: cluster.engine,
    engineVersion: cluster.engineVersion,
    port: cluster.port,
    vpcId: requireSubnetGroup(world, cluster.subnetGroupName, context).vpcId,
    availabilityZones: cluster.availabilityZones,
    masterUsername: cluster.masterUsername,
    encrypted: cluster.storageEncrypted,
    kmsKeyId: cluster.kmsKeyId,
    clusterCreatedAt: cluster.createdAt,
    databaseName: cluster.databaseName,
    tags: cluster.copyTagsToSnapshot ? {...cluster.tags} : {},
  }
}

function checkFinalSnapshot(world: RdsWorld, cluster: DbClusterRecord, input: DeleteDBClusterCommandInput, status: string): string | undefined {
  return checkFinalSnapshotId(input, status, {
    notAvailable: (current) => errors.clusterState(`Cluster ${cluster.id} is currently ${current} - a final snapshot cannot be taken.`),
    existing: world.rds.clusterSnapshots,
    exists: errors.clusterSnapshotExists,
  })
}

/** A cluster is deleted after its instances: while any is not `deleting`, RDS refuses. */
export const deleteDbCluster: Handler<RdsWorld, DeleteDBClusterCommandInput, Result<DeleteDBClusterCommandOutput>> = (world, input, context) => {
  const cluster = requireCluster(world, input.DBClusterIdentifier, context)
  const status = clusterStatus(cluster, context.now)
  if (status === 'deleting') throw errors.clusterState(`Cluster ${cluster.id} is already being deleted.`)
  if (cluster.deletionProtection) throw errors.combination('Cannot delete protected Cluster, please disable deletion protection and try again.')
  if (membersOf(world, cluster).some((instance) => instance.deletedAt === undefined)) {
    throw errors.clusterState('Cluster cannot be deleted, it still contains DB instances in non-deleting state.')
  }

  const snapshotId = checkFinalSnapshot(world, cluster, input, status)
  if (snapshotId !== undefined) world.rds.clusterSnapshots.push(finalClusterSnapshot(world, cluster, snapshotId, context))
  cluster.deletedAt = context.now
  return {DBCluster: toDbCluster(world, cluster, context)}
}

// ---- cluster snapshots ----------------------------------------------------------

function toDbClusterSnapshot(snapshot: DbClusterSnapshotRecord, context: OperationContext): DBClusterSnapshot {
  return {
    AvailabilityZones: snapshot.availabilityZones,
    DBClusterSnapshotIdentifier: snapshot.id,
    DBClusterIdentifier: snapshot.clusterId,
    SnapshotCreateTime: new Date(snapshot.createdAt),
    Engine: snapshot.engine,
    EngineMode: 'provisioned',
    AllocatedStorage: 0,
    Port: snapshot.port,
    VpcId: snapshot.vpcId,
    ClusterCreateTime: new Date(snapshot.clusterCreatedAt),
    MasterUsername: snapshot.masterUsername,
    EngineVersion: snapshot.engineVersion,
    LicenseModel: snapshot.engine,
    SnapshotType: 'manual',
    ...snapshotProgress(snapshot, context.now),
    StorageEncrypted: snapshot.encrypted,
    KmsKeyId: snapshot.kmsKeyId,
    DBClusterSnapshotArn: arnOf('cluster-snapshot', snapshot.id, context),
    IAMDatabaseAuthenticationEnabled: false,
    TagList: toTagList(snapshot.tags),
    StorageType: 'aurora',
    DbClusterResourceId: snapshot.resourceId,
  }
}

const CLUSTER_SNAPSHOTS: SnapshotLookup<DbClusterSnapshotRecord> = {
  kind: 'cluster-snapshot',
  ownerKind: 'cluster',
  ownerOf: (snapshot) => snapshot.clusterId,
  notFound: errors.clusterSnapshotNotFound,
  filters: (context) => ({
    'db-cluster-id': (snapshot) => [snapshot.clusterId, arnOf('cluster', snapshot.clusterId, context)],
    'db-cluster-snapshot-id': (snapshot) => [snapshot.id],
    'snapshot-type': () => ['manual'],
    engine: (snapshot) => [snapshot.engine],
  }),
}

export const describeDbClusterSnapshots: Handler<RdsWorld, DescribeDBClusterSnapshotsCommandInput, Result<DescribeDBClusterSnapshotsCommandOutput>> = (world, input, context) => {
  const query = {snapshotId: input.DBClusterSnapshotIdentifier, ownerId: input.DBClusterIdentifier, snapshotType: input.SnapshotType, filters: input.Filters}
  const page = pageOf(chooseSnapshots(world.rds.clusterSnapshots, query, CLUSTER_SNAPSHOTS, context), input)
  return {DBClusterSnapshots: page.items.map((snapshot) => toDbClusterSnapshot(snapshot, context)), Marker: page.nextToken}
}
