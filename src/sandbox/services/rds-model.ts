import type {Filter, Tag} from '@aws-sdk/client-rds'

import {DURATIONS} from '../durations'
import {SandboxUnsupportedError, SimError} from '../errors'
import {hexOf} from '../ids'
import type {Page} from '../paging'
import type {OperationContext, RegionState} from '../types'
import {
  charsOf,
  checkTagList,
  endpointToken,
  findSubnetGroupIn,
  invalidCombination,
  invalidValue,
  pageByMarker,
  vpcSecurityGroups,
  withoutDeleted,
  type SubnetGroupRecord,
  type Tags,
} from './data-tier-common'

export {azsOf, byId, defaultSubnetGroup, ec2Of, toTagList, type Tags} from './data-tier-common'

/*
 * The RDS state and what the RDS handlers share: records (times in simulated
 * ms, so the state file stays plain JSON), lifecycles derived from
 * timestamps, the network looked up in the EC2 state, ARNs, identifiers,
 * paging and AWS's error codes and wording.
 */


/** A request the sandbox does not simulate: said plainly, naming the spec, instead of a wrong answer. */
export function unsupported(what: string): SandboxUnsupportedError {
  return new SandboxUnsupportedError('rds', what)
}

/** Fails on any input field outside `allowed`, so a call is never half-simulated in silence. */
export function onlyFields(input: object, allowed: ReadonlySet<string>, operation: string): void {
  const extra = Object.entries(input).find(([key, value]) => value !== undefined && !allowed.has(key))
  if (extra) throw unsupported(`${operation} with ${extra[0]}`)
}

export type DbSubnetGroupRecord = SubnetGroupRecord

/** The Secrets Manager secret RDS manages for the master password (ManageMasterUserPassword). */
export interface MasterSecretRecord {
  readonly arn: string
  readonly kmsKeyId: string
}

/** What instances and clusters both keep and ModifyDB* may change, and when their deletion began. */
interface ModifiableRecord {
  backupRetentionPeriod: number
  deletionProtection: boolean
  copyTagsToSnapshot: boolean
  securityGroupIds: string[]
  /** Set by DeleteDBInstance / DeleteDBCluster: `deleting` from then on, gone after `rdsDeleting`. */
  deletedAt: number | undefined
  tags: Tags
}

export interface DbInstanceRecord extends ModifiableRecord {
  /** Lower case: RDS folds identifiers. */
  readonly id: string
  readonly resourceId: string
  readonly engine: string
  readonly engineVersion: string
  readonly instanceClass: string
  readonly port: number
  readonly subnetGroupName: string
  readonly az: string
  readonly createdAt: number
  /** Aurora: the cluster it belongs to, which owns storage, credentials, backups and security groups. */
  readonly clusterId: string | undefined
  readonly allocatedStorage: number
  readonly storageType: string
  readonly storageEncrypted: boolean
  readonly kmsKeyId: string | undefined
  readonly dbName: string | undefined
  readonly masterUsername: string | undefined
  /** Set by ManageMasterUserPassword on create, or later by ModifyDBInstance (a restore has none). */
  masterUserSecret: MasterSecretRecord | undefined
  /** DBParameterGroupName; undefined means the family's `default.<family>` group. */
  readonly parameterGroupName?: string
  publiclyAccessible: boolean
  readonly promotionTier: number
  multiAZ: boolean
  secondaryAz: string | undefined
}

export interface DbClusterRecord extends ModifiableRecord {
  readonly id: string
  readonly resourceId: string
  readonly engine: string
  readonly engineVersion: string
  readonly port: number
  readonly subnetGroupName: string
  readonly availabilityZones: string[]
  readonly databaseName: string | undefined
  readonly masterUsername: string
  masterUserSecret: MasterSecretRecord | undefined
  /** DBClusterParameterGroupName; undefined means `default.<family>`. */
  readonly parameterGroupName?: string
  readonly storageEncrypted: boolean
  readonly kmsKeyId: string | undefined
  readonly createdAt: number
}

/**
 * A manual DB snapshot: here only final snapshots taken by DeleteDBInstance.
 * The optional fields are what a restore takes over; state files from before
 * restores were simulated lack them.
 */
