import type {
  AddTagsToResourceCommandInput,
  AddTagsToResourceCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  RemoveTagsFromResourceCommandInput,
  RemoveTagsFromResourceCommandOutput,
} from '@aws-sdk/client-rds'

import type {Handler, Result} from '../types'
import {taggedResource, withoutKeys, type ArnRules} from './data-tier-common'
import {checkTags, errors, toTagList, unsupported, type ArnKind, type RdsWorld} from './rds-model'
import {taggableGroup} from './rds-parameter-groups'

/** The resource kinds whose tags the sandbox keeps, by the kind in their ARN: `arn:aws:rds:<region>:<account>:<kind>:<name>`. */
const ARNS: ArnRules<RdsWorld, ArnKind> = {
  pattern: /^arn:aws:rds:([^:]+):(\d{12}):([a-z-]+):(.+)$/,
  kinds: {
    db: {find: (world, name) => world.rds.instances.find((record) => record.id === name), notFound: errors.instanceNotFound},
    cluster: {find: (world, name) => world.rds.clusters.find((record) => record.id === name), notFound: errors.clusterNotFound},
    subgrp: {
      find: (world, name) => world.rds.subnetGroups.find((record) => record.name === name),
      notFound: errors.subnetGroupNotFound,
      builtIn: 'the default DB subnet group',
    },
    snapshot: {find: (world, name) => world.rds.snapshots.find((record) => record.id === name), notFound: errors.snapshotNotFound},
    'cluster-snapshot': {
      find: (world, name) => world.rds.clusterSnapshots.find((record) => record.id === name),
      notFound: errors.clusterSnapshotNotFound,
    },
    // The derived `default.<family>` groups are not found here: the sandbox keeps no tags for them.
    pg: {find: (world, name) => taggableGroup(world, false, name), notFound: errors.parameterGroupNotFound},
    'cluster-pg': {find: (world, name) => taggableGroup(world, true, name), notFound: errors.parameterGroupNotFound},
  },
  badArn: (arn) => errors.invalidValue(`The specified resource name does not match an RDS resource in this region: ${arn}`),
  unsupported,
}

export const listTagsForResource: Handler<RdsWorld, ListTagsForResourceCommandInput, Result<ListTagsForResourceCommandOutput>> = (world, input, context) => {
  if (input.Filters?.length) throw unsupported('ListTagsForResource with Filters')
  return {TagList: toTagList(taggedResource(world, input.ResourceName, ARNS, context).tags)}
}

export const addTagsToResource: Handler<RdsWorld, AddTagsToResourceCommandInput, Result<AddTagsToResourceCommandOutput>> = (world, input, context) => {
  const target = taggedResource(world, input.ResourceName, ARNS, context)
  target.tags = checkTags(input.Tags, target.tags)
  return {}
}

export const removeTagsFromResource: Handler<RdsWorld, RemoveTagsFromResourceCommandInput, Result<RemoveTagsFromResourceCommandOutput>> = (world, input, context) => {
  const target = taggedResource(world, input.ResourceName, ARNS, context)
  target.tags = withoutKeys(target.tags, input.TagKeys ?? [])
  return {}
}
