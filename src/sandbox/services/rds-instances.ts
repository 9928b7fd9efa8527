import type {
  CreateDBInstanceCommandInput,
  CreateDBInstanceCommandOutput,
  DBInstance,
  DBSnapshot,
  DeleteDBInstanceCommandInput,
  DeleteDBInstanceCommandOutput,
  DescribeDBInstancesCommandInput,
  DescribeDBInstancesCommandOutput,
  DescribeDBSnapshotsCommandInput,
  DescribeDBSnapshotsCommandOutput,
  ModifyDBInstanceCommandInput,
  ModifyDBInstanceCommandOutput,
} from '@aws-sdk/client-rds'

import {DURATIONS} from '../durations'
import {hexOf} from '../ids'
import type {Handler, OperationContext, Result} from '../types'
import {
  arnOf,
  byId,
  checkBackupRetention,
  checkCredentials,
  checkIdentifier,
  checkSecurityGroups,
  checkTags,
  checkUsername,
  clusterOf,
  clusterStatus,
  defaultSubnetGroup,
  ec2Of,
  endpointSuffix,
  engineFacts,
  errors,
  findSubnetGroup,
  idFromIdOrArn,
  instanceCreatedBy,
  instanceStatus,
  matchesFilters,
  modifiedMasterSecret,
  onlyFields,
  pageOf,
  parameterFamily,
  requireCluster,
  requireSubnetGroup,
  resourceIdOf,
  standbyAz,
  storageKey,
  toTagList,
  type DbInstanceRecord,
  type DbSnapshotRecord,
  type DbSubnetGroupRecord,
  type RdsWorld,
} from './rds-model'
import {resolveEngineVersion} from './rds-engines'
import {checkOrderable} from './rds-orderable'
import {checkParameterGroupFor} from './rds-parameter-groups'
import {checkFinalSnapshotId, chooseSnapshots, snapshotProgress, type SnapshotLookup} from './rds-snapshots'
import {toDbSubnetGroup} from './rds-subnet-groups'

export const STORAGE_TYPES = new Set(['gp2', 'gp3', 'io1', 'io2', 'standard'])
const DB_NAME = /^[A-Za-z]\w{0,62}$/

export function toDbInstance(world: RdsWorld, instance: DbInstanceRecord, context: OperationContext): DBInstance {
  const cluster = clusterOf(world, instance)
  const status = instanceStatus(instance, cluster, context.now)
  const group = findSubnetGroup(world, instance.subnetGroupName, context)
  const created = status !== 'creating'
  return {
    DBInstanceIdentifier: instance.id,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    DBInstanceStatus: status,
    MasterUsername: cluster ? cluster.masterUsername : instance.masterUsername,
    DBName: cluster ? cluster.databaseName : instance.dbName,
    // RDS gives the endpoint once the instance is reachable, not while it is first being created.
    Endpoint: created ? {Address: `${instance.id}.${endpointSuffix(context)}`, Port: instance.port} : undefined,
    AllocatedStorage: cluster ? 1 : instance.allocatedStorage,
    InstanceCreateTime: created ? new Date(instanceCreatedBy(instance, cluster)) : undefined,
    PreferredBackupWindow: '03:00-03:30',
    BackupRetentionPeriod: cluster ? cluster.backupRetentionPeriod : instance.backupRetentionPeriod,
    DBSecurityGroups: [],
    VpcSecurityGroups: (cluster ? cluster.securityGroupIds : instance.securityGroupIds).map((id) => ({VpcSecurityGroupId: id, Status: 'active'})),
    DBParameterGroups: [
      {
        DBParameterGroupName: instance.parameterGroupName ?? `default.${parameterFamily(instance.engine, instance.engineVersion)}`,
        ParameterApplyStatus: 'in-sync',
      },
    ],
    AvailabilityZone: instance.az,
    DBSubnetGroup: group ? toDbSubnetGroup(group, context) : undefined,
    PreferredMaintenanceWindow: 'sun:04:00-sun:04:30',
    PendingModifiedValues: {},
    MultiAZ: instance.multiAZ,
    EngineVersion: instance.engineVersion,
    AutoMinorVersionUpgrade: true,
    ReadReplicaDBInstanceIdentifiers: [],
    LicenseModel: instance.engine.includes('postgres') ? 'postgresql-license' : 'general-public-license',
    SecondaryAvailabilityZone: instance.multiAZ ? instance.secondaryAz : undefined,
    PubliclyAccessible: instance.publiclyAccessible,
    StorageType: cluster ? 'aurora' : instance.storageType,
    DbInstancePort: 0,
    DBClusterIdentifier: instance.clusterId,
    StorageEncrypted: cluster ? cluster.storageEncrypted : instance.storageEncrypted,
    KmsKeyId: cluster ? cluster.kmsKeyId : instance.kmsKeyId,
    DbiResourceId: instance.resourceId,
    CACertificateIdentifier: 'rds-ca-rsa2048-g1',
    CopyTagsToSnapshot: cluster ? cluster.copyTagsToSnapshot : instance.copyTagsToSnapshot,
    MonitoringInterval: 0,
    PromotionTier: cluster ? instance.promotionTier : undefined,
    DBInstanceArn: arnOf('db', instance.id, context),
    IAMDatabaseAuthenticationEnabled: false,
    PerformanceInsightsEnabled: false,
    DeletionProtection: instance.deletionProtection,
    TagList: toTagList(instance.tags),
    CustomerOwnedIpEnabled: false,
    BackupTarget: 'region',
    NetworkType: 'IPV4',
    MasterUserSecret: instance.masterUserSecret
      ? {SecretArn: instance.masterUserSecret.arn, SecretStatus: 'active', KmsKeyId: instance.masterUserSecret.kmsKeyId}
      : undefined,
  }
}

