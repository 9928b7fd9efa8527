import type {
  AddTagsToResourceCommandInput,
  AddTagsToResourceCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  RemoveTagsFromResourceCommandInput,
  RemoveTagsFromResourceCommandOutput,
} from '@aws-sdk/client-elasticache'

import {SimError} from '../errors'
import type {OperationContext, Result} from '../types'
import {checkTags, errors, memberIds, toTagList, unsupported, type ArnKind, type CacheWorld, type Tags} from './elasticache-model'

interface Taggable {
  tags: Tags
}

/**
 * The resources whose tags the sandbox keeps, by the kind in their ARN. A
 * replication group's member clusters share its tags.
 */
const KINDS: Readonly<Record<ArnKind, {readonly find: (world: CacheWorld, name: string) => Taggable | undefined; readonly notFound: (name: string) => SimError}>> = {
  replicationgroup: {find: (world, name) => world.cache.replicationGroups.find((group) => group.id === name), notFound: errors.groupNotFound},
  cluster: {
    find: (world, name) =>
      world.cache.cacheClusters.find((cluster) => cluster.id === name) ?? world.cache.replicationGroups.find((group) => memberIds(group).includes(name)),
    notFound: errors.clusterNotFound,
  },
  subnetgroup: {find: (world, name) => world.cache.subnetGroups.find((group) => group.name === name), notFound: errors.subnetGroupNotFound},
}

/** The resource an ElastiCache ARN names: `arn:aws:elasticache:<region>:<account>:<kind>:<name>`. */
function resource(world: CacheWorld, arn: string | undefined, context: OperationContext): Taggable {
  const value = arn ?? ''
  const match = /^arn:aws:elasticache:([^:]+):(\d{12}):([a-z]+):(.+)$/.exec(value)
  if (!match || match[1] !== context.region || match[2] !== context.account) throw new SimError('InvalidARN', `The ARN ${value} is not valid.`)
  const kind = match[3] as ArnKind
  if (!Object.hasOwn(KINDS, kind)) throw unsupported(`tags on ${match[3]} resources`)
  const name = match[4].toLowerCase()
  if (kind === 'subnetgroup' && name === 'default') throw unsupported('tags on the default cache subnet group')
  const found = KINDS[kind].find(world, name)
  if (!found) throw KINDS[kind].notFound(match[4])
  return found
}

export function listTagsForResource(
  world: CacheWorld,
  input: ListTagsForResourceCommandInput,
  context: OperationContext,
): Result<ListTagsForResourceCommandOutput> {
  return {TagList: toTagList(resource(world, input.ResourceName, context).tags)}
}

export function addTagsToResource(world: CacheWorld, input: AddTagsToResourceCommandInput, context: OperationContext): Result<AddTagsToResourceCommandOutput> {
  const target = resource(world, input.ResourceName, context)
  target.tags = checkTags(input.Tags, target.tags)
  return {TagList: toTagList(target.tags)}
}

/** A key the resource does not have is an error (TagNotFound), unlike RDS. */
export function removeTagsFromResource(
  world: CacheWorld,
  input: RemoveTagsFromResourceCommandInput,
  context: OperationContext,
): Result<RemoveTagsFromResourceCommandOutput> {
  const target = resource(world, input.ResourceName, context)
  const keys = input.TagKeys ?? []
  const missing = keys.find((key) => !Object.hasOwn(target.tags, key))
  if (missing !== undefined) throw new SimError('TagNotFound', `The tag with key ${missing} was not found on ${input.ResourceName}.`, 404)
  target.tags = Object.fromEntries(Object.entries(target.tags).filter(([key]) => !keys.includes(key)))
  return {TagList: toTagList(target.tags)}
}
