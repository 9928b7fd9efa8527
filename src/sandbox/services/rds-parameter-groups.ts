import type {
  CreateDBClusterParameterGroupCommandInput,
  CreateDBClusterParameterGroupCommandOutput,
  CreateDBParameterGroupCommandInput,
  CreateDBParameterGroupCommandOutput,
  DBClusterParameterGroup,
  DBParameterGroup,
  DeleteDBClusterParameterGroupCommandInput,
  DeleteDBClusterParameterGroupCommandOutput,
  DeleteDBParameterGroupCommandInput,
  DeleteDBParameterGroupCommandOutput,
  DescribeDBClusterParameterGroupsCommandInput,
  DescribeDBClusterParameterGroupsCommandOutput,
  DescribeDBClusterParametersCommandInput,
  DescribeDBClusterParametersCommandOutput,
  DescribeDBParameterGroupsCommandInput,
  DescribeDBParameterGroupsCommandOutput,
  DescribeDBParametersCommandInput,
  DescribeDBParametersCommandOutput,
  ModifyDBClusterParameterGroupCommandInput,
  ModifyDBClusterParameterGroupCommandOutput,
  ModifyDBParameterGroupCommandInput,
  ModifyDBParameterGroupCommandOutput,
  Parameter,
} from '@aws-sdk/client-rds'

import type {Handler, OperationContext, Result} from '../types'
import {FAMILIES} from './rds-engines'
import {arnOf, checkTags, errors, pageOf, unsupported, type ArnKind, type ParameterGroupRecord, type RdsWorld} from './rds-model'
import {allowedValue, parametersOf, type ParameterDef} from './rds-parameters'

/*
 * DB parameter groups and DB cluster parameter groups: two namespaces that
 * work alike. Each family has a `default.<family>` group, derived rather than
 * stored, which cannot be changed or deleted; a group made by Create starts
 * with the family's defaults and keeps what Modify sets.
 */

/** Where the two kinds of group differ: their records, names in messages, ARNs and parameters. */
interface GroupKind {
  readonly cluster: boolean
  readonly noun: 'DBParameterGroup' | 'DBClusterParameterGroup'
  readonly arnKind: ArnKind
  readonly records: (world: RdsWorld) => ParameterGroupRecord[]
  readonly setRecords: (world: RdsWorld, records: ParameterGroupRecord[]) => void
  /** Who still uses the group (an instance or cluster not yet gone), for a refused delete. */
  readonly inUse: (world: RdsWorld, name: string) => string | undefined
}

type GroupList = 'parameterGroups' | 'clusterParameterGroups'

/** A kind of group: its list in the world, and the resources that name it (with RDS's words for them when a delete is refused). */
function groupKind(
  cluster: boolean,
  list: GroupList,
  users: (world: RdsWorld) => ReadonlyArray<{readonly parameterGroupName?: string}>,
  usersNoun: string,
): GroupKind {
  return {
    cluster,
    noun: cluster ? 'DBClusterParameterGroup' : 'DBParameterGroup',
    arnKind: cluster ? 'cluster-pg' : 'pg',
    records: (world) => world.rds[list],
    setRecords(world, records) {
      world.rds[list] = records
    },
    inUse: (world, name) =>
      users(world).some((user) => user.parameterGroupName === name)
        ? `One or more ${usersNoun} are still members of this parameter group ${name}, so the group cannot be deleted`
        : undefined,
  }
}

const DB_GROUPS = groupKind(false, 'parameterGroups', (world) => world.rds.instances, 'database instances')
const CLUSTER_GROUPS = groupKind(true, 'clusterParameterGroups', (world) => world.rds.clusters, 'DB clusters')

const DEFAULT_PREFIX = 'default.'

/** The family's built-in group, as RDS shows it in every account. */
function defaultGroup(family: string): ParameterGroupRecord {
  return {name: `${DEFAULT_PREFIX}${family}`, family, description: `Default parameter group for ${family}`, values: {}, tags: {}}
}

/** Families that have a group of this kind: cluster groups only for Aurora here. */
function familiesOf(kind: GroupKind): string[] {
  return [...FAMILIES].filter((family) => parametersOf(family, kind.cluster).length > 0).sort()
}