/** An instance that has not finished deleting, by identifier or ARN. */
export function requireInstance(world: RdsWorld, value: string | undefined, context: OperationContext): DbInstanceRecord {
  const id = idFromIdOrArn(value ?? '', 'db', context)
  const instance = world.rds.instances.find((candidate) => candidate.id === id)
  if (!instance) throw errors.instanceNotFound(value ?? '')
  return instance
}

/** One AZ of the group, stable for the identifier, so instances spread across AZs. */
function pickAz(azs: readonly string[], id: string): string {
  return azs[Number.parseInt(hexOf(id, 8), 16) % azs.length]
}

function checkAz(requested: string | undefined, azs: readonly string[], id: string): string {
  if (requested === undefined) return pickAz(azs, id)
  if (!azs.includes(requested)) {
    throw errors.invalidValue(`Cannot create a DB instance in ${requested}: the DB subnet group has no subnet there (it covers ${azs.join(', ')}).`)
  }

  return requested
}

/**
 * Without PubliclyAccessible, RDS makes the instance public when its VPC has
 * an internet gateway. The sandbox's subnets are all in the default VPC,
 * which has one, so the default is public there (as on AWS) and private
 * elsewhere.
 */
export function publicByDefault(world: RdsWorld, group: DbSubnetGroupRecord, context: OperationContext): boolean {
  return ec2Of(world, context).vpcs.some((vpc) => vpc.id === group.vpcId && vpc.isDefault)
}

export function checkPort(port: number | undefined, fallback: number): number {
  if (port === undefined) return fallback
  if (!Number.isInteger(port) || port < 1150 || port > 65_535) throw errors.invalidValue(`Invalid port ${port}: it must be between 1150 and 65535.`)
  return port
}

function checkDbName(name: string | undefined): string | undefined {
  if (name !== undefined && !DB_NAME.test(name)) {
    throw errors.invalidValue(
      `The parameter DBName is not a valid identifier. It must begin with a letter and contain only letters, digits and underscores: ${name}`,
    )
  }

  return name
}

function checkStorage(input: CreateDBInstanceCommandInput): {readonly size: number; readonly type: string} {
  const type = input.StorageType ?? 'gp3'
  if (!STORAGE_TYPES.has(type)) throw errors.invalidValue(`Invalid storage type: ${type}`)
  const size = input.AllocatedStorage
  if (size === undefined) throw errors.invalidValue('The parameter AllocatedStorage must be provided and must not be blank.')
  if (!Number.isInteger(size) || size < 20 || size > 65_536) {
    throw errors.invalidValue(`Invalid storage size for engine name ${input.Engine} and storage type ${type}: ${size}`)
  }

  return {size, type}
}

