import type {Tag, TransitEncryptionMode} from '@aws-sdk/client-elasticache'

import {DURATIONS} from '../durations'
import {SandboxUnsupportedError, SimError} from '../errors'
import type {Page} from '../paging'
import type {OperationContext, RegionState} from '../types'
import {
  azsOf,
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

export {azsOf, byId, toTagList, type Tags} from './data-tier-common'

/*
 * The ElastiCache state and what its handlers share: records (times in
 * simulated ms), lifecycles from timestamps, endpoint names, the network
 * read from the EC2 state, paging, tags and AWS's error codes and wording.
 */


export function unsupported(what: string): SandboxUnsupportedError {
  return new SandboxUnsupportedError('elasticache', what)
}

export type CacheSubnetGroupRecord = SubnetGroupRecord

/**
 * A Redis/Valkey replication group with cluster mode off: one node group
 * whose member clusters (`<id>-001`…) each hold one node, the first the
 * primary. The AUTH token itself is never kept, only that there is one.
 */
export interface ReplicationGroupRecord {
  readonly id: string
  readonly description: string
  readonly engine: string
  readonly engineVersion: string
  readonly cacheNodeType: string
  /** The AZ of each member cluster, in member order. */
  readonly memberAzs: string[]
  readonly automaticFailover: boolean
  readonly multiAZ: boolean
  /** Changed by ModifyReplicationGroup (the TLS migration). */
  transitEncryption: boolean
  /**
   * `required` or `preferred` while TLS is on; absent in records from older
   * state files (which mean `required`). A test can set `preferred` here to
   * break a group that AWS would not let it modify (one with an AUTH token).
   */
  transitEncryptionMode?: TransitEncryptionMode | undefined
  readonly atRestEncryption: boolean
  readonly kmsKeyId: string | undefined
  readonly authTokenEnabled: boolean
  readonly subnetGroupName: string
  readonly securityGroupIds: string[]
  readonly port: number
  readonly snapshotRetentionLimit: number
  readonly createdAt: number
  deletedAt: number | undefined
  tags: Tags
}

/** A Memcached cluster (Redis clusters exist here only as replication group members). */
export interface CacheClusterRecord {
  readonly id: string
  readonly engine: string
  readonly engineVersion: string
  readonly cacheNodeType: string
  readonly crossAz: boolean
  /** The AZ of each node, in node order. */
  readonly nodeAzs: string[]
  readonly transitEncryption: boolean
  readonly subnetGroupName: string
  readonly securityGroupIds: string[]
  readonly port: number
  readonly createdAt: number
  deletedAt: number | undefined
  tags: Tags
}

export interface ElastiCacheState {
  subnetGroups: CacheSubnetGroupRecord[]
  replicationGroups: ReplicationGroupRecord[]
  cacheClusters: CacheClusterRecord[]
}

export interface CacheWorld {
  readonly cache: ElastiCacheState
  readonly region: RegionState
}

/** The region's ElastiCache part, created on first use; what finished deleting is forgotten. */
export function cacheWorld(region: RegionState, context: OperationContext): CacheWorld {
  region.elasticache ??= {subnetGroups: [], replicationGroups: [], cacheClusters: []}
  const cache = region.elasticache
  cache.replicationGroups = withoutDeleted(cache.replicationGroups, context.now, DURATIONS.cacheDeleting)
  cache.cacheClusters = withoutDeleted(cache.cacheClusters, context.now, DURATIONS.cacheDeleting)
  return {cache, region}
}

// ---- lifecycles -------------------------------------------------------------

export type CacheStatus = 'creating' | 'available' | 'deleting'

export function groupStatus(group: ReplicationGroupRecord, now: number): CacheStatus {
  if (group.deletedAt !== undefined) return 'deleting'
  return now < group.createdAt + DURATIONS.cacheReplicationGroupCreating ? 'creating' : 'available'
}

export function clusterStatus(cluster: CacheClusterRecord, now: number): CacheStatus {
  if (cluster.deletedAt !== undefined) return 'deleting'
  return now < cluster.createdAt + DURATIONS.cacheClusterCreating ? 'creating' : 'available'
}

export function groupReadyAt(group: ReplicationGroupRecord): number {
  return group.createdAt + DURATIONS.cacheReplicationGroupCreating
}

export function clusterReadyAt(cluster: CacheClusterRecord): number {
  return cluster.createdAt + DURATIONS.cacheClusterCreating
}

/** `<id>-001`, `<id>-002`, …: the member clusters of a replication group. */
export function memberIds(group: ReplicationGroupRecord): string[] {
  return group.memberAzs.map((_az, index) => `${group.id}-${String(index + 1).padStart(3, '0')}`)
}

/** `1.6.22` ≥ [1, 6, 12]: engine versions compared part by part (missing parts count as 0). */
export function versionAtLeast(version: string, minimum: readonly number[]): boolean {
  const parts = version.split('.').map((part) => Number.parseInt(part, 10) || 0)
  for (let i = 0; i < minimum.length; i += 1) {
    if ((parts[i] ?? 0) !== minimum[i]) return (parts[i] ?? 0) > minimum[i]
  }

  return true
}

// ---- names ------------------------------------------------------------------

const IDENTIFIER = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/**
 * ElastiCache identifiers: letters, digits and hyphens, a letter first, no
 * `--`, no trailing hyphen, folded to lower case; 40 characters for
 * replication groups, 50 for cache clusters.
 */
export function checkIdentifier(value: string | undefined, parameter: string, maxLength: number): string {
  const id = (value ?? '').toLowerCase()
  if (id === '') throw errors.invalidValue(`The parameter ${parameter} must be provided and must not be blank.`)
  if (id.length > maxLength) throw errors.invalidValue(`The parameter ${parameter} must be no longer than ${maxLength} characters.`)
  if (!IDENTIFIER.test(id)) {
    throw errors.invalidValue(
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    )
  }

  return id
}

/** `eu-west-1` → `euw1`, `us-east-1` → `use1`, `ap-southeast-2` → `apse2`: the region part of cache endpoints. */
export function regionCode(region: string): string {
  const parts = region.split('-')
  const directions: Readonly<Record<string, string>> = {
    central: 'c',
    east: 'e',
    north: 'n',
    northeast: 'ne',
    northwest: 'nw',
    south: 's',
    southeast: 'se',
    southwest: 'sw',
    west: 'w',
  }
  return parts.map((part) => directions[part] ?? part).join('')
}

/**
 * A cache endpoint: `<name>.<token>[.<part>].<region-code>.cache.amazonaws.com`,
 * e.g. `master.<id>.<token>.euw1…` (name `master.<id>`) or `<id>.<token>.cfg.euw1…`
 * (name `<id>`, part `cfg`).
 */
export function cacheHost(name: string, part: string | undefined, context: OperationContext): string {
  return [name, endpointToken('elasticache', 6, context), ...(part === undefined ? [] : [part]), regionCode(context.region), 'cache.amazonaws.com'].join('.')
}

export type ArnKind = 'replicationgroup' | 'cluster' | 'subnetgroup'

export function arnOf(kind: ArnKind, name: string, context: OperationContext): string {
  return `arn:aws:elasticache:${context.region}:${context.account}:${kind}:${name}`
}

// ---- the network, from the EC2 state ---------------------------------------------

export function findSubnetGroup(world: CacheWorld, name: string, context: OperationContext): CacheSubnetGroupRecord | undefined {
  return findSubnetGroupIn(world, world.cache.subnetGroups, name, context)
}

export function requireSubnetGroup(world: CacheWorld, name: string | undefined, context: OperationContext): CacheSubnetGroupRecord {
  const group = findSubnetGroup(world, name ?? 'default', context)
  if (!group) throw errors.subnetGroupNotFound(name ?? 'default')
  return group
}

/** Security groups for a new cluster: each must exist and be in the subnet group's VPC; none given means the VPC's default group. */
export function checkSecurityGroups(world: CacheWorld, ids: readonly string[] | undefined, group: CacheSubnetGroupRecord, context: OperationContext): string[] {
  return vpcSecurityGroups(
    world,
    ids,
    group.vpcId,
    {
      unknown: (id) => errors.invalidValue(`The security group ${id} does not exist.`),
      otherVpc: (groupVpcId) => errors.combination(`Subnet group [${group.name}] belongs to a different VPC [${group.vpcId}] than [${groupVpcId}]`),
    },
    context,
  )
}

/**
 * Where each of `count` nodes goes: the AZs asked for (each in the subnet
 * group), or spread round-robin over the group's AZs.
 */
export function placeNodes(
  group: CacheSubnetGroupRecord,
  count: number,
  requested: readonly string[] | undefined,
  parameter: string,
): string[] {
  const azs = azsOf(group)
  if (requested !== undefined && requested.length > 0) {
    if (requested.length !== count) throw errors.invalidValue(`The number of ${parameter} (${requested.length}) must match the number of nodes (${count}).`)
    const outside = requested.find((az) => !azs.includes(az))
    if (outside !== undefined) throw errors.invalidValue(`The cache subnet group ${group.name} has no subnet in ${outside}.`)
    return [...requested]
  }

  return Array.from({length: count}, (_unused, index) => azs[index % azs.length])
}

// ---- tags and paging -------------------------------------------------------------

/** Tags as ElastiCache checks them: a key of 1–128 characters, not `aws:`; values up to 256; 50 at most. */
export function checkTags(tags: readonly Tag[] | undefined, existing: Tags = {}): Tags {
  return checkTagList(tags, existing, {
    reserved: /^aws:/i,
    reservedMessage: (key) => `Tag keys can't start with 'aws:': ${key}`,
    tooMany: () =>
      new SimError(
        'TagQuotaPerResourceExceeded',
        'The request cannot be processed because it would cause the resource to have more than the allowed number of tags. The maximum number of tags permitted on a resource is 50.',
      ),
  })
}

/** MaxRecords 20–100 (default 100) and an opaque Marker. */
export function pageOf<T>(items: readonly T[], input: {readonly MaxRecords?: number; readonly Marker?: string}): Page<T> {
  return pageByMarker(items, input, (value) => `Invalid value ${value} for MaxRecords. Must be between 20 and 100.`)
}

// ---- errors (AWS's codes; the SDK's classes are picked in elasticache.ts) ---------

export const errors = {
  invalidValue,
  combination: invalidCombination,
  subnetGroupNotFound: (name: string) => new SimError('CacheSubnetGroupNotFoundFault', `CacheSubnetGroup ${name} not found.`),
  subnetGroupExists: (name: string) => new SimError('CacheSubnetGroupAlreadyExists', `Cache subnet group ${name} already exists.`),
  subnetGroupInUse: (name: string) => new SimError('CacheSubnetGroupInUse', `Cache subnet group ${name} is currently in use by a cache cluster.`),
  groupNotFound: (id: string) => new SimError('ReplicationGroupNotFoundFault', `Replication group ${id} not found.`, 404),
  groupExists: (id: string) => new SimError('ReplicationGroupAlreadyExists', `Replication group ${id} already exists.`),
  groupState: (message: string) => new SimError('InvalidReplicationGroupState', message),
  clusterNotFound: (id: string) => new SimError('CacheClusterNotFound', `CacheCluster not found: ${id}`, 404),
  clusterExists: (id: string) => new SimError('CacheClusterAlreadyExists', `Cache cluster ${id} already exists.`),
  clusterState: (message: string) => new SimError('InvalidCacheClusterState', message),
}
