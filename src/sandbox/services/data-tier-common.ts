import {SimError} from '../errors'
import {hexOf} from '../ids'
import {paginate, type Page} from '../paging'
import type {OperationContext, RegionState} from '../types'
import {checkTags as checkTagRules} from '../tags'
import {ec2Slice, type Ec2State, type SubnetRecord} from './ec2-model'

/*
 * What the simulated RDS and ElastiCache have in common: both keep subnet
 * groups over the EC2 network, tag resources by ARN, forget what finished
 * deleting, page with MaxRecords/Marker, derive stable endpoint names and
 * answer in the query protocol. The logic lives here once; what AWS words or
 * codes differently per service (most messages) each service passes in.
 */

export type Tags = Record<string, string>

/** A subnet as a subnet group keeps it: its AZ is fixed when the group is made. */
export interface SubnetRef {
  readonly id: string
  readonly az: string
}

export interface SubnetGroupRecord {
  /** Lower case: both services fold subnet group names. */
  readonly name: string
  readonly description: string
  readonly vpcId: string
  readonly subnets: SubnetRef[]
  tags: Tags
}

/** A service's world: its own state beside the region, whose EC2 network it reads. */
export interface NetworkedWorld {
  readonly region: RegionState
}

// ---- errors shared word for word --------------------------------------------------

export function invalidValue(message: string): SimError {
  return new SimError('InvalidParameterValue', message)
}

export function invalidCombination(message: string): SimError {
  return new SimError('InvalidParameterCombination', message)
}

// ---- lifecycles, names ------------------------------------------------------------

/** The records whose deletion has not finished: `deleting` lasts `deletingMs` from `deletedAt`, then they are gone. */
export function withoutDeleted<T extends {readonly deletedAt: number | undefined}>(records: readonly T[], now: number, deletingMs: number): T[] {
  return records.filter((record) => record.deletedAt === undefined || now < record.deletedAt + deletingMs)
}

export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** `text` hashed into `length` characters of `alphabet`: stable derived names (endpoint tokens, resource ids). */
export function charsOf(text: string, length: number, alphabet: string): string {
  const hex = hexOf(text, length * 2)
  let result = ''
  for (let i = 0; i < length; i += 1) result += alphabet[Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length]
  return result
}

/**
 * The characters a service puts in every endpoint of an account in a region
 * (RDS: `<id>.c9akciq32….rds.amazonaws.com`; ElastiCache:
 * `master.<id>.abc123.euw1.cache.amazonaws.com`): the same for all of them.
 */
export function endpointToken(service: 'elasticache' | 'rds', length: number, context: OperationContext): string {
  return charsOf(`${service}-endpoint:${context.account}:${context.region}`, length, LOWER_ALNUM)
}

export function byId<T extends {readonly id: string}>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** MaxRecords 20–100 (default 100) and an opaque Marker, as both services' Describe calls page; the MaxRecords message is the service's. */
export function pageByMarker<T>(
  items: readonly T[],
  input: {readonly MaxRecords?: number; readonly Marker?: string},
  badMaxRecords: (value: number) => string,
): Page<T> {
  if (input.MaxRecords !== undefined && (input.MaxRecords < 20 || input.MaxRecords > 100)) throw invalidValue(badMaxRecords(input.MaxRecords))
  return paginate(items, {
    maxResults: input.MaxRecords,
    nextToken: input.Marker,
    defaultSize: 100,
    badToken: () => invalidValue('The marker is not valid.'),
  })
}

// ---- the network, from the EC2 state ------------------------------------------------

export function ec2Of(world: NetworkedWorld, context: OperationContext): Ec2State {
  return ec2Slice(world.region, context)
}

/** The service's `default` subnet group: the default VPC's subnets. Not stored; every account with a default VPC has it. */
export function defaultSubnetGroup(world: NetworkedWorld, context: OperationContext): SubnetGroupRecord | undefined {
  const ec2 = ec2Of(world, context)
  const vpc = ec2.vpcs.find((candidate) => candidate.isDefault)
  if (!vpc) return undefined
  return {
    name: 'default',
    description: 'default',
    vpcId: vpc.id,
    subnets: ec2.subnets.filter((subnet) => subnet.vpcId === vpc.id).map((subnet) => ({id: subnet.id, az: subnet.az})),
    tags: {},
  }
}

