import type {
  AddTagsToResourceCommandInput,
  AddTagsToResourceCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  RemoveTagsFromResourceCommandInput,
  RemoveTagsFromResourceCommandOutput,
} from '@aws-sdk/client-elasticache'

import {SimError} from '../errors'
import type {Handler, Result} from '../types'
import {taggedResource, withoutKeys, type ArnRules} from './data-tier-common'
import {checkTags, errors, memberIds, toTagList, unsupported, type ArnKind, type CacheWorld} from './elasticache-model'

/**
 * The resources whose tags the sandbox keeps, by the kind in their ARN:
 * `arn:aws:elasticache:<region>:<account>:<kind>:<name>`. A replication
 * group's member clusters share its tags.
 */
const ARNS: ArnRules<CacheWorld, ArnKind> = {
  pattern: /^arn:aws:elasticache:([^:]+):(\d{12}):([a-z]+):(.+)$/,
  kinds: {
    replicationgroup: {find: (world, name) => world.cache.replicationGroups.find((group) => group.id === name), notFound: errors.groupNotFound},
    cluster: {
      find: (world, name) =>
        world.cache.cacheClusters.find((cluster) => cluster.id === name) ?? world.cache.replicationGroups.find((group) => memberIds(group).includes(name)),
      notFound: errors.clusterNotFound,
    },
    subnetgroup: {
      find: (world, name) => world.cache.subnetGroups.find((group) => group.name === name),
      notFound: errors.subnetGroupNotFound,
      builtIn: 'the default cache subnet group',
    },
  },
  badArn: (arn) => new SimError('InvalidARN', `The ARN ${arn} is not valid.`),
  unsupported,
}

export const listTagsForResource: Handler<CacheWorld, ListTagsForResourceCommandInput, Result<ListTagsForResourceCommandOutput>> = (world, input, context) => {
  return {TagList: toTagList(taggedResource(world, input.ResourceName, ARNS, context).tags)}
}

export const addTagsToResource: Handler<CacheWorld, AddTagsToResourceCommandInput, Result<AddTagsToResourceCommandOutput>> = (world, input, context) => {
  const target = taggedResource(world, input.ResourceName, ARNS, context)
  target.tags = checkTags(input.Tags, target.tags)
  return {TagList: toTagList(target.tags)}
}

/** A key the resource does not have is an error (TagNotFound), unlike RDS. */
export const removeTagsFromResource: Handler<CacheWorld, RemoveTagsFromResourceCommandInput, Result<RemoveTagsFromResourceCommandOutput>> = (world, input, context) => {
  const target = taggedResource(world, input.ResourceName, ARNS, context)
  const keys = input.TagKeys ?? []
  const missing = keys.find((key) => !Object.hasOwn(target.tags, key))
  if (missing !== undefined) throw new SimError('TagNotFound', `The tag with key ${missing} was not found on ${input.ResourceName}.`, 404)
  target.tags = withoutKeys(target.tags, keys)
  return {TagList: toTagList(target.tags)}
}