/** Where a standalone instance goes: its subnet group (`default` when none is named), its AZ and, with MultiAZ, its standby's. */
export function placeInstance(
  world: RdsWorld,
  id: string,
  input: {readonly DBSubnetGroupName?: string; readonly MultiAZ?: boolean; readonly AvailabilityZone?: string},
  context: OperationContext,
): {readonly group: DbSubnetGroupRecord; readonly az: string; readonly multiAZ: boolean; readonly secondaryAz: string | undefined} {
  const group = input.DBSubnetGroupName === undefined ? defaultSubnetGroup(world, context) : requireSubnetGroup(world, input.DBSubnetGroupName, context)
  if (!group) throw errors.invalidValue('No default VPC for this account: give a DBSubnetGroupName.')
  const azs = [...new Set(group.subnets.map((subnet) => subnet.az))].sort()
  const multiAZ = input.MultiAZ ?? false
  if (multiAZ && input.AvailabilityZone !== undefined) {
    throw errors.combination('Requesting a specific availability zone is not valid for Multi-AZ instances.')
  }

  const az = checkAz(input.AvailabilityZone, azs, id)
  return {group, az, multiAZ, secondaryAz: multiAZ ? standbyAz(group, az) : undefined}
}

/** Where a standalone instance goes, as placeInstance finds it. */
export type InstancePlacement = ReturnType<typeof placeInstance>

/** The request fields CreateDBInstance and RestoreDBInstanceFromDBSnapshot both take, checked alike. */
export type StandaloneRequest = Pick<
  CreateDBInstanceCommandInput,
  'DBName' | 'DBParameterGroupName' | 'Port' | 'PubliclyAccessible' | 'BackupRetentionPeriod' | 'DeletionProtection' | 'CopyTagsToSnapshot' | 'VpcSecurityGroupIds'
>

/** What a standalone instance takes from where it comes from (a create request or a snapshot), checked by the caller. */
export interface InstanceOrigin {
  readonly engine: string
  readonly engineVersion: string
  readonly family: string
  readonly instanceClass: string
  readonly defaultPort: number
  readonly storage: {readonly size: number; readonly type: string}
  readonly storageEncrypted: boolean
  readonly kmsKeyId: string | undefined
  /** The database name when the request gives no DBName (a restore refuses one, so the snapshot's applies). */
  readonly dbName: string | undefined
  readonly masterUsername: string | undefined
  readonly masterUserSecret: DbInstanceRecord['masterUserSecret']
}

/**
 * A standalone (non-Aurora) instance record, for a create and a restore alike.
 * Tags are left to the caller (a restore copies the snapshot's), and checked
 * after everything here, as before.
 */
export function standaloneRecord(
  world: RdsWorld,
  id: string,
  input: StandaloneRequest,
  placement: InstancePlacement,
  origin: InstanceOrigin,
  context: OperationContext,
): Omit<DbInstanceRecord, 'tags'> {
  const {group, az, multiAZ, secondaryAz} = placement
  return {
    id,
    resourceId: resourceIdOf('db', context),
    engine: origin.engine,
    engineVersion: origin.engineVersion,
    parameterGroupName: checkParameterGroupFor(world, input.DBParameterGroupName, origin.family, false),
    instanceClass: origin.instanceClass,
    port: checkPort(input.Port, origin.defaultPort),
    subnetGroupName: group.name,
    az,
    createdAt: context.now,
    clusterId: undefined,
    allocatedStorage: origin.storage.size,
    storageType: origin.storage.type,
    storageEncrypted: origin.storageEncrypted,
    kmsKeyId: origin.kmsKeyId,
    dbName: checkDbName(input.DBName) ?? origin.dbName,
    masterUsername: origin.masterUsername,
    masterUserSecret: origin.masterUserSecret,
    publiclyAccessible: input.PubliclyAccessible ?? publicByDefault(world, group, context),
    promotionTier: 1,
    multiAZ,
    secondaryAz,
    backupRetentionPeriod: checkBackupRetention(input.BackupRetentionPeriod),
    deletionProtection: input.DeletionProtection ?? false,
    copyTagsToSnapshot: input.CopyTagsToSnapshot ?? false,
    securityGroupIds: checkSecurityGroups(world, input.VpcSecurityGroupIds, group.vpcId, 'DB instance', context),
    deletedAt: undefined,
  }
}