export interface DbSnapshotRecord {
  readonly id: string
  readonly instanceId: string
  readonly resourceId: string
  readonly createdAt: number
  /** `creating` until then (the instance's deletion finishing), `available` after. */
  readonly readyAt: number
  readonly engine: string
  readonly engineVersion: string
  readonly allocatedStorage: number
  readonly storageType: string
  readonly port: number
  readonly az: string
  readonly vpcId: string
  readonly masterUsername: string | undefined
  readonly encrypted: boolean
  readonly kmsKeyId: string | undefined
  readonly instanceCreatedAt: number
  readonly instanceClass?: string
  readonly dbName?: string
  tags: Tags
}

/** A manual DB cluster snapshot: here only final snapshots taken by DeleteDBCluster. */
export interface DbClusterSnapshotRecord {
  readonly id: string
  readonly clusterId: string
  readonly resourceId: string
  readonly createdAt: number
  readonly readyAt: number
  readonly engine: string
  readonly engineVersion: string
  readonly port: number
  readonly vpcId: string
  readonly availabilityZones: string[]
  readonly masterUsername: string
  readonly encrypted: boolean
  readonly kmsKeyId: string | undefined
  readonly clusterCreatedAt: number
  readonly databaseName?: string
  tags: Tags
}

/** A DB parameter group or DB cluster parameter group made by a Create call (the `default.*` ones are derived). */
export interface ParameterGroupRecord {
  /** Lower case: RDS folds parameter group names. */
  readonly name: string
  readonly family: string
  readonly description: string
  /** What ModifyDB(Cluster)ParameterGroup set, by parameter name; the rest keep the family's defaults. */
  values: Record<string, {value: string; applyMethod: string}>
  tags: Tags
}

export interface RdsState {
  subnetGroups: DbSubnetGroupRecord[]
  parameterGroups: ParameterGroupRecord[]
  clusterParameterGroups: ParameterGroupRecord[]
  instances: DbInstanceRecord[]
  clusters: DbClusterRecord[]
  snapshots: DbSnapshotRecord[]
  clusterSnapshots: DbClusterSnapshotRecord[]
}

/** What an RDS handler works on: its own state, and the region for the EC2 network it reads. */
export interface RdsWorld {
  readonly rds: RdsState
  readonly region: RegionState
}

/** The region's RDS part, created on first use; instances and clusters whose deletion finished are forgotten. */
export function rdsWorld(region: RegionState, context: OperationContext): RdsWorld {
  region.rds ??= {subnetGroups: [], parameterGroups: [], clusterParameterGroups: [], instances: [], clusters: [], snapshots: [], clusterSnapshots: []}
  const rds = region.rds
  // State files written before parameter groups were simulated lack them.
  rds.parameterGroups ??= []
  rds.clusterParameterGroups ??= []
  rds.instances = withoutDeleted(rds.instances, context.now, DURATIONS.rdsDeleting)
  rds.clusters = withoutDeleted(rds.clusters, context.now, DURATIONS.rdsDeleting)
  return {rds, region}
}

// ---- lifecycles -------------------------------------------------------------

export type ClusterStatus = 'creating' | 'available' | 'deleting'
export type InstanceStatus = 'creating' | 'backing-up' | 'available' | 'deleting'

export function clusterReadyAt(cluster: DbClusterRecord): number {
  return cluster.createdAt + DURATIONS.auroraClusterCreating
}

export function clusterStatus(cluster: DbClusterRecord, now: number): ClusterStatus {
  if (cluster.deletedAt !== undefined) return 'deleting'
  return now < clusterReadyAt(cluster) ? 'creating' : 'available'
}

/** When the instance leaves `creating`: an Aurora instance is never ready before its cluster. */
export function instanceCreatedBy(instance: DbInstanceRecord, cluster: DbClusterRecord | undefined): number {
  if (instance.clusterId === undefined) return instance.createdAt + DURATIONS.rdsInstanceCreating
  const own = instance.createdAt + DURATIONS.auroraInstanceCreating
  return cluster ? Math.max(own, clusterReadyAt(cluster)) : own
}

/**
 * Standalone: `creating` → `backing-up` (the first automated backup) →
 * `available`. Aurora instances have no backup of their own: `creating` →
 * `available`. Deleting: `deleting` until gone.
 */
