import type {
  AddTagsToResourceCommandInput,
  AddTagsToResourceCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  RemoveTagsFromResourceCommandInput,
  RemoveTagsFromResourceCommandOutput,
} from '@aws-sdk/client-rds'

import type {SimError} from '../errors'
import type {OperationContext, Result} from '../types'
import {checkTags, errors, toTagList, unsupported, type ArnKind, type RdsWorld, type Tags} from './rds-model'

interface Taggable {
  tags: Tags
}

/** The resource kinds whose tags the sandbox keeps, by the kind in their ARN. */
const KINDS: Readonly<Record<ArnKind, {readonly find: (world: RdsWorld, name: string) => Taggable | undefined; readonly notFound: (name: string) => SimError}>> = {
  db: {find: (world, name) => world.rds.instances.find((record) => record.id === name), notFound: errors.instanceNotFound},
  cluster: {find: (world, name) => world.rds.clusters.find((record) => record.id === name), notFound: errors.clusterNotFound},
  subgrp: {find: (world, name) => world.rds.subnetGroups.find((record) => record.name === name), notFound: errors.subnetGroupNotFound},
  snapshot: {find: (world, name) => world.rds.snapshots.find((record) => record.id === name), notFound: errors.snapshotNotFound},
  'cluster-snapshot': {
    find: (world, name) => world.rds.clusterSnapshots.find((record) => record.id === name),
    notFound: errors.clusterSnapshotNotFound,
  },
}

/** The resource an RDS ARN names: `arn:aws:rds:<region>:<account>:<kind>:<name>`. */
function resource(world: RdsWorld, arn: string | undefined, context: OperationContext): Taggable {
  const value = arn ?? ''
  const match = /^arn:aws:rds:([^:]+):(\d{12}):([a-z-]+):(.+)$/.exec(value)
  if (!match || match[1] !== context.region || match[2] !== context.account) {
    throw errors.invalidValue(`The specified resource name does not match an RDS resource in this region: ${value}`)
  }

  const kind = match[3] as ArnKind
  if (!Object.hasOwn(KINDS, kind)) throw unsupported(`tags on ${match[3]} resources`)
  const name = match[4].toLowerCase()
  if (kind === 'subgrp' && name === 'default') throw unsupported('tags on the default DB subnet group')
  const found = KINDS[kind].find(world, name)
  if (!found) throw KINDS[kind].notFound(match[4])
  return found
}

export function listTagsForResource(
  world: RdsWorld,
  input: ListTagsForResourceCommandInput,
  context: OperationContext,
): Result<ListTagsForResourceCommandOutput> {
  if (input.Filters?.length) throw unsupported('ListTagsForResource with Filters')
  return {TagList: toTagList(resource(world, input.ResourceName, context).tags)}
}

export function addTagsToResource(world: RdsWorld, input: AddTagsToResourceCommandInput, context: OperationContext): Result<AddTagsToResourceCommandOutput> {
  const target = resource(world, input.ResourceName, context)
  target.tags = checkTags(input.Tags, target.tags)
  return {}
}

export function removeTagsFromResource(
  world: RdsWorld,
  input: RemoveTagsFromResourceCommandInput,
  context: OperationContext,
): Result<RemoveTagsFromResourceCommandOutput> {
  const target = resource(world, input.ResourceName, context)
  const keys = new Set(input.TagKeys ?? [])
  target.tags = Object.fromEntries(Object.entries(target.tags).filter(([key]) => !keys.has(key)))
  return {}
}