function standaloneInstance(world: RdsWorld, id: string, input: CreateDBInstanceCommandInput, context: OperationContext): DbInstanceRecord {
  const facts = engineFacts(input.Engine)
  if (facts.aurora) {
    throw errors.combination(`A DB instance of engine ${input.Engine} must belong to a DB cluster: give DBClusterIdentifier.`)
  }

  const placement = placeInstance(world, id, input, context)
  const storage = checkStorage(input)
  const key = storageKey(input, context)
  const masterUsername = checkUsername(input.MasterUsername, facts.maxUsername)
  const masterUserSecret = checkCredentials(input, 'db', facts.maxPassword, context)
  const version = resolveEngineVersion(input.Engine ?? '', input.EngineVersion)
  checkOrderable(input.Engine ?? '', version.version, input.DBInstanceClass ?? '')
  const origin: InstanceOrigin = {
    engine: input.Engine ?? '',
    engineVersion: version.version,
    family: version.family,
    instanceClass: input.DBInstanceClass ?? '',
    defaultPort: facts.port,
    storage,
    storageEncrypted: key.encrypted,
    kmsKeyId: key.kmsKeyId,
    dbName: undefined,
    masterUsername,
    masterUserSecret,
  }
  return {...standaloneRecord(world, id, input, placement, origin, context), tags: checkTags(input.Tags)}
}

/** What an Aurora instance takes from its cluster, and how RDS words a request that sets it on the instance. */
const CLUSTER_OWNED: ReadonlyArray<readonly [keyof CreateDBInstanceCommandInput, string]> = [
  ['MasterUsername', 'master username'],
  ['MasterUserPassword', 'master user password'],
  ['ManageMasterUserPassword', 'master user password management'],
  ['BackupRetentionPeriod', 'backup retention period'],
  ['AllocatedStorage', 'allocated storage'],
  ['StorageEncrypted', 'storage encryption'],
  ['KmsKeyId', 'the KMS key'],
  ['DBName', 'database name'],
  ['VpcSecurityGroupIds', 'VPC security groups'],
  ['DeletionProtection', 'deletion protection'],
  ['MultiAZ', 'Multi-AZ (add instances in other Availability Zones)'],
]

