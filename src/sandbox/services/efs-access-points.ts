import {
  type AccessPointDescription,
  type CreateAccessPointCommandInput,
  type CreateAccessPointCommandOutput,
  type DeleteAccessPointCommandInput,
  type DeleteAccessPointCommandOutput,
  type DescribeAccessPointsCommandInput,
  type DescribeAccessPointsCommandOutput,
} from '@aws-sdk/client-efs'

import {type Handler, type OperationContext, type Result} from '../types'
import {type EfsAccessPointRecord, EfsError, type EfsView, accessPointArn, badRequest, checkTags, findAccessPoint, findFileSystem, pageOf, requireAvailable, toTags} from './efs-model'

// ---- access points ----------------------------------------------------------

function toAccessPoint(ap: EfsAccessPointRecord, context: OperationContext): AccessPointDescription {
  return {
    ClientToken: ap.clientToken,
    Name: ap.tags.Name,
    Tags: toTags(ap.tags),
    AccessPointId: ap.id,
    AccessPointArn: accessPointArn(ap.id, context),
    FileSystemId: ap.fileSystemId,
    PosixUser: ap.posixUser && {Uid: ap.posixUser.uid, Gid: ap.posixUser.gid, SecondaryGids: [...ap.posixUser.secondaryGids]},
    RootDirectory: {
      Path: ap.rootPath,
      CreationInfo: ap.creationInfo && {
        OwnerUid: ap.creationInfo.ownerUid,
        OwnerGid: ap.creationInfo.ownerGid,
        Permissions: ap.creationInfo.permissions,
      },
    },
    OwnerId: context.account,
    LifeCycleState: 'available',
  }
}

function checkPosixUser(input: CreateAccessPointCommandInput): EfsAccessPointRecord['posixUser'] {
  const user = input.PosixUser
  if (user === undefined) return undefined
  if (user.Uid === undefined || user.Gid === undefined) throw badRequest('PosixUser requires Uid and Gid.')
  return {uid: user.Uid, gid: user.Gid, secondaryGids: [...(user.SecondaryGids ?? [])]}
}

function checkRootDirectory(input: CreateAccessPointCommandInput): {path: string; creationInfo: EfsAccessPointRecord['creationInfo']} {
  const path = input.RootDirectory?.Path ?? '/'
  if (!path.startsWith('/') || path.length > 100) throw badRequest(`Invalid root directory path: ${path}`)
  const info = input.RootDirectory?.CreationInfo
  if (info === undefined) return {path, creationInfo: undefined}
  if (info.OwnerUid === undefined || info.OwnerGid === undefined || info.Permissions === undefined) {
    throw badRequest('CreationInfo requires OwnerUid, OwnerGid and Permissions.')
  }

  if (!/^[0-7]{3,4}$/.test(info.Permissions)) throw badRequest(`Invalid Permissions (octal, 3 or 4 digits): ${info.Permissions}`)
  return {path, creationInfo: {ownerUid: info.OwnerUid, ownerGid: info.OwnerGid, permissions: info.Permissions}}
}

export const createAccessPoint: Handler<EfsView, CreateAccessPointCommandInput, Result<CreateAccessPointCommandOutput>> = (view, input, context) => {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  requireAvailable(fs, context.now)
  const token = input.ClientToken ?? context.nextId('token', 32)
  if (token.length < 1 || token.length > 64) throw badRequest('ClientToken must be between 1 and 64 characters.')
  const existing = view.efs.accessPoints.find((ap) => ap.clientToken === token)
  if (existing) {
    throw new EfsError('AccessPointAlreadyExists', `Access point '${existing.id}' already exists with client token '${token}'`, existing.id)
  }

  const root = checkRootDirectory(input)
  const ap: EfsAccessPointRecord = {
    id: context.nextId('fsap'),
    fileSystemId: fs.id,
    clientToken: token,
    createdAt: context.now,
    posixUser: checkPosixUser(input),
    rootPath: root.path,
    creationInfo: root.creationInfo,
    tags: checkTags(input.Tags),
  }
  view.efs.accessPoints.push(ap)
  return toAccessPoint(ap, context)
}

export const describeAccessPoints: Handler<EfsView, DescribeAccessPointsCommandInput, Result<DescribeAccessPointsCommandOutput>> = (view, input, context) => {
  if (input.AccessPointId !== undefined && input.FileSystemId !== undefined) {
    throw badRequest('Specify either AccessPointId or FileSystemId, not both.')
  }

  let chosen: EfsAccessPointRecord[]
  if (input.AccessPointId !== undefined) {
    chosen = [findAccessPoint(view.efs, input.AccessPointId)]
  } else if (input.FileSystemId === undefined) {
    chosen = view.efs.accessPoints
  } else {
    const fs = findFileSystem(view.efs, input.FileSystemId)
    chosen = view.efs.accessPoints.filter((ap) => ap.fileSystemId === fs.id)
  }

  const page = pageOf(chosen, input.MaxResults, input.NextToken, 100)
  return {AccessPoints: page.items.map((ap) => toAccessPoint(ap, context)), NextToken: page.nextToken}
}

export const deleteAccessPoint: Handler<EfsView, DeleteAccessPointCommandInput, Result<DeleteAccessPointCommandOutput>> = (view, input) => {
  const ap = findAccessPoint(view.efs, input.AccessPointId)
  view.efs.accessPoints = view.efs.accessPoints.filter((candidate) => candidate !== ap)
  return {}
}
