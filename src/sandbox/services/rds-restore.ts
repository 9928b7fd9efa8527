import type {
  RestoreDBClusterFromSnapshotCommandInput,
  RestoreDBClusterFromSnapshotCommandOutput,
  RestoreDBInstanceFromDBSnapshotCommandInput,
  RestoreDBInstanceFromDBSnapshotCommandOutput,
} from '@aws-sdk/client-rds'

import type {Handler, OperationContext, Result} from '../types'
import {checkOrderable} from './rds-orderable'
import {checkDatabaseName, newClusterSettings, placeCluster, toDbCluster} from './rds-clusters'
import {resolveEngineVersion} from './rds-engines'
import {STORAGE_TYPES, checkPort, placeInstance, standaloneRecord, toDbInstance, type InstanceOrigin} from './rds-instances'
import {
  arnOf,
  checkIdentifier,
  checkTags,
  errors,
  idFromIdOrArn,
  keyArn,
  onlyFields,
  parameterFamily,
  resourceIdOf,
  unsupported,
  type DbClusterRecord,
  type DbClusterSnapshotRecord,
  type DbInstanceRecord,
  type DbSnapshotRecord,
  type RdsWorld,
  type Tags,
} from './rds-model'
import {checkParameterGroupFor} from './rds-parameter-groups'
import {snapshotProgress} from './rds-snapshots'

/*
 * Restores: a new instance from a DB snapshot, a new Aurora cluster from a DB
 * cluster snapshot. The new resource goes through the same lifecycle as a
 * created one; engine, version, storage, encryption and the master user come
 * from the snapshot. The master password is the one the snapshot holds: RDS
 * does not manage it in Secrets Manager until ModifyDB* turns that on.
 */

/** The snapshot's tags, unless the restore names its own. */
function restoredTags(given: RestoreDBInstanceFromDBSnapshotCommandInput['Tags'], snapshot: {readonly tags: Tags}): Tags {
  return given === undefined ? {...snapshot.tags} : checkTags(given)
}

// ---- RestoreDBInstanceFromDBSnapshot ---------------------------------------------------

const RESTORE_INSTANCE_FIELDS = new Set([
  'DBInstanceIdentifier',
  'DBSnapshotIdentifier',
  'DBInstanceClass',
  'Port',
  'AvailabilityZone',
  'DBSubnetGroupName',
  'MultiAZ',
  'PubliclyAccessible',
  'AutoMinorVersionUpgrade',
  'Engine',
  'StorageType',
  'AllocatedStorage',
  'Tags',
  'VpcSecurityGroupIds',
  'CopyTagsToSnapshot',
  'DBParameterGroupName',
  'DeletionProtection',
  'BackupRetentionPeriod',
  'ManageMasterUserPassword',
  'MasterUserSecretKmsKeyId',
])

function requireAvailableSnapshot(world: RdsWorld, value: string | undefined, context: OperationContext): DbSnapshotRecord {
  if (!value) throw errors.invalidValue('The parameter DBSnapshotIdentifier must be provided and must not be blank.')
  const id = idFromIdOrArn(value, 'snapshot', context)
  const snapshot = world.rds.snapshots.find((candidate) => candidate.id === id)
  if (!snapshot) throw errors.snapshotNotFound(value)
  const {Status} = snapshotProgress(snapshot, context.now)
  if (Status !== 'available') throw errors.snapshotState(`DBSnapshot ${snapshot.id} is not available: it is ${Status}.`)
  return snapshot
}

function restoredStorage(input: RestoreDBInstanceFromDBSnapshotCommandInput, snapshot: DbSnapshotRecord): {readonly size: number; readonly type: string} {
  const type = input.StorageType ?? snapshot.storageType
  if (!STORAGE_TYPES.has(type)) throw errors.invalidValue(`Invalid storage type: ${type}`)
  const size = input.AllocatedStorage ?? snapshot.allocatedStorage
  if (!Number.isInteger(size) || size < snapshot.allocatedStorage || size > 65_536) {
    throw errors.invalidValue(`The allocated storage ${size} must be at least the snapshot's (${snapshot.allocatedStorage} GiB) and at most 65536.`)
  }

  return {size, type}
}