function clusterInstance(world: RdsWorld, id: string, input: CreateDBInstanceCommandInput, context: OperationContext): DbInstanceRecord {
  const cluster = requireCluster(world, input.DBClusterIdentifier ?? '', context)
  if (clusterStatus(cluster, context.now) === 'deleting') throw errors.clusterState(`DB cluster ${cluster.id} is being deleted.`)
  if (input.Engine !== cluster.engine) {
    throw errors.combination(
      `The engine name requested for your DB instance (${input.Engine}) doesn't match the engine name of your DB cluster (${cluster.engine}).`,
    )
  }

  const owned = CLUSTER_OWNED.find(([field]) => input[field] !== undefined)
  if (owned) throw errors.combination(`The requested DB Instance will be a member of a DB Cluster. Set ${owned[1]} for the DB Cluster.`)
  if (input.DBSubnetGroupName !== undefined && input.DBSubnetGroupName.toLowerCase() !== cluster.subnetGroupName) {
    throw errors.combination(`The DB subnet group of the DB instance must be the DB cluster's (${cluster.subnetGroupName}).`)
  }

  const group = requireSubnetGroup(world, cluster.subnetGroupName, context)
  const engineVersion = input.EngineVersion ?? cluster.engineVersion
  checkOrderable(cluster.engine, engineVersion, input.DBInstanceClass ?? '')
  const parameterGroupName = checkParameterGroupFor(world, input.DBParameterGroupName, parameterFamily(cluster.engine, engineVersion), false)
  const members = world.rds.instances.filter((instance) => instance.clusterId === cluster.id)
  // Spread members over the cluster's AZs, writer first, as the console does.
  const az = input.AvailabilityZone === undefined ? cluster.availabilityZones[members.length % cluster.availabilityZones.length] : checkAz(input.AvailabilityZone, cluster.availabilityZones, id)
  return {
    id,
    resourceId: resourceIdOf('db', context),
    engine: cluster.engine,
    engineVersion,
    parameterGroupName,
    instanceClass: input.DBInstanceClass ?? '',
    port: cluster.port,
    subnetGroupName: cluster.subnetGroupName,
    az,
    createdAt: context.now,
    clusterId: cluster.id,
    allocatedStorage: 1,
    storageType: 'aurora',
    storageEncrypted: cluster.storageEncrypted,
    kmsKeyId: cluster.kmsKeyId,
    dbName: undefined,
    masterUsername: undefined,
    masterUserSecret: undefined,
    publiclyAccessible: input.PubliclyAccessible ?? publicByDefault(world, group, context),
    promotionTier: input.PromotionTier ?? 1,
    multiAZ: false,
    secondaryAz: undefined,
    backupRetentionPeriod: cluster.backupRetentionPeriod,
    deletionProtection: false,
    copyTagsToSnapshot: cluster.copyTagsToSnapshot,
    securityGroupIds: [],
    deletedAt: undefined,
    tags: checkTags(input.Tags),
  }
}

export const createDbInstance: Handler<RdsWorld, CreateDBInstanceCommandInput, Result<CreateDBInstanceCommandOutput>> = (world, input, context) => {
  const id = checkIdentifier(input.DBInstanceIdentifier, 'DBInstanceIdentifier')
  if (world.rds.instances.some((instance) => instance.id === id)) throw errors.instanceExists()
  engineFacts(input.Engine)
  if (!input.DBInstanceClass) throw errors.invalidValue('The parameter DBInstanceClass must be provided and must not be blank.')
  const instance = input.DBClusterIdentifier === undefined ? standaloneInstance(world, id, input, context) : clusterInstance(world, id, input, context)
  world.rds.instances.push(instance)
  return {DBInstance: toDbInstance(world, instance, context)}
}

const INSTANCE_FILTERS = (context: OperationContext): Readonly<Record<string, (instance: DbInstanceRecord) => string[]>> => ({
  'db-cluster-id': (instance) => (instance.clusterId === undefined ? [] : [instance.clusterId, arnOf('cluster', instance.clusterId, context)]),
  'db-instance-id': (instance) => [instance.id, arnOf('db', instance.id, context)],
  'dbi-resource-id': (instance) => [instance.resourceId],
  engine: (instance) => [instance.engine],
})

export const describeDbInstances: Handler<RdsWorld, DescribeDBInstancesCommandInput, Result<DescribeDBInstancesCommandOutput>> = (world, input, context) => {
  const chosen = input.DBInstanceIdentifier === undefined ? [...world.rds.instances].sort(byId) : [requireInstance(world, input.DBInstanceIdentifier, context)]
  const fields = INSTANCE_FILTERS(context)
  const matching = chosen.filter((instance) => matchesFilters(instance, input.Filters, fields))
  const page = pageOf(matching, input)
  return {DBInstances: page.items.map((instance) => toDbInstance(world, instance, context)), Marker: page.nextToken}
}

const MODIFIABLE = new Set([
  'DBInstanceIdentifier',
  'ApplyImmediately',
  'DeletionProtection',
  'MultiAZ',
  'BackupRetentionPeriod',
  'VpcSecurityGroupIds',
  'PubliclyAccessible',
  'CopyTagsToSnapshot',
  'ManageMasterUserPassword',
  'MasterUserSecretKmsKeyId',
])

