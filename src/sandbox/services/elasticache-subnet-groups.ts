import type {
  CacheSubnetGroup,
  CreateCacheSubnetGroupCommandInput,
  CreateCacheSubnetGroupCommandOutput,
  DeleteCacheSubnetGroupCommandInput,
  DeleteCacheSubnetGroupCommandOutput,
  DescribeCacheSubnetGroupsCommandInput,
  DescribeCacheSubnetGroupsCommandOutput,
} from '@aws-sdk/client-elasticache'

import {SimError} from '../errors'
import type {Handler, OperationContext, Result} from '../types'
import {allSubnetGroups, newSubnetGroup, type SubnetGroupRules} from './data-tier-common'
import {arnOf, checkTags, errors, pageOf, requireSubnetGroup, type CacheSubnetGroupRecord, type CacheWorld} from './elasticache-model'

/** Up to 255 letters, digits and hyphens. */
const NAME = /^[a-z0-9-]{1,255}$/

export function toCacheSubnetGroup(group: CacheSubnetGroupRecord, context: OperationContext): CacheSubnetGroup {
  return {
    CacheSubnetGroupName: group.name,
    CacheSubnetGroupDescription: group.description,
    VpcId: group.vpcId,
    Subnets: group.subnets.map((subnet) => ({
      SubnetIdentifier: subnet.id,
      SubnetAvailabilityZone: {Name: subnet.az},
      SupportedNetworkTypes: ['ipv4'],
    })),
    ARN: arnOf('subnetgroup', group.name, context),
    SupportedNetworkTypes: ['ipv4'],
  }
}

/** How ElastiCache words a new cache subnet group's errors; the checks are RDS's, but for its AZ coverage. */
const RULES: SubnetGroupRules = {
  stem: 'CacheSubnetGroup',
  namePattern: NAME,
  badName: (value) => `The parameter CacheSubnetGroupName must contain no more than 255 alphanumeric characters or hyphens: ${value}`,
  exists: errors.subnetGroupExists,
  noSubnets: () => errors.invalidValue('The parameter SubnetIds must be provided and must not be empty.'),
  unknownSubnets: (ids) => new SimError('InvalidSubnet', `The subnet ID ${ids[0]} does not exist`),
}

/** Unlike RDS, ElastiCache takes a subnet group in a single AZ. */
export const createCacheSubnetGroup: Handler<CacheWorld, CreateCacheSubnetGroupCommandInput, Result<CreateCacheSubnetGroupCommandOutput>> = (world, input, context) => {
  const fields = {name: input.CacheSubnetGroupName, description: input.CacheSubnetGroupDescription, subnetIds: input.SubnetIds}
  const group: CacheSubnetGroupRecord = {...newSubnetGroup(world, world.cache.subnetGroups, fields, RULES, context), tags: checkTags(input.Tags)}
  world.cache.subnetGroups.push(group)
  return {CacheSubnetGroup: toCacheSubnetGroup(group, context)}
}

export const describeCacheSubnetGroups: Handler<CacheWorld, DescribeCacheSubnetGroupsCommandInput, Result<DescribeCacheSubnetGroupsCommandOutput>> = (world, input, context) => {
  const groups =
    input.CacheSubnetGroupName === undefined
      ? allSubnetGroups(world, world.cache.subnetGroups, context)
      : [requireSubnetGroup(world, input.CacheSubnetGroupName, context)]
  const page = pageOf(groups, input)
  return {CacheSubnetGroups: page.items.map((group) => toCacheSubnetGroup(group, context)), Marker: page.nextToken}
}

export const deleteCacheSubnetGroup: Handler<CacheWorld, DeleteCacheSubnetGroupCommandInput, Result<DeleteCacheSubnetGroupCommandOutput>> = (world, input, context) => {
  const name = (input.CacheSubnetGroupName ?? '').toLowerCase()
  if (name === 'default') throw errors.invalidValue('Cannot delete default cache subnet group.')
  const group = requireSubnetGroup(world, name, context)
  const inUse =
    world.cache.replicationGroups.some((candidate) => candidate.subnetGroupName === group.name) ||
    world.cache.cacheClusters.some((candidate) => candidate.subnetGroupName === group.name)
  if (inUse) throw errors.subnetGroupInUse(group.name)
  world.cache.subnetGroups = world.cache.subnetGroups.filter((candidate) => candidate !== group)
  return {}
}