export function instanceStatus(instance: DbInstanceRecord, cluster: DbClusterRecord | undefined, now: number): InstanceStatus {
  if (instance.deletedAt !== undefined) return 'deleting'
  const created = instanceCreatedBy(instance, cluster)
  if (now < created) return 'creating'
  if (instance.clusterId === undefined && now < created + DURATIONS.rdsBackingUp) return 'backing-up'
  return 'available'
}

/** A cluster that has not finished deleting, by identifier or ARN. */
export function requireCluster(world: RdsWorld, value: string | undefined, context: OperationContext): DbClusterRecord {
  const id = idFromIdOrArn(value ?? '', 'cluster', context)
  const cluster = world.rds.clusters.find((candidate) => candidate.id === id)
  if (!cluster) throw errors.clusterNotFound(value ?? '')
  return cluster
}

export function clusterOf(world: RdsWorld, instance: DbInstanceRecord): DbClusterRecord | undefined {
  return instance.clusterId === undefined ? undefined : world.rds.clusters.find((cluster) => cluster.id === instance.clusterId)
}

// ---- engines ------------------------------------------------------------------

interface EngineFacts {
  readonly defaultVersion: string
  readonly port: number
  readonly aurora: boolean
  /** Longest master password the engine takes. */
  readonly maxPassword: number
  /** Longest master user name. */
  readonly maxUsername: number
}

/** The engines the sandbox simulates, with typical current defaults. */
export const ENGINES: Readonly<Record<string, EngineFacts>> = {
  mysql: {defaultVersion: '8.0.40', port: 3306, aurora: false, maxPassword: 41, maxUsername: 16},
  mariadb: {defaultVersion: '10.11.10', port: 3306, aurora: false, maxPassword: 41, maxUsername: 16},
  postgres: {defaultVersion: '16.6', port: 5432, aurora: false, maxPassword: 128, maxUsername: 63},
  'aurora-mysql': {defaultVersion: '8.0.mysql_aurora.3.08.0', port: 3306, aurora: true, maxPassword: 41, maxUsername: 16},
  'aurora-postgresql': {defaultVersion: '16.6', port: 5432, aurora: true, maxPassword: 128, maxUsername: 63},
}

/** Real engines outside hactl's needs: a clear "not simulated" rather than AWS's "invalid engine". */
const UNSIMULATED_ENGINE = /^(oracle-|sqlserver-|db2-|custom-|neptune|docdb)/

export function engineFacts(engine: string | undefined): EngineFacts {
  const facts = engine === undefined ? undefined : ENGINES[engine]
  if (facts) return facts
  if (engine !== undefined && UNSIMULATED_ENGINE.test(engine)) throw unsupported(`engine ${engine}`)
  throw errors.invalidValue(`Invalid DB engine: ${engine ?? ''}`)
}

/** The default parameter group family: `mysql8.0`, `postgres16`, `aurora-mysql8.0`, … */
export function parameterFamily(engine: string, version: string): string {
  const [major, minor] = version.split('.')
  return engine.endsWith('postgres') || engine.endsWith('postgresql') ? `${engine}${major}` : `${engine}${major}.${minor}`
}

// ---- identifiers, ARNs, derived values ------------------------------------------

const IDENTIFIER = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/**
 * RDS identifiers: letters, digits and hyphens, a letter first, no `--` and
 * no trailing hyphen, folded to lower case; 63 characters for instances and
 * clusters, 255 for snapshots.
 */
export function checkIdentifier(value: string | undefined, parameter: string, maxLength = 63): string {
  const id = (value ?? '').toLowerCase()
  if (id === '') throw errors.invalidValue(`The parameter ${parameter} must be provided and must not be blank.`)
  if (id.length > maxLength || !IDENTIFIER.test(id)) {
    throw errors.invalidValue(
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    )
  }

  return id
}

export type ArnKind = 'db' | 'cluster' | 'subgrp' | 'snapshot' | 'cluster-snapshot' | 'pg' | 'cluster-pg'

export function arnOf(kind: ArnKind, name: string, context: OperationContext): string {
  return `arn:aws:rds:${context.region}:${context.account}:${kind}:${name}`
}