/** Changes on an Aurora instance that belong to its cluster, as RDS words the refusal. */
const CLUSTER_MODIFIED: ReadonlyArray<readonly [keyof ModifyDBInstanceCommandInput, string]> = [
  ['BackupRetentionPeriod', 'backup retention'],
  ['MultiAZ', 'Multi-AZ'],
  ['VpcSecurityGroupIds', 'VPC security groups'],
  ['DeletionProtection', 'deletion protection'],
  ['ManageMasterUserPassword', 'master user password management'],
  ['MasterUserSecretKmsKeyId', 'master user password management'],
]

/**
 * ModifyDBInstance applies every change at once, with or without
 * ApplyImmediately (AWS would defer some to the maintenance window).
 */
export const modifyDbInstance: Handler<RdsWorld, ModifyDBInstanceCommandInput, Result<ModifyDBInstanceCommandOutput>> = (world, input, context) => {
  onlyFields(input, MODIFIABLE, 'ModifyDBInstance')
  const instance = requireInstance(world, input.DBInstanceIdentifier, context)
  const cluster = clusterOf(world, instance)
  if (instanceStatus(instance, cluster, context.now) !== 'available') throw errors.instanceState('Database instance is not in available state.')
  if (cluster) {
    const owned = CLUSTER_MODIFIED.find(([field]) => input[field] !== undefined)
    if (owned) {
      throw errors.combination(`The specified DB instance is a member of a DB cluster. Modify ${owned[1]} for the DB cluster using the ModifyDbCluster API.`)
    }
  }

  // Checked before anything changes, so a refused call changes nothing.
  const masterUserSecret = modifiedMasterSecret(input, instance.masterUserSecret, 'db', context)
  const group = requireSubnetGroup(world, instance.subnetGroupName, context)
  if (input.VpcSecurityGroupIds !== undefined) {
    instance.securityGroupIds = checkSecurityGroups(world, input.VpcSecurityGroupIds, group.vpcId, 'DB instance', context)
  }

  if (input.BackupRetentionPeriod !== undefined) instance.backupRetentionPeriod = checkBackupRetention(input.BackupRetentionPeriod)
  if (input.MultiAZ !== undefined) {
    instance.multiAZ = input.MultiAZ
    instance.secondaryAz = input.MultiAZ ? standbyAz(group, instance.az) : undefined
  }

  if (input.DeletionProtection !== undefined) instance.deletionProtection = input.DeletionProtection
  if (input.CopyTagsToSnapshot !== undefined) instance.copyTagsToSnapshot = input.CopyTagsToSnapshot
  if (input.PubliclyAccessible !== undefined) instance.publiclyAccessible = input.PubliclyAccessible
  instance.masterUserSecret = masterUserSecret
  return {DBInstance: toDbInstance(world, instance, context)}
}

function finalSnapshot(world: RdsWorld, instance: DbInstanceRecord, snapshotId: string, context: OperationContext): DbSnapshotRecord {
  const group = requireSubnetGroup(world, instance.subnetGroupName, context)
  return {
    id: snapshotId,
    instanceId: instance.id,
    resourceId: instance.resourceId,
    createdAt: context.now,
    readyAt: context.now + DURATIONS.rdsDeleting,
    engine: instance.engine,
    engineVersion: instance.engineVersion,
    allocatedStorage: instance.allocatedStorage,
    storageType: instance.storageType,
    port: instance.port,
    az: instance.az,
    vpcId: group.vpcId,
    masterUsername: instance.masterUsername,
    encrypted: instance.storageEncrypted,
    kmsKeyId: instance.kmsKeyId,
    instanceCreatedAt: instanceCreatedBy(instance, undefined),
    instanceClass: instance.instanceClass,
    dbName: instance.dbName,
    tags: instance.copyTagsToSnapshot ? {...instance.tags} : {},
  }
}

/**
 * A standalone instance needs FinalDBSnapshotIdentifier or SkipFinalSnapshot
 * (not both); an Aurora instance takes neither (the cluster keeps the data).
 */
