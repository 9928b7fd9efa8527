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
  type CacheSubnetGroupRecord,
  type CacheWorld,
} from './elasticache-model'

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

function checkName(value: string | undefined): string {
  const name = (value ?? '').toLowerCase()
  if (name === '') throw errors.invalidValue('The parameter CacheSubnetGroupName must be provided and must not be blank.')
  if (name === 'default') throw errors.invalidValue('The parameter CacheSubnetGroupName cannot be "default".')
  if (!NAME.test(name)) {
    throw errors.invalidValue(`The parameter CacheSubnetGroupName must contain no more than 255 alphanumeric characters or hyphens: ${value}`)
  }

  return name
}

/** Unlike RDS, ElastiCache takes a subnet group in a single AZ. */
export function createCacheSubnetGroup(
  world: CacheWorld,
  input: CreateCacheSubnetGroupCommandInput,
  context: OperationContext,
): Result<CreateCacheSubnetGroupCommandOutput> {
  const name = checkName(input.CacheSubnetGroupName)
  const description = input.CacheSubnetGroupDescription ?? ''
  if (description === '') throw errors.invalidValue('The parameter CacheSubnetGroupDescription must be provided and must not be blank.')
  if (findSubnetGroup(world, name, context)) throw errors.subnetGroupExists(name)
  const ids = [...new Set(input.SubnetIds ?? [])]
  if (ids.length === 0) throw errors.invalidValue('The parameter SubnetIds must be provided and must not be empty.')
  const subnets = ec2Of(world, context).subnets
  const unknown = ids.find((id) => !subnets.some((subnet) => subnet.id === id))
  if (unknown !== undefined) throw new SimError('InvalidSubnet', `The subnet ID ${unknown} does not exist`)
  const chosen = ids.map((id) => subnets.find((subnet) => subnet.id === id)!)
  const vpcIds = new Set(chosen.map((subnet) => subnet.vpcId))
  if (vpcIds.size > 1) throw new SimError('InvalidSubnet', `Subnets must all be in the same VPC; these are in ${[...vpcIds].join(', ')}.`)
  const group: CacheSubnetGroupRecord = {
    name,
    description,
    vpcId: chosen[0].vpcId,
    subnets: chosen.map((subnet) => ({id: subnet.id, az: subnet.az})),
    tags: checkTags(input.Tags),
  }
  world.cache.subnetGroups.push(group)
  return {CacheSubnetGroup: toCacheSubnetGroup(group, context)}
}

export function describeCacheSubnetGroups(
  world: CacheWorld,
  input: DescribeCacheSubnetGroupsCommandInput,
  context: OperationContext,
): Result<DescribeCacheSubnetGroupsCommandOutput> {
  let groups: CacheSubnetGroupRecord[]
  if (input.CacheSubnetGroupName !== undefined) {
    groups = [requireSubnetGroup(world, input.CacheSubnetGroupName, context)]
  } else {
    const fallback = defaultSubnetGroup(world, context)
    groups = [...(fallback ? [fallback] : []), ...world.cache.subnetGroups]
  }

  const page = pageOf(
    groups.map((group) => ({...group, id: group.name})).sort(byId),
    input,
  )
  return {CacheSubnetGroups: page.items.map((group) => toCacheSubnetGroup(group, context)), Marker: page.nextToken}
}

export function deleteCacheSubnetGroup(
  world: CacheWorld,
  input: DeleteCacheSubnetGroupCommandInput,
  context: OperationContext,
): Result<DeleteCacheSubnetGroupCommandOutput> {
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