/** An identifier given as itself or as its ARN (several RDS calls take either). */
export function idFromIdOrArn(value: string, kind: ArnKind, context: OperationContext): string {
  const prefix = arnOf(kind, '', context)
  return (value.startsWith(prefix) ? value.slice(prefix.length) : value).toLowerCase()
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const MIXED_ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** What follows `<id>.` in every RDS endpoint of the account and region: `c9akciq32xyz.eu-west-1.rds.amazonaws.com`. */
export function endpointSuffix(context: OperationContext): string {
  return `${endpointToken('rds', 12, context)}.${context.region}.rds.amazonaws.com`
}

/** `db-` / `cluster-` and 26 upper-case characters, as DbiResourceId and DbClusterResourceId look. */
export function resourceIdOf(prefix: 'db' | 'cluster', context: OperationContext): string {
  return `${prefix}-${charsOf(context.nextId('rds-resource'), 26, UPPER_ALNUM)}`
}

/** A UUID-shaped value, deterministic like every sandbox id. */
export function uuidOf(context: OperationContext): string {
  const hex = context.nextId('uuid', 32).slice('uuid-'.length)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The ARN of an AWS managed key (`aws/rds`, `aws/secretsmanager`) of the account: fixed per account and region. */
export function managedKeyArn(alias: string, context: OperationContext): string {
  const hex = hexOf(`kms:${context.account}:${context.region}:${alias}`, 32)
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  return `arn:aws:kms:${context.region}:${context.account}:key/${uuid}`
}

/**
 * The storage key of an encrypted instance or cluster, as RDS reports it: a
 * full key ARN. None given means the account's `aws/rds` key; an alias or a
 * bare key id is turned into an ARN (the sandbox does not check KMS).
 */
export function storageKey(
  input: {readonly StorageEncrypted?: boolean; readonly KmsKeyId?: string},
  context: OperationContext,
): {readonly encrypted: boolean; readonly kmsKeyId: string | undefined} {
  const encrypted = input.StorageEncrypted ?? false
  if (!encrypted) {
    if (input.KmsKeyId !== undefined) throw errors.combination('StorageEncrypted must be true when a KmsKeyId is specified.')
    return {encrypted, kmsKeyId: undefined}
  }

  return {encrypted, kmsKeyId: keyArn(input.KmsKeyId ?? 'alias/aws/rds', context)}
}

export function keyArn(key: string, context: OperationContext): string {
  if (key.startsWith('arn:')) return key
  if (key.startsWith('alias/')) return managedKeyArn(key.slice('alias/'.length), context)
  return `arn:aws:kms:${context.region}:${context.account}:key/${key}`
}

/** The secret RDS creates for ManageMasterUserPassword: `rds!db-<uuid>` or `rds!cluster-<uuid>`, plus Secrets Manager's 6-character suffix. */
export function masterSecret(kind: 'db' | 'cluster', kmsKeyId: string | undefined, context: OperationContext): MasterSecretRecord {
  const uuid = uuidOf(context)
  const suffix = charsOf(uuid, 6, MIXED_ALNUM)
  return {
    arn: `arn:aws:secretsmanager:${context.region}:${context.account}:secret:rds!${kind}-${uuid}-${suffix}`,
    kmsKeyId: kmsKeyId ?? managedKeyArn('aws/secretsmanager', context),
  }
}

// ---- the network, from the EC2 state ------------------------------------------

export function findSubnetGroup(world: RdsWorld, name: string, context: OperationContext): DbSubnetGroupRecord | undefined {
  return findSubnetGroupIn(world, world.rds.subnetGroups, name, context)
}

export function requireSubnetGroup(world: RdsWorld, name: string, context: OperationContext): DbSubnetGroupRecord {
  const group = findSubnetGroup(world, name, context)
  if (!group) throw errors.subnetGroupNotFound(name)
  return group
}

/**
 * The VPC security groups of a new instance or cluster: each must exist and
 * be in the subnet group's VPC; none given means the VPC's `default` group.
 */
export function checkSecurityGroups(
  world: RdsWorld,
  ids: readonly string[] | undefined,
  vpcId: string,
  what: 'DB instance' | 'DB cluster',
  context: OperationContext,
): string[] {
  return vpcSecurityGroups(
    world,
    ids,
    vpcId,
    {
      unknown: (id) => errors.invalidValue(`Invalid security group , groupId= ${id} , groupName=.`),
      otherVpc: (groupVpcId) =>
        errors.combination(
          `The ${what} and EC2 security group are in different VPCs. The ${what} is in ${vpcId} and the EC2 security group is in ${groupVpcId}`,
        ),
    },
    context,
  )
}

/** A second AZ of the subnet group for a Multi-AZ standby, or undefined when the group has one AZ. */
export function standbyAz(group: DbSubnetGroupRecord, primary: string): string | undefined {
  return group.subnets.map((subnet) => subnet.az).find((az) => az !== primary)
}

// ---- tags, filters, paging ------------------------------------------------------

/** Tags as RDS checks them: a key of 1–128 characters, not `aws:` or `rds:`; values up to 256; 50 at most. */
export function checkTags(tags: readonly Tag[] | undefined, existing: Tags = {}): Tags {
  return checkTagList(tags, existing, {
    reserved: /^(aws|rds):/i,
    reservedMessage: (key) => `Tag keys can't start with 'aws:' or 'rds:': ${key}`,
    tooMany: () => errors.invalidValue('A resource can have at most 50 tags.'),
  })
}

/** RDS filter semantics: every filter must match, any of its values may; an unknown name is an error. */
export function matchesFilters<T>(record: T, filters: readonly Filter[] | undefined, fields: Readonly<Record<string, (record: T) => string[]>>): boolean {
  return (filters ?? []).every((filter) => {
    const field = fields[filter.Name ?? '']
    if (!field) throw errors.invalidValue(`Unrecognized filter name: ${filter.Name ?? ''}`)
    // Identifiers are folded to lower case, so their filters match either case.
    const values = field(record).map((value) => value.toLowerCase())
    return (filter.Values ?? []).some((value) => values.includes(value.toLowerCase()))
  })
}

/** MaxRecords 20–100 (default 100) and an opaque Marker, as every RDS Describe call pages. */
export function pageOf<T>(items: readonly T[], input: {readonly MaxRecords?: number; readonly Marker?: string}): Page<T> {
  return pageByMarker(items, input, (value) => `Invalid value ${value} for MaxRecords. Must be between 20 and 100`)
}

// ---- errors (AWS's codes; the SDK's classes are picked in rds.ts) ----------------

export const errors = {
  invalidValue,
  combination: invalidCombination,
  instanceNotFound: (id: string) => new SimError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404),
  instanceExists: () => new SimError('DBInstanceAlreadyExists', 'DB instance already exists'),
  instanceState: (message: string) => new SimError('InvalidDBInstanceState', message),
  clusterNotFound: (id: string) => new SimError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404),
  clusterExists: () => new SimError('DBClusterAlreadyExistsFault', 'DB Cluster already exists'),
  clusterState: (message: string) => new SimError('InvalidDBClusterStateFault', message),
  subnetGroupNotFound: (name: string) => new SimError('DBSubnetGroupNotFoundFault', `DBSubnetGroup '${name}' not found.`, 404),
  subnetGroupExists: (name: string) => new SimError('DBSubnetGroupAlreadyExists', `The DB subnet group '${name}' already exists.`),
  subnetGroupState: (message: string) => new SimError('InvalidDBSubnetGroupStateFault', message),
  snapshotNotFound: (id: string) => new SimError('DBSnapshotNotFound', `DBSnapshot ${id} not found.`, 404),
  snapshotExists: (id: string) =>
    new SimError('DBSnapshotAlreadyExists', `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`),
  clusterSnapshotNotFound: (id: string) => new SimError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`, 404),
  clusterSnapshotExists: (id: string) =>
    new SimError('DBClusterSnapshotAlreadyExistsFault', `Cannot create the cluster snapshot because one with the identifier ${id} already exists.`),
  snapshotState: (message: string) => new SimError('InvalidDBSnapshotState', message),
  clusterSnapshotState: (message: string) => new SimError('InvalidDBClusterSnapshotStateFault', message),
  parameterGroupNotFound: (name: string) => new SimError('DBParameterGroupNotFound', `DBParameterGroup not found: ${name}`, 404),
  /** DescribeDBClusterParameterGroups and the like say DBParameterGroupNotFound; CreateDBCluster and restores say this. */
  clusterParameterGroupNotFound: (name: string) => new SimError('DBClusterParameterGroupNotFound', `DBClusterParameterGroup not found: ${name}`, 404),
  parameterGroupExists: (name: string) => new SimError('DBParameterGroupAlreadyExists', `Parameter group ${name} already exists`),
  parameterGroupState: (message: string) => new SimError('InvalidDBParameterGroupState', message),
}

/** The master password rules every engine shares, with the engine's length limit. */
export function checkPassword(password: string, maxLength: number): void {
  if (password.length < 8) {
    throw errors.invalidValue('The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.')
  }

  if (password.length > maxLength) {
    throw errors.invalidValue(`The parameter MasterUserPassword is not a valid password because it is longer than ${maxLength} characters.`)
  }

  if (!/^[\x21-\x7e]+$/.test(password) || /[/@"]/.test(password)) {
    throw errors.invalidValue(
      'The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides \'/\', \'@\', \'"\', \' \' may be used.',
    )
  }
}

/** A master user name: a letter, then letters, digits or underscores, within the engine's limit; `rdsadmin` is RDS's own. */
export function checkUsername(username: string | undefined, maxLength: number): string {
  if (username === undefined || username === '') throw errors.invalidValue('The parameter MasterUsername must be provided and must not be blank.')
  if (username.length > maxLength || !/^[A-Za-z]\w*$/.test(username)) {
    throw errors.invalidValue(
      `The parameter MasterUsername is not a valid identifier. It must begin with a letter, contain only letters, digits and underscores, and be at most ${maxLength} characters.`,
    )
  }

  if (username.toLowerCase() === 'rdsadmin') throw errors.invalidValue(`MasterUsername ${username} cannot be used as it is a reserved word used by the engine`)
  return username
}

/**
 * The master password settings of a new standalone instance or cluster:
 * exactly one of a password and ManageMasterUserPassword.
 */
export function checkCredentials(
  input: {readonly MasterUserPassword?: string; readonly ManageMasterUserPassword?: boolean; readonly MasterUserSecretKmsKeyId?: string},
  kind: 'db' | 'cluster',
  maxPassword: number,
  context: OperationContext,
): MasterSecretRecord | undefined {
  const password = input.MasterUserPassword
  if (input.ManageMasterUserPassword === true) {
    if (password !== undefined) {
      throw errors.combination(
        'Can\'t manage the master user password with AWS Secrets Manager if MasterUserPassword is specified.',
      )
    }

    const key = input.MasterUserSecretKmsKeyId
    return masterSecret(kind, key === undefined ? undefined : keyArn(key, context), context)
  }

  if (input.MasterUserSecretKmsKeyId !== undefined) {
    throw errors.combination('A ManageMasterUserPassword value is required when MasterUserSecretKmsKeyId is specified.')
  }

  if (password === undefined || password === '') {
    throw input.ManageMasterUserPassword === false
      ? errors.combination('MasterUserPassword must be provided when ManageMasterUserPassword is set to false.')
      : errors.invalidValue('The parameter MasterUserPassword must be provided and must not be blank.')
  }

  checkPassword(password, maxPassword)
  return undefined
}

export function checkBackupRetention(days: number | undefined): number {
  const value = days ?? 1
  if (!Number.isInteger(value) || value < 0 || value > 35) {
    throw errors.invalidValue(`Invalid backup retention period: ${value}. The backup retention period must be between 0 and 35 days.`)
  }

  return value
}

/**
 * The master secret after a ModifyDBInstance / ModifyDBCluster:
 * ManageMasterUserPassword true gives one (a restored database has none) and
 * keeps one already there; turning management off needs a new password,
 * which the sandbox does not take.
 */
export function modifiedMasterSecret(
  input: {readonly ManageMasterUserPassword?: boolean; readonly MasterUserSecretKmsKeyId?: string},
  current: MasterSecretRecord | undefined,
  kind: 'db' | 'cluster',
  context: OperationContext,
): MasterSecretRecord | undefined {
  const operation = kind === 'db' ? 'ModifyDBInstance' : 'ModifyDBCluster'
  if (input.ManageMasterUserPassword === undefined) {
    if (input.MasterUserSecretKmsKeyId === undefined) return current
    if (current) throw unsupported(`${operation} with MasterUserSecretKmsKeyId (a new key for the master secret)`)
    throw errors.combination('A ManageMasterUserPassword value is required when MasterUserSecretKmsKeyId is specified.')
  }

  if (!input.ManageMasterUserPassword) throw unsupported(`${operation} with ManageMasterUserPassword false`)
  if (current) return current
  const key = input.MasterUserSecretKmsKeyId
  return masterSecret(kind, key === undefined ? undefined : keyArn(key, context), context)
}