function checkFinalSnapshot(world: RdsWorld, instance: DbInstanceRecord, input: DeleteDBInstanceCommandInput, status: string): string | undefined {
  if (instance.clusterId !== undefined) {
    if (input.FinalDBSnapshotIdentifier !== undefined) throw errors.combination('FinalDBSnapshotIdentifier can not be specified when deleting a cluster instance')
    return undefined
  }

  return checkFinalSnapshotId(input, status, {
    notAvailable: (current) => errors.instanceState(`Instance ${instance.id} is currently ${current} - a final snapshot cannot be taken.`),
    existing: world.rds.snapshots,
    exists: errors.snapshotExists,
  })
}

export const deleteDbInstance: Handler<RdsWorld, DeleteDBInstanceCommandInput, Result<DeleteDBInstanceCommandOutput>> = (world, input, context) => {
  const instance = requireInstance(world, input.DBInstanceIdentifier, context)
  const status = instanceStatus(instance, clusterOf(world, instance), context.now)
  if (status === 'deleting') throw errors.instanceState(`Instance ${instance.id} is already being deleted.`)
  if (instance.deletionProtection) throw errors.combination('Cannot delete protected DB Instance, please disable deletion protection and try again.')
  const snapshotId = checkFinalSnapshot(world, instance, input, status)
  if (snapshotId !== undefined) world.rds.snapshots.push(finalSnapshot(world, instance, snapshotId, context))
  instance.deletedAt = context.now
  return {DBInstance: toDbInstance(world, instance, context)}
}

// ---- snapshots ------------------------------------------------------------------

function toDbSnapshot(snapshot: DbSnapshotRecord, context: OperationContext): DBSnapshot {
  return {
    DBSnapshotIdentifier: snapshot.id,
    DBInstanceIdentifier: snapshot.instanceId,
    SnapshotCreateTime: new Date(snapshot.createdAt),
    Engine: snapshot.engine,
    AllocatedStorage: snapshot.allocatedStorage,
    Port: snapshot.port,
    AvailabilityZone: snapshot.az,
    VpcId: snapshot.vpcId,
    InstanceCreateTime: new Date(snapshot.instanceCreatedAt),
    MasterUsername: snapshot.masterUsername,
    EngineVersion: snapshot.engineVersion,
    LicenseModel: snapshot.engine.includes('postgres') ? 'postgresql-license' : 'general-public-license',
    SnapshotType: 'manual',
    ...snapshotProgress(snapshot, context.now),
    StorageType: snapshot.storageType,
    Encrypted: snapshot.encrypted,
    KmsKeyId: snapshot.kmsKeyId,
    DBSnapshotArn: arnOf('snapshot', snapshot.id, context),
    IAMDatabaseAuthenticationEnabled: false,
    ProcessorFeatures: [],
    DbiResourceId: snapshot.resourceId,
    TagList: toTagList(snapshot.tags),
    SnapshotTarget: 'region',
    OriginalSnapshotCreateTime: new Date(snapshot.createdAt),
  }
}

const INSTANCE_SNAPSHOTS: SnapshotLookup<DbSnapshotRecord> = {
  kind: 'snapshot',
  ownerKind: 'db',
  ownerOf: (snapshot) => snapshot.instanceId,
  notFound: errors.snapshotNotFound,
  filters: (context) => ({
    'db-instance-id': (snapshot) => [snapshot.instanceId, arnOf('db', snapshot.instanceId, context)],
    'db-snapshot-id': (snapshot) => [snapshot.id],
    'dbi-resource-id': (snapshot) => [snapshot.resourceId],
    'snapshot-type': () => ['manual'],
    engine: (snapshot) => [snapshot.engine],
  }),
}

/** Final snapshots are manual; other types (automated, shared, public) have none here. */
export const describeDbSnapshots: Handler<RdsWorld, DescribeDBSnapshotsCommandInput, Result<DescribeDBSnapshotsCommandOutput>> = (world, input, context) => {
  const query = {snapshotId: input.DBSnapshotIdentifier, ownerId: input.DBInstanceIdentifier, snapshotType: input.SnapshotType, filters: input.Filters}
  const page = pageOf(chooseSnapshots(world.rds.snapshots, query, INSTANCE_SNAPSHOTS, context), input)
  return {DBSnapshots: page.items.map((snapshot) => toDbSnapshot(snapshot, context)), Marker: page.nextToken}
}
