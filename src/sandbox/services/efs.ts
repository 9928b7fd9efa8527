import {
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type TagResourceCommandInput,
  type TagResourceCommandOutput,
  type UntagResourceCommandInput,
  type UntagResourceCommandOutput,
} from '@aws-sdk/client-efs'
import * as EFS from '@aws-sdk/client-efs'

import {sdkModeledExceptions} from '../errors'
import {defineService, type Result} from '../types'
import {type Tags} from './ec2-model'
import {createAccessPoint, deleteAccessPoint, describeAccessPoints} from './efs-access-points'

import {createFileSystem, deleteFileSystem, deleteFileSystemPolicy, describeBackupPolicy, describeFileSystemPolicy, describeFileSystems, putBackupPolicy, putFileSystemPolicy} from './efs-file-systems'

import {EfsError, type EfsState, type EfsView, badRequest, checkTags, findAccessPoint, findFileSystem, pageOf, slice, toTags} from './efs-model'
import {createMountTarget, deleteMountTarget, describeMountTargetSecurityGroups, describeMountTargets, modifyMountTargetSecurityGroups} from './efs-mount-targets'

// ---- tags on file systems and access points ---------------------------------

function taggable(state: EfsState, resourceId: string | undefined): {tags: Tags} {
  const id = resourceId?.startsWith('arn:') ? resourceId.slice(resourceId.lastIndexOf('/') + 1) : (resourceId ?? '')
  if (id.startsWith('fs-')) return findFileSystem(state, id)
  if (id.startsWith('fsap-')) return findAccessPoint(state, id)
  throw badRequest(`Invalid resource ID: ${resourceId ?? 'null'} (expecting a file system or access point)`)
}

function tagResource(view: EfsView, input: TagResourceCommandInput): Result<TagResourceCommandOutput> {
  const resource = taggable(view.efs, input.ResourceId)
  resource.tags = checkTags(input.Tags, resource.tags)
  return {}
}

function untagResource(view: EfsView, input: UntagResourceCommandInput): Result<UntagResourceCommandOutput> {
  const resource = taggable(view.efs, input.ResourceId)
  const drop = new Set(input.TagKeys ?? [])
  resource.tags = Object.fromEntries(Object.entries(resource.tags).filter(([key]) => !drop.has(key)))
  return {}
}

function listTagsForResource(view: EfsView, input: ListTagsForResourceCommandInput): Result<ListTagsForResourceCommandOutput> {
  const resource = taggable(view.efs, input.ResourceId)
  const page = pageOf(toTags(resource.tags), input.MaxResults, input.NextToken, 100)
  return {Tags: page.items, NextToken: page.nextToken}
}

// ---- exceptions -----------------------------------------------------------

/** The exceptions the EFS client models, built as its deserializer would (ErrorCode and Message in the body). */
const toException = sdkModeledExceptions(
  EFS,
  EFS.EFSServiceException,
  'json',
  // The "already exists" errors name the existing resource.
  {fields: (error) => (error instanceof EfsError ? {AccessPointId: error.existingId, FileSystemId: error.existingId} : {})},
)

export const efs = defineService<EfsView>({
  name: 'efs',
  throttleError: {code: 'ThrottlingException', message: 'Rate exceeded', status: 429},
  internalError: {code: 'InternalServerError', message: 'An internal error occurred.', status: 500},
  slice,
  operations: {
    CreateAccessPoint: createAccessPoint,
    CreateFileSystem: createFileSystem,
    CreateMountTarget: createMountTarget,
    DeleteAccessPoint: deleteAccessPoint,
    DeleteFileSystem: deleteFileSystem,
    DeleteFileSystemPolicy: deleteFileSystemPolicy,
    DeleteMountTarget: deleteMountTarget,
    DescribeAccessPoints: describeAccessPoints,
    DescribeBackupPolicy: describeBackupPolicy,
    DescribeFileSystemPolicy: describeFileSystemPolicy,
    DescribeFileSystems: describeFileSystems,
    DescribeMountTargetSecurityGroups: describeMountTargetSecurityGroups,
    DescribeMountTargets: describeMountTargets,
    ListTagsForResource: listTagsForResource,
    ModifyMountTargetSecurityGroups: modifyMountTargetSecurityGroups,
    PutBackupPolicy: putBackupPolicy,
    PutFileSystemPolicy: putFileSystemPolicy,
    TagResource: tagResource,
    UntagResource: untagResource,
  },
  toException,
})
