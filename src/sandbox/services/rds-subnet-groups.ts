import type {
  CreateDBSubnetGroupCommandInput,
  CreateDBSubnetGroupCommandOutput,
  DBSubnetGroup,
  DeleteDBSubnetGroupCommandInput,
  DeleteDBSubnetGroupCommandOutput,
  DescribeDBSubnetGroupsCommandInput,
  DescribeDBSubnetGroupsCommandOutput,
} from '@aws-sdk/client-rds'

import {SimError} from '../errors'
import type {OperationContext, Result} from '../types'
import {
  arnOf,
  byId,
  checkTags,
  defaultSubnetGroup,
  ec2Of,
  errors,
  findSubnetGroup,
  pageOf,
  requireSubnetGroup,
  type DbSubnetGroupRecord,
  type RdsWorld,
} from './rds-model'

/** Letters, digits, periods, underscores, spaces and hyphens, up to 255; `default` is RDS's own. */
const SUBNET_GROUP_NAME = /^[a-z0-9._ -]{1,255}$/

export function toDbSubnetGroup(group: DbSubnetGroupRecord, context: OperationContext): DBSubnetGroup {
  return {
    DBSubnetGroupName: group.name,
    DBSubnetGroupDescription: group.description,
    VpcId: group.vpcId,
    SubnetGroupStatus: 'Complete',
    Subnets: group.subnets.map((subnet) => ({
      SubnetIdentifier: subnet.id,
      SubnetAvailabilityZone: {Name: subnet.az},
      SubnetOutpost: {},
      SubnetStatus: 'Active',
    })),
    DBSubnetGroupArn: arnOf('subgrp', group.name, context),
    SupportedNetworkTypes: ['IPV4'],
  }
}

function checkName(value: string | undefined): string {
  const name = (value ?? '').toLowerCase()
  if (name === '') throw errors.invalidValue('The parameter DBSubnetGroupName must be provided and must not be blank.')
  if (name === 'default') throw errors.invalidValue('The parameter DBSubnetGroupName cannot be "default".')
  if (!SUBNET_GROUP_NAME.test(name)) {
    throw errors.invalidValue(
      `The parameter DBSubnetGroupName is not a valid identifier. It must contain no more than 255 letters, numbers, periods, underscores, spaces, or hyphens: ${value}`,
    )
  }

  return name
}

export function createDbSubnetGroup(
  world: RdsWorld,
  input: CreateDBSubnetGroupCommandInput,
  context: OperationContext,
): Result<CreateDBSubnetGroupCommandOutput> {
  const name = checkName(input.DBSubnetGroupName)
  const description = input.DBSubnetGroupDescription ?? ''
  if (description === '') throw errors.invalidValue('The parameter DBSubnetGroupDescription must be provided and must not be blank.')
  if (findSubnetGroup(world, name, context)) throw errors.subnetGroupExists(name)
  const ids = [...new Set(input.SubnetIds ?? [])]
  if (ids.length === 0) throw new SimError('InvalidSubnet', 'Subnet IDs are required.')
  const subnets = ec2Of(world, context).subnets
  const unknown = ids.filter((id) => !subnets.some((subnet) => subnet.id === id))
  if (unknown.length > 0) throw errors.invalidValue(`Some input subnets in :[${unknown.join(', ')}] are invalid.`)
  const chosen = ids.map((id) => subnets.find((subnet) => subnet.id === id)!)
  const vpcIds = new Set(chosen.map((subnet) => subnet.vpcId))
  if (vpcIds.size > 1) throw new SimError('InvalidSubnet', `Subnets must all be in the same VPC; these are in ${[...vpcIds].join(', ')}.`)
  const azs = [...new Set(chosen.map((subnet) => subnet.az))]
  if (azs.length < 2) {
    throw new SimError(
      'DBSubnetGroupDoesNotCoverEnoughAZs',
      `The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: ${azs.join(', ')}. Add subnets to cover at least 2 AZs.`,
    )
  }

  const group: DbSubnetGroupRecord = {
    name,
    description,
    vpcId: chosen[0].vpcId,
    subnets: chosen.map((subnet) => ({id: subnet.id, az: subnet.az})),
    tags: checkTags(input.Tags),
  }
  world.rds.subnetGroups.push(group)
  return {DBSubnetGroup: toDbSubnetGroup(group, context)}
}

export function describeDbSubnetGroups(
  world: RdsWorld,
  input: DescribeDBSubnetGroupsCommandInput,
  context: OperationContext,
): Result<DescribeDBSubnetGroupsCommandOutput> {
  if (input.Filters?.length) throw errors.invalidValue('DescribeDBSubnetGroups does not support filters.')
  let groups: DbSubnetGroupRecord[]
  if (input.DBSubnetGroupName !== undefined) {
    groups = [requireSubnetGroup(world, input.DBSubnetGroupName, context)]
  } else {
    const fallback = defaultSubnetGroup(world, context)
    groups = [...(fallback ? [fallback] : []), ...world.rds.subnetGroups].map((group) => ({...group, id: group.name})).sort(byId)
  }

  const page = pageOf(groups, input)
  return {DBSubnetGroups: page.items.map((group) => toDbSubnetGroup(group, context)), Marker: page.nextToken}
}

export function deleteDbSubnetGroup(
  world: RdsWorld,
  input: DeleteDBSubnetGroupCommandInput,
  context: OperationContext,
): Result<DeleteDBSubnetGroupCommandOutput> {
  const name = (input.DBSubnetGroupName ?? '').toLowerCase()
  if (name === 'default') throw errors.invalidValue('Cannot delete the default subnet group.')
  const group = requireSubnetGroup(world, name, context)
  const instance = world.rds.instances.find((candidate) => candidate.subnetGroupName === group.name)
  if (instance) {
    throw errors.subnetGroupState(`Cannot delete the subnet group '${group.name}' because at least one database instance: ${instance.id} is still using it.`)
  }

  const cluster = world.rds.clusters.find((candidate) => candidate.subnetGroupName === group.name)
  if (cluster) {
    throw errors.subnetGroupState(`Cannot delete the subnet group '${group.name}' because at least one database cluster: ${cluster.id} is still using it.`)
  }

  world.rds.subnetGroups = world.rds.subnetGroups.filter((candidate) => candidate !== group)
  return {}
}