function findGroup(world: RdsWorld, kind: GroupKind, name: string): ParameterGroupRecord | undefined {
  const folded = name.toLowerCase()
  if (folded.startsWith(DEFAULT_PREFIX)) {
    const family = folded.slice(DEFAULT_PREFIX.length)
    return familiesOf(kind).includes(family) ? defaultGroup(family) : undefined
  }

  return kind.records(world).find((group) => group.name === folded)
}

/** Describe, Modify and Delete say DBParameterGroupNotFound for both kinds. */
function requireGroup(world: RdsWorld, kind: GroupKind, name: string | undefined): ParameterGroupRecord {
  const group = findGroup(world, kind, name ?? '')
  if (!group) throw errors.parameterGroupNotFound(name ?? '')
  return group
}

function isDefault(group: ParameterGroupRecord): boolean {
  return group.name.startsWith(DEFAULT_PREFIX)
}

/**
 * The parameter group a new instance or cluster names: it must exist (an
 * instance: DBParameterGroupNotFound; a cluster: DBClusterParameterGroupNotFound)
 * and be of the family of the engine version (InvalidParameterCombination,
 * in RDS's words). Undefined (the default group) when none is named.
 */
export function checkParameterGroupFor(world: RdsWorld, name: string | undefined, family: string, cluster: boolean): string | undefined {
  if (name === undefined) return undefined
  const kind = cluster ? CLUSTER_GROUPS : DB_GROUPS
  const group = findGroup(world, kind, name)
  if (!group) throw cluster ? errors.clusterParameterGroupNotFound(name) : errors.parameterGroupNotFound(name)
  if (group.family !== family) {
    throw errors.combination(
      `The Parameter Group ${group.name} with DBParameterGroupFamily ${group.family} cannot be used for this ${cluster ? 'cluster' : 'instance'}. Please use a Parameter Group with DBParameterGroupFamily ${family}`,
    )
  }

  return isDefault(group) ? undefined : group.name
}

// ---- create -----------------------------------------------------------------------

const GROUP_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

function newGroup(world: RdsWorld, kind: GroupKind, input: CreateDBParameterGroupCommandInput | CreateDBClusterParameterGroupCommandInput, name: string | undefined): ParameterGroupRecord {
  const folded = (name ?? '').toLowerCase()
  const parameter = `${kind.noun}Name`
  if (folded === '') throw errors.invalidValue(`The parameter ${parameter} must be provided and must not be blank.`)
  if (folded.length > 255 || !GROUP_NAME.test(folded)) {
    throw errors.invalidValue(
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    )
  }

  const family = input.DBParameterGroupFamily ?? ''
  if (!FAMILIES.has(family)) {
    if (family === '') throw errors.invalidValue('The parameter DBParameterGroupFamily must be provided and must not be blank.')
    throw errors.invalidValue(`DBParameterGroupFamily ${family} is not a valid parameter group family.`)
  }

  // Cluster groups of RDS families belong to Multi-AZ DB clusters, which the sandbox does not simulate.
  if (parametersOf(family, kind.cluster).length === 0) throw unsupported(`${kind.noun} of family ${family} (Multi-AZ DB clusters)`)
  if (!input.Description) throw errors.invalidValue('The parameter Description must be provided and must not be blank.')
  if (kind.records(world).some((group) => group.name === folded)) throw errors.parameterGroupExists(folded)
  return {name: folded, family, description: input.Description, values: {}, tags: checkTags(input.Tags)}
}

function toDbParameterGroup(group: ParameterGroupRecord, context: OperationContext): DBParameterGroup {
  return {
    DBParameterGroupName: group.name,
    DBParameterGroupFamily: group.family,
    Description: group.description,
    DBParameterGroupArn: arnOf('pg', group.name, context),
  }
}

function toDbClusterParameterGroup(group: ParameterGroupRecord, context: OperationContext): DBClusterParameterGroup {
  return {
    DBClusterParameterGroupName: group.name,
    DBParameterGroupFamily: group.family,
    Description: group.description,
    DBClusterParameterGroupArn: arnOf('cluster-pg', group.name, context),
  }
}

export const createDbParameterGroup: Handler<RdsWorld, CreateDBParameterGroupCommandInput, Result<CreateDBParameterGroupCommandOutput>> = (world, input, context) => {
  const group = newGroup(world, DB_GROUPS, input, input.DBParameterGroupName)
  world.rds.parameterGroups.push(group)
  return {DBParameterGroup: toDbParameterGroup(group, context)}
}

