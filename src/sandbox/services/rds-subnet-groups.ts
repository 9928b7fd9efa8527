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
import type {Handler, OperationContext, Result} from '../types'
import {allSubnetGroups, newSubnetGroup, type SubnetGroupRules} from './data-tier-common'
import {arnOf, checkTags, errors, pageOf, requireSubnetGroup, type DbSubnetGroupRecord, type RdsWorld} from './rds-model'

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

/** How RDS words and checks a new DB subnet group; the rest is checked as ElastiCache does. */
const RULES: SubnetGroupRules = {
  stem: 'DBSubnetGroup',
  namePattern: SUBNET_GROUP_NAME,
  badName: (value) =>
    `The parameter DBSubnetGroupName is not a valid identifier. It must contain no more than 255 letters, numbers, periods, underscores, spaces, or hyphens: ${value}`,
  exists: errors.subnetGroupExists,
  noSubnets: () => new SimError('InvalidSubnet', 'Subnet IDs are required.'),
  unknownSubnets: (ids) => errors.invalidValue(`Some input subnets in :[${ids.join(', ')}] are invalid.`),
  checkSubnets(subnets) {
    const azs = [...new Set(subnets.map((subnet) => subnet.az))]
    if (azs.length < 2) {
      throw new SimError(
        'DBSubnetGroupDoesNotCoverEnoughAZs',
        `The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: ${azs.join(', ')}. Add subnets to cover at least 2 AZs.`,
      )
    }
  },
}

export const createDbSubnetGroup: Handler<RdsWorld, CreateDBSubnetGroupCommandInput, Result<CreateDBSubnetGroupCommandOutput>> = (world, input, context) => {
  const fields = {name: input.DBSubnetGroupName, description: input.DBSubnetGroupDescription, subnetIds: input.SubnetIds}
  const group: DbSubnetGroupRecord = {...newSubnetGroup(world, world.rds.subnetGroups, fields, RULES, context), tags: checkTags(input.Tags)}
  world.rds.subnetGroups.push(group)
  return {DBSubnetGroup: toDbSubnetGroup(group, context)}
}

export const describeDbSubnetGroups: Handler<RdsWorld, DescribeDBSubnetGroupsCommandInput, Result<DescribeDBSubnetGroupsCommandOutput>> = (world, input, context) => {
  if (input.Filters?.length) throw errors.invalidValue('DescribeDBSubnetGroups does not support filters.')
  const groups =
    input.DBSubnetGroupName === undefined ? allSubnetGroups(world, world.rds.subnetGroups, context) : [requireSubnetGroup(world, input.DBSubnetGroupName, context)]
  const page = pageOf(groups, input)
  return {DBSubnetGroups: page.items.map((group) => toDbSubnetGroup(group, context)), Marker: page.nextToken}
}

export const deleteDbSubnetGroup: Handler<RdsWorld, DeleteDBSubnetGroupCommandInput, Result<DeleteDBSubnetGroupCommandOutput>> = (world, input, context) => {
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