/**
 * ManageMasterUserPassword on a restore "applies to RDS for Oracle only"
 * (the API reference): for the engines simulated here it is refused rather
 * than quietly ignored, so a caller learns to turn it on after the restore.
 */
function refuseManagedPassword(input: RestoreDBInstanceFromDBSnapshotCommandInput, engine: string): void {
  if (input.ManageMasterUserPassword !== undefined || input.MasterUserSecretKmsKeyId !== undefined) {
    throw errors.combination(
      `ManageMasterUserPassword can't be specified when restoring a ${engine} DB instance from a snapshot. Turn it on with ModifyDBInstance once the DB instance is available.`,
    )
  }
}

function restoredInstance(world: RdsWorld, id: string, input: RestoreDBInstanceFromDBSnapshotCommandInput, snapshot: DbSnapshotRecord, context: OperationContext): DbInstanceRecord {
  const instanceClass = input.DBInstanceClass ?? snapshot.instanceClass
  if (!instanceClass) throw errors.invalidValue('The parameter DBInstanceClass must be provided and must not be blank.')
  checkOrderable(snapshot.engine, snapshot.engineVersion, instanceClass)
  const placement = placeInstance(world, id, input, context)
  const origin: InstanceOrigin = {
    engine: snapshot.engine,
    engineVersion: snapshot.engineVersion,
    family: parameterFamily(snapshot.engine, snapshot.engineVersion),
    instanceClass,
    defaultPort: snapshot.port,
    storage: restoredStorage(input, snapshot),
    storageEncrypted: snapshot.encrypted,
    kmsKeyId: snapshot.kmsKeyId,
    dbName: snapshot.dbName,
    masterUsername: snapshot.masterUsername,
    masterUserSecret: undefined,
  }
  return {...standaloneRecord(world, id, input, placement, origin, context), tags: restoredTags(input.Tags, snapshot)}
}

export const restoreDbInstanceFromDbSnapshot: Handler<RdsWorld, RestoreDBInstanceFromDBSnapshotCommandInput, Result<RestoreDBInstanceFromDBSnapshotCommandOutput>> = (world, input, context) => {
  onlyFields(input, RESTORE_INSTANCE_FIELDS, 'RestoreDBInstanceFromDBSnapshot')
  const id = checkIdentifier(input.DBInstanceIdentifier, 'DBInstanceIdentifier')
  if (world.rds.instances.some((instance) => instance.id === id)) throw errors.instanceExists()
  const snapshot = requireAvailableSnapshot(world, input.DBSnapshotIdentifier, context)
  if (input.Engine !== undefined && input.Engine !== snapshot.engine) {
    throw errors.combination(`The engine ${input.Engine} can't be used to restore a snapshot of a ${snapshot.engine} DB instance.`)
  }

  refuseManagedPassword(input, snapshot.engine)
  const instance = restoredInstance(world, id, input, snapshot, context)
  world.rds.instances.push(instance)
  return {DBInstance: toDbInstance(world, instance, context)}
}

// ---- RestoreDBClusterFromSnapshot --------------------------------------------------------

const RESTORE_CLUSTER_FIELDS = new Set([
  'DBClusterIdentifier',
  'SnapshotIdentifier',
  'Engine',
  'EngineVersion',
  'EngineMode',
  'Port',
  'AvailabilityZones',
  'DBSubnetGroupName',
  'DatabaseName',
  'VpcSecurityGroupIds',
  'Tags',
  'KmsKeyId',
  'DBClusterParameterGroupName',
  'DeletionProtection',
  'CopyTagsToSnapshot',
  'BackupRetentionPeriod',
])