export const createDbClusterParameterGroup: Handler<RdsWorld, CreateDBClusterParameterGroupCommandInput, Result<CreateDBClusterParameterGroupCommandOutput>> = (world, input, context) => {
  const group = newGroup(world, CLUSTER_GROUPS, input, input.DBClusterParameterGroupName)
  world.rds.clusterParameterGroups.push(group)
  return {DBClusterParameterGroup: toDbClusterParameterGroup(group, context)}
}

// ---- describe groups ----------------------------------------------------------------

/** One group by name, or every group: the defaults and the account's own, by name. */
function chooseGroups(world: RdsWorld, kind: GroupKind, input: {readonly Filters?: unknown[]}, name: string | undefined): ParameterGroupRecord[] {
  if (input.Filters?.length) throw unsupported(`Describe${kind.noun}s with Filters`)
  if (name !== undefined) return [requireGroup(world, kind, name)]
  return [...familiesOf(kind).map((family) => defaultGroup(family)), ...kind.records(world)].sort((a, b) => (a.name < b.name ? -1 : 1))
}

export const describeDbParameterGroups: Handler<RdsWorld, DescribeDBParameterGroupsCommandInput, Result<DescribeDBParameterGroupsCommandOutput>> = (world, input, context) => {
  const page = pageOf(chooseGroups(world, DB_GROUPS, input, input.DBParameterGroupName), input)
  return {DBParameterGroups: page.items.map((group) => toDbParameterGroup(group, context)), Marker: page.nextToken}
}

export const describeDbClusterParameterGroups: Handler<RdsWorld, DescribeDBClusterParameterGroupsCommandInput, Result<DescribeDBClusterParameterGroupsCommandOutput>> = (world, input, context) => {
  const page = pageOf(chooseGroups(world, CLUSTER_GROUPS, input, input.DBClusterParameterGroupName), input)
  return {DBClusterParameterGroups: page.items.map((group) => toDbClusterParameterGroup(group, context)), Marker: page.nextToken}
}

// ---- delete ----------------------------------------------------------------------------

function deleteGroup(world: RdsWorld, kind: GroupKind, name: string | undefined): void {
  const group = requireGroup(world, kind, name)
  if (isDefault(group)) throw errors.parameterGroupState(`Default ${kind.noun} cannot be deleted: ${group.name}`)
  const user = kind.inUse(world, group.name)
  if (user) throw errors.parameterGroupState(user)
  kind.setRecords(
    world,
    kind.records(world).filter((candidate) => candidate !== group),
  )
}

export const deleteDbParameterGroup: Handler<RdsWorld, DeleteDBParameterGroupCommandInput, Result<DeleteDBParameterGroupCommandOutput>> = (world, input) => {
  deleteGroup(world, DB_GROUPS, input.DBParameterGroupName)
  return {}
}

export const deleteDbClusterParameterGroup: Handler<RdsWorld, DeleteDBClusterParameterGroupCommandInput, Result<DeleteDBClusterParameterGroupCommandOutput>> = (world, input) => {
  deleteGroup(world, CLUSTER_GROUPS, input.DBClusterParameterGroupName)
  return {}
}

// ---- parameters ----------------------------------------------------------------------

/** A parameter as Describe shows it: the group's own value (`user`) or the family's default. */
function toParameter(parameter: ParameterDef, group: ParameterGroupRecord): Parameter {
  const set = group.values[parameter.name]
  const value = set?.value ?? parameter.defaultValue
  return {
    ParameterName: parameter.name,
    ParameterValue: value,
    Description: parameter.description,
    Source: set ? 'user' : value?.includes('{') ? 'system' : 'engine-default',
    ApplyType: parameter.applyType,
    DataType: parameter.dataType,
    AllowedValues: parameter.allowedValues,
    IsModifiable: true,
    ApplyMethod: set?.applyMethod === 'immediate' ? 'immediate' : 'pending-reboot',
  }
}

const SOURCES = new Set(['user', 'system', 'engine-default'])

function describeParameters(
  world: RdsWorld,
  kind: GroupKind,
  name: string | undefined,
  input: {readonly Source?: string; readonly Filters?: unknown[]; readonly MaxRecords?: number; readonly Marker?: string},
): {Parameters: Parameter[]; Marker: string | undefined} {
  if (input.Filters?.length) throw unsupported(`Describe${kind.noun === 'DBParameterGroup' ? 'DB' : 'DBCluster'}Parameters with Filters`)
  if (input.Source !== undefined && !SOURCES.has(input.Source)) throw errors.invalidValue(`Invalid value for Source: ${input.Source}. Valid values are user, system, engine-default.`)
  const group = requireGroup(world, kind, name)
  const all = [...parametersOf(group.family, kind.cluster)].sort((a, b) => (a.name < b.name ? -1 : 1)).map((parameter) => toParameter(parameter, group))
  const page = pageOf(
    all.filter((parameter) => input.Source === undefined || parameter.Source === input.Source),
    input,
  )
  return {Parameters: page.items, Marker: page.nextToken}
}