/** A subnet group by name, in any case; `default` is the service's own. */
export function findSubnetGroupIn(
  world: NetworkedWorld,
  stored: readonly SubnetGroupRecord[],
  name: string,
  context: OperationContext,
): SubnetGroupRecord | undefined {
  const folded = name.toLowerCase()
  if (folded === 'default') return defaultSubnetGroup(world, context)
  return stored.find((group) => group.name === folded)
}

/** Every subnet group, the `default` one included, by name: what DescribeXSubnetGroups lists without a name. */
export function allSubnetGroups(
  world: NetworkedWorld,
  stored: readonly SubnetGroupRecord[],
  context: OperationContext,
): Array<SubnetGroupRecord & {readonly id: string}> {
  const fallback = defaultSubnetGroup(world, context)
  return [...(fallback ? [fallback] : []), ...stored].map((group) => ({...group, id: group.name})).sort(byId)
}

export function azsOf(group: SubnetGroupRecord): string[] {
  return [...new Set(group.subnets.map((subnet) => subnet.az))].sort()
}

/** How a service words and checks a new subnet group, where RDS and ElastiCache differ. */
export interface SubnetGroupRules {
  /** The stem of the parameters: `DBSubnetGroup` (`DBSubnetGroupName`, `DBSubnetGroupDescription`), `CacheSubnetGroup`. */
  readonly stem: string
  /** A valid name, once folded to lower case. */
  readonly namePattern: RegExp
  /** The message for a name outside `namePattern`. */
  readonly badName: (value: string | undefined) => string
  readonly exists: (name: string) => SimError
  readonly noSubnets: () => SimError
  /** The error for subnet ids that are not in EC2 (all of them, in input order). */
  readonly unknownSubnets: (ids: readonly string[]) => SimError
  /** Further checks on the chosen subnets (RDS: at least two AZs). */
  readonly checkSubnets?: (subnets: readonly SubnetRecord[]) => void
}

function checkSubnetGroupName(value: string | undefined, rules: SubnetGroupRules): string {
  const name = (value ?? '').toLowerCase()
  if (name === '') throw invalidValue(`The parameter ${rules.stem}Name must be provided and must not be blank.`)
  if (name === 'default') throw invalidValue(`The parameter ${rules.stem}Name cannot be "default".`)
  if (!rules.namePattern.test(name)) throw invalidValue(rules.badName(value))
  return name
}

/**
 * A new subnet group, checked as both services check it: name, description,
 * not taken, subnets given, known to EC2 and in one VPC. Tags are the
 * caller's, checked last.
 */
export function newSubnetGroup(
  world: NetworkedWorld,
  stored: readonly SubnetGroupRecord[],
  input: {readonly name: string | undefined; readonly description: string | undefined; readonly subnetIds: readonly string[] | undefined},
  rules: SubnetGroupRules,
  context: OperationContext,
): Omit<SubnetGroupRecord, 'tags'> {
  const name = checkSubnetGroupName(input.name, rules)
  const description = input.description ?? ''
  if (description === '') throw invalidValue(`The parameter ${rules.stem}Description must be provided and must not be blank.`)
  if (findSubnetGroupIn(world, stored, name, context)) throw rules.exists(name)
  const ids = [...new Set(input.subnetIds ?? [])]
  if (ids.length === 0) throw rules.noSubnets()
  const subnets = ec2Of(world, context).subnets
  const unknown = ids.filter((id) => !subnets.some((subnet) => subnet.id === id))
  if (unknown.length > 0) throw rules.unknownSubnets(unknown)
  const chosen = ids.map((id) => subnets.find((subnet) => subnet.id === id)!)
  const vpcIds = new Set(chosen.map((subnet) => subnet.vpcId))
  if (vpcIds.size > 1) throw new SimError('InvalidSubnet', `Subnets must all be in the same VPC; these are in ${[...vpcIds].join(', ')}.`)
  rules.checkSubnets?.(chosen)
  return {name, description, vpcId: chosen[0].vpcId, subnets: chosen.map((subnet) => ({id: subnet.id, az: subnet.az}))}
}

