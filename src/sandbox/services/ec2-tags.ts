import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  ResourceType,
  TagDescription,
} from '@aws-sdk/client-ec2'

import {SimError} from '../errors'
import type {Handler, OperationContext, Result} from '../types'
import {
  checkTags,
  errors,
  instanceState,
  isWellFormedId,
  matchesFilters,
  missingParameter,
  pageOf,
  type Ec2State,
  type FilterFields,
  type Tags,
} from './ec2-model'

/** Something that carries tags. */
interface Taggable {
  readonly id: string
  tags: Tags
}

/** The resource kinds the sandbox keeps, by id prefix. */
const KINDS: ReadonlyArray<{
  readonly prefix: string
  readonly type: ResourceType
  readonly list: (state: Ec2State, context: OperationContext) => Taggable[]
  readonly notFound: (id: string) => SimError
}> = [
  {
    prefix: 'i',
    type: 'instance',
    list: (state, context) => state.instances.filter((instance) => instanceState(instance, context.now) !== undefined),
    notFound: (id) => errors.instanceNotFound([id]),
  },
  {prefix: 'ami', type: 'image', list: (state) => state.images, notFound: (id) => errors.imageNotFound([id])},
  {prefix: 'sg', type: 'security-group', list: (state) => state.securityGroups, notFound: (id) => errors.groupNotFound(id)},
  {prefix: 'vpc', type: 'vpc', list: (state) => state.vpcs, notFound: (id) => errors.vpcNotFound([id])},
  {prefix: 'subnet', type: 'subnet', list: (state) => state.subnets, notFound: (id) => errors.subnetNotFound([id])},
  {prefix: 'snap', type: 'snapshot', list: (state) => state.snapshots, notFound: (id) => errors.snapshotNotFound(id)},
]

function resource(state: Ec2State, id: string, context: OperationContext): Taggable {
  const kind = KINDS.find((candidate) => isWellFormedId(id, candidate.prefix))
  if (!kind) throw new SimError('InvalidID', `The ID '${id}' is not valid`)
  const found = kind.list(state, context).find((candidate) => candidate.id === id)
  if (!found) throw kind.notFound(id)
  return found
}

export const createTags: Handler<Ec2State, CreateTagsCommandInput, Result<CreateTagsCommandOutput>> = (state, input, context) => {
  const ids = input.Resources ?? []
  if (ids.length === 0) throw missingParameter('ResourceId')
  const tags = checkTags(input.Tags ?? [])
  const resources = ids.map((id) => resource(state, id, context))
  for (const target of resources) {
    const merged = {...target.tags, ...tags}
    if (Object.keys(merged).length > 50) throw new SimError('TagLimitExceeded', 'The maximum number of tags per resource (50) was exceeded')
    target.tags = merged
  }

  return {}
}

export const deleteTags: Handler<Ec2State, DeleteTagsCommandInput, Result<DeleteTagsCommandOutput>> = (state, input, context) => {
  const ids = input.Resources ?? []
  if (ids.length === 0) throw missingParameter('ResourceId')
  for (const target of ids.map((id) => resource(state, id, context))) {
    if (input.Tags === undefined) {
      // No Tags: EC2 deletes every tag (but aws: ones, which the sandbox never has).
      target.tags = {}
      continue
    }

    for (const tag of input.Tags) {
      const key = tag.Key ?? ''
      // A Value given (even '') deletes the tag only when the value matches.
      if (tag.Value === undefined || target.tags[key] === tag.Value) delete target.tags[key]
    }
  }

  return {}
}

type TagRow = Required<Pick<TagDescription, 'Key' | 'Value' | 'ResourceId' | 'ResourceType'>>

const TAG_FILTERS: FilterFields<TagRow> = {
  'key': (row) => [row.Key],
  'value': (row) => [row.Value],
  'resource-id': (row) => [row.ResourceId],
  'resource-type': (row) => [row.ResourceType],
}

export const describeTags: Handler<Ec2State, DescribeTagsCommandInput, Result<DescribeTagsCommandOutput>> = (state, input, context) => {
  const rows: TagRow[] = KINDS.flatMap((kind) =>
    kind.list(state, context).flatMap((target) =>
      Object.entries(target.tags).map(([Key, Value]) => ({Key, Value, ResourceId: target.id, ResourceType: kind.type})),
    ),
  )
  const matching = rows.filter((row) => matchesFilters(row, {[row.Key]: row.Value}, input.Filters, TAG_FILTERS))
  const page = pageOf(matching, input, false, '')
  return {Tags: page.items, NextToken: page.nextToken}
}