export const describeDbParameters: Handler<RdsWorld, DescribeDBParametersCommandInput, Result<DescribeDBParametersCommandOutput>> = (world, input) => {
  return describeParameters(world, DB_GROUPS, input.DBParameterGroupName, input)
}

export const describeDbClusterParameters: Handler<RdsWorld, DescribeDBClusterParametersCommandInput, Result<DescribeDBClusterParametersCommandOutput>> = (world, input) => {
  return describeParameters(world, CLUSTER_GROUPS, input.DBClusterParameterGroupName, input)
}

/** RDS takes at most 20 parameters in one Modify call. */
const MAX_MODIFIED = 20

/** One change checked against the family's parameter: name, value, and an ApplyMethod the parameter allows. */
function checkChange(parameters: readonly ParameterDef[], change: Parameter): {name: string; value: string; applyMethod: string} {
  const name = change.ParameterName ?? ''
  const parameter = parameters.find((candidate) => candidate.name === name)
  if (!parameter) throw errors.invalidValue(`Could not find parameter with name: ${name}`)
  const value = change.ParameterValue
  if (value === undefined || value === '') throw errors.invalidValue(`The parameter value for parameter ${name} must be provided and must not be blank.`)
  const applyMethod = change.ApplyMethod ?? ''
  if (applyMethod !== 'immediate' && applyMethod !== 'pending-reboot') {
    throw errors.invalidValue(`Invalid apply method for parameter ${name}: '${applyMethod}'. Valid values are immediate, pending-reboot.`)
  }

  if (applyMethod === 'immediate' && parameter.applyType === 'static') throw errors.combination('cannot use immediate apply method for static parameter')
  if (!allowedValue(parameter, value)) throw errors.invalidValue(`Invalid parameter value: ${value} for: ${name} allowed values are: ${parameter.allowedValues}`)
  return {name, value, applyMethod}
}

/** Every change is checked before any is kept: one bad parameter fails the whole call, as on AWS. */
function modifyGroup(world: RdsWorld, kind: GroupKind, name: string | undefined, changes: readonly Parameter[] | undefined): string {
  const group = requireGroup(world, kind, name)
  if (isDefault(group)) throw errors.parameterGroupState(`Default parameter groups cannot be modified: ${group.name}`)
  if (!changes?.length) throw errors.invalidValue('The parameter Parameters must be provided and must not be empty.')
  if (changes.length > MAX_MODIFIED) throw errors.invalidValue(`A maximum of ${MAX_MODIFIED} parameters can be modified in a single request.`)
  const parameters = parametersOf(group.family, kind.cluster)
  const checked = changes.map((change) => checkChange(parameters, change))
  for (const change of checked) group.values[change.name] = {value: change.value, applyMethod: change.applyMethod}
  return group.name
}

export const modifyDbParameterGroup: Handler<RdsWorld, ModifyDBParameterGroupCommandInput, Result<ModifyDBParameterGroupCommandOutput>> = (world, input) => {
  return {DBParameterGroupName: modifyGroup(world, DB_GROUPS, input.DBParameterGroupName, input.Parameters)}
}

export const modifyDbClusterParameterGroup: Handler<RdsWorld, ModifyDBClusterParameterGroupCommandInput, Result<ModifyDBClusterParameterGroupCommandOutput>> = (world, input) => {
  return {DBClusterParameterGroupName: modifyGroup(world, CLUSTER_GROUPS, input.DBClusterParameterGroupName, input.Parameters)}
}

// ---- tags ------------------------------------------------------------------------------

/** For tagging by ARN (`pg:<name>`, `cluster-pg:<name>`): a group made by Create, or undefined. */
export function taggableGroup(world: RdsWorld, cluster: boolean, name: string): ParameterGroupRecord | undefined {
  const kind = cluster ? CLUSTER_GROUPS : DB_GROUPS
  return kind.records(world).find((group) => group.name === name)
}