/**
 * The VPC security groups of a new resource: each must exist and be in the
 * subnet group's VPC; none given means the VPC's `default` group. The errors
 * are the service's.
 */
export function vpcSecurityGroups(
  world: NetworkedWorld,
  ids: readonly string[] | undefined,
  vpcId: string,
  errors: {readonly unknown: (id: string) => SimError; readonly otherVpc: (groupVpcId: string) => SimError},
  context: OperationContext,
): string[] {
  const ec2 = ec2Of(world, context)
  if (ids === undefined || ids.length === 0) {
    const fallback = ec2.securityGroups.find((group) => group.vpcId === vpcId && group.name === 'default')
    return fallback ? [fallback.id] : []
  }

  for (const id of ids) {
    const group = ec2.securityGroups.find((candidate) => candidate.id === id)
    if (!group) throw errors.unknown(id)
    if (group.vpcId !== vpcId) throw errors.otherVpc(group.vpcId)
  }

  return [...new Set(ids)]
}

// ---- tags -----------------------------------------------------------------------------

export function toTagList(tags: Tags): Array<{Key: string; Value: string}> {
  return Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
}

/** Where the services' tag rules differ: the reserved key prefixes and the over-quota error. */
export interface DataTierTagRules {
  readonly reserved: RegExp
  readonly reservedMessage: (key: string) => string
  readonly tooMany: () => SimError
}

/** Tags as both services check them: a key of 1–128 characters, not reserved; values up to 256; 50 at most. */
export function checkTagList(tags: ReadonlyArray<{readonly Key?: string; readonly Value?: string}> | undefined, existing: Tags, rules: DataTierTagRules): Tags {
  return checkTagRules(
    {
      reserved: (key) => rules.reserved.test(key),
      badKey: (key) => invalidValue(`Tag key must be between 1 and 128 characters long: '${key}'`),
      reservedKey: (key) => invalidValue(rules.reservedMessage(key)),
      badValue: (key) => invalidValue(`Tag value must be at most 256 characters long for key '${key}'`),
      tooMany: rules.tooMany,
    },
    tags,
    existing,
  )
}

export function withoutKeys(tags: Tags, keys: readonly string[]): Tags {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !keys.includes(key)))
}

export interface Taggable {
  tags: Tags
}

/** One kind of resource in the service's ARNs (`db`, `subgrp`, `replicationgroup`, …). */
export interface TaggableKind<W> {
  readonly find: (world: W, name: string) => Taggable | undefined
  readonly notFound: (name: string) => SimError
  /** Set when the kind has a `default` resource of AWS's own, which the sandbox cannot tag: what to call it. */
  readonly builtIn?: string
}

/** How a service's ARNs name taggable resources; `K` lists the kinds it keeps tags for. */
export interface ArnRules<W, K extends string = string> {
  /** `arn:aws:<service>:<region>:<account>:<kind>:<name>`, capturing region, account, kind and name. */
  readonly pattern: RegExp
  readonly kinds: Readonly<Record<K, TaggableKind<W>>>
  /** An ARN that is malformed or not of this region and account. */
  readonly badArn: (arn: string) => SimError
  readonly unsupported: (what: string) => Error
}

/** The resource an ARN names, for the tag calls: checked for shape, region and account, then looked up. */
export function taggedResource<W, K extends string>(world: W, arn: string | undefined, rules: ArnRules<W, K>, context: OperationContext): Taggable {
  const value = arn ?? ''
  const match = rules.pattern.exec(value)
  if (!match || match[1] !== context.region || match[2] !== context.account) throw rules.badArn(value)
  const kind = Object.hasOwn(rules.kinds, match[3]) ? rules.kinds[match[3] as K] : undefined
  if (!kind) throw rules.unsupported(`tags on ${match[3]} resources`)
  const name = match[4].toLowerCase()
  if (kind.builtIn !== undefined && name === 'default') throw rules.unsupported(`tags on ${kind.builtIn}`)
  const found = kind.find(world, name)
  if (!found) throw kind.notFound(match[4])
  return found
}