/** A DB cluster snapshot, by identifier or ARN; a DB (instance) snapshot would be a migration to Aurora, which is not simulated. */
function requireAvailableClusterSnapshot(world: RdsWorld, value: string | undefined, context: OperationContext): DbClusterSnapshotRecord {
  if (!value) throw errors.invalidValue('The parameter SnapshotIdentifier must be provided and must not be blank.')
  const id = idFromIdOrArn(value, 'cluster-snapshot', context)
  const snapshot = world.rds.clusterSnapshots.find((candidate) => candidate.id === id)
  if (!snapshot) {
    const instanceSnapshot = value.startsWith(arnOf('snapshot', '', context)) || world.rds.snapshots.some((candidate) => candidate.id === id)
    if (instanceSnapshot) throw unsupported('RestoreDBClusterFromSnapshot from a DB instance snapshot (a migration to Aurora)')
    throw errors.clusterSnapshotNotFound(value)
  }

  const {Status} = snapshotProgress(snapshot, context.now)
  if (Status !== 'available') throw errors.clusterSnapshotState(`DBClusterSnapshot ${snapshot.id} is not available: it is ${Status}.`)
  return snapshot
}

/** The snapshot's engine, and its version unless the restore names a later one of the same engine. */
function restoredVersion(input: RestoreDBClusterFromSnapshotCommandInput, snapshot: DbClusterSnapshotRecord): string {
  if (!input.Engine) throw errors.invalidValue('The parameter Engine must be provided and must not be blank.')
  if (input.Engine !== snapshot.engine) {
    throw errors.combination(`The engine ${input.Engine} can't be used to restore a snapshot of a ${snapshot.engine} DB cluster.`)
  }

  if (input.EngineMode !== undefined && input.EngineMode !== 'provisioned') throw unsupported(`RestoreDBClusterFromSnapshot with EngineMode ${input.EngineMode}`)
  return input.EngineVersion === undefined ? snapshot.engineVersion : resolveEngineVersion(input.Engine, input.EngineVersion).version
}

function restoredCluster(world: RdsWorld, id: string, input: RestoreDBClusterFromSnapshotCommandInput, snapshot: DbClusterSnapshotRecord, context: OperationContext): DbClusterRecord {
  const engineVersion = restoredVersion(input, snapshot)
  const {group, availabilityZones} = placeCluster(world, input, context)
  // A KmsKeyId re-encrypts (or encrypts) the restored cluster; otherwise the snapshot's encryption carries over.
  const kmsKeyId = input.KmsKeyId === undefined ? snapshot.kmsKeyId : keyArn(input.KmsKeyId, context)
  return {
    id,
    resourceId: resourceIdOf('cluster', context),
    engine: snapshot.engine,
    engineVersion,
    parameterGroupName: checkParameterGroupFor(world, input.DBClusterParameterGroupName, parameterFamily(snapshot.engine, engineVersion), true),
    port: checkPort(input.Port, snapshot.port),
    subnetGroupName: group.name,
    availabilityZones,
    databaseName: checkDatabaseName(input.DatabaseName) ?? snapshot.databaseName,
    masterUsername: snapshot.masterUsername,
    masterUserSecret: undefined,
    storageEncrypted: kmsKeyId !== undefined,
    kmsKeyId,
    ...newClusterSettings(world, input, group.vpcId, context),
    tags: restoredTags(input.Tags, snapshot),
  }
}

/** The cluster comes without instances, as on AWS: they are added with CreateDBInstance. */
export const restoreDbClusterFromSnapshot: Handler<RdsWorld, RestoreDBClusterFromSnapshotCommandInput, Result<RestoreDBClusterFromSnapshotCommandOutput>> = (world, input, context) => {
  onlyFields(input, RESTORE_CLUSTER_FIELDS, 'RestoreDBClusterFromSnapshot')
  const id = checkIdentifier(input.DBClusterIdentifier, 'DBClusterIdentifier')
  if (world.rds.clusters.some((cluster) => cluster.id === id)) throw errors.clusterExists()
  const snapshot = requireAvailableClusterSnapshot(world, input.SnapshotIdentifier, context)
  const cluster = restoredCluster(world, id, input, snapshot, context)
  world.rds.clusters.push(cluster)
  return {DBCluster: toDbCluster(world, cluster, context)}
}
