import {
  type LifeCycleState,
  type PerformanceMode,
  type Status,
  type Tag,
  type ThroughputMode,
} from '@aws-sdk/client-efs'

import {DURATIONS} from '../durations'

import {SimError} from '../errors'
import {hexOf} from '../ids'

import {paginate, type Page} from '../paging'

import {type OperationContext, type RegionState} from '../types'
import {checkTags as checkTagRules, reservedPrefixes, type TagRules} from '../tags'

import {type Tags} from './ec2-model'


/*
 * The simulated Elastic File System: file systems, their mount targets (one
 * per AZ, in subnets of the EC2 simulation) and access points. Lifecycles are
 * derived from timestamps; records past `deleting` are dropped when the slice
 * is read. Behaviour: efs.md beside this file.
 */

export interface EfsFileSystemRecord {
  readonly id: string
  readonly creationToken: string
  readonly createdAt: number
  readonly performanceMode: PerformanceMode
  readonly throughputMode: ThroughputMode
  readonly provisionedThroughputInMibps: number | undefined
  readonly encrypted: boolean
  readonly kmsKeyId: string | undefined
  /** One Zone file systems only. */
  readonly availabilityZoneName: string | undefined
  /** Undefined: never set on a One Zone file system (DescribeBackupPolicy → PolicyNotFound). */
  backupPolicy: Status | undefined
  /**
   * The file system policy (JSON) exactly as PutFileSystemPolicy got it;
   * undefined (or absent in an older state file) while none is set.
   */
  policy?: string | undefined
  deletedAt: number | undefined
  tags: Tags
}

export interface EfsMountTargetRecord {
  readonly id: string
  readonly fileSystemId: string
  readonly subnetId: string
  readonly vpcId: string
  readonly az: string
  readonly ipAddress: string
  readonly networkInterfaceId: string
  readonly createdAt: number
  securityGroups: string[]
  deletedAt: number | undefined
}

export interface EfsAccessPointRecord {
  readonly id: string
  readonly fileSystemId: string
  readonly clientToken: string
  readonly createdAt: number
  readonly posixUser: {readonly uid: number; readonly gid: number; readonly secondaryGids: number[]} | undefined
  readonly rootPath: string
  readonly creationInfo: {readonly ownerUid: number; readonly ownerGid: number; readonly permissions: string} | undefined
  tags: Tags
}

export interface EfsState {
  fileSystems: EfsFileSystemRecord[]
  mountTargets: EfsMountTargetRecord[]
  accessPoints: EfsAccessPointRecord[]
}

/** What the handlers work on: EFS's own records, and the region for the EC2 network they mount into. */
export interface EfsView {
  readonly efs: EfsState
  readonly region: RegionState
}

// ---- lifecycles -----------------------------------------------------------

/** The file system's state at `now`; undefined once a deleted one is gone. */
export function fileSystemState(fs: EfsFileSystemRecord, now: number): LifeCycleState | undefined {
  if (fs.deletedAt !== undefined) return now < fs.deletedAt + DURATIONS.efsDeleting ? 'deleting' : undefined
  return now < fs.createdAt + DURATIONS.efsCreating ? 'creating' : 'available'
}

export function mountTargetState(mt: EfsMountTargetRecord, now: number): LifeCycleState | undefined {
  if (mt.deletedAt !== undefined) return now < mt.deletedAt + DURATIONS.efsMountTargetDeleting ? 'deleting' : undefined
  return now < mt.createdAt + DURATIONS.efsMountTargetCreating ? 'creating' : 'available'
}

export function slice(region: RegionState, context: OperationContext): EfsView {
  region.efs ??= {fileSystems: [], mountTargets: [], accessPoints: []}
  const state = region.efs
  const goneMountTargets = state.mountTargets.filter((mt) => mountTargetState(mt, context.now) === undefined)
  if (goneMountTargets.length > 0) state.mountTargets = state.mountTargets.filter((mt) => !goneMountTargets.includes(mt))
  const gone = state.fileSystems.filter((fs) => fileSystemState(fs, context.now) === undefined).map((fs) => fs.id)
  if (gone.length > 0) {
    state.fileSystems = state.fileSystems.filter((fs) => !gone.includes(fs.id))
    // Access points go with their file system.
    state.accessPoints = state.accessPoints.filter((ap) => !gone.includes(ap.fileSystemId))
  }

  return {efs: state, region}
}

// ---- errors (AWS's codes; HTTP statuses from the SDK's error schema) -------

const STATUS: Readonly<Record<string, number>> = {
  AccessPointAlreadyExists: 409,
  AccessPointNotFound: 404,
  AvailabilityZonesMismatch: 400,
  BadRequest: 400,
  FileSystemAlreadyExists: 409,
  FileSystemInUse: 409,
  FileSystemNotFound: 404,
  IncorrectFileSystemLifeCycleState: 409,
  IncorrectMountTargetState: 409,
  InternalServerError: 500,
  InvalidPolicyException: 400,
  IpAddressInUse: 409,
  MountTargetConflict: 409,
  MountTargetNotFound: 404,
  PolicyNotFound: 404,
  SecurityGroupLimitExceeded: 400,
  SecurityGroupNotFound: 400,
  SubnetNotFound: 400,
  ThrottlingException: 429,
  UnsupportedAvailabilityZone: 400,
  ValidationException: 400,
}

/** An EFS error: its body also carries the id of what already exists (FileSystemAlreadyExists, AccessPointAlreadyExists). */
export class EfsError extends SimError {
  public constructor(
    code: string,
    message: string,
    public readonly existingId?: string,
  ) {
    super(code, message, STATUS[code] ?? 400)
  }
}

export function badRequest(message: string): EfsError {
  return new EfsError('BadRequest', message)
}

export const errors = {
  fileSystemNotFound: (id: string) => new EfsError('FileSystemNotFound', `File system '${id}' does not exist.`),
  mountTargetNotFound: (id: string) => new EfsError('MountTargetNotFound', `Mount target '${id}' does not exist.`),
  accessPointNotFound: (id: string) => new EfsError('AccessPointNotFound', `Access point '${id}' does not exist.`),
  wrongFileSystemState: (id: string, state: string) =>
    new EfsError('IncorrectFileSystemLifeCycleState', `File system '${id}' is in the '${state}' state; it must be 'available'.`),
}

// ---- ids, ARNs and derived values ----------------------------------------

const FS_ID = /^fs-[0-9a-f]{8,40}$/
const FSAP_ID = /^fsap-[0-9a-f]{8,40}$/

/** A file system id, or the id inside a file system ARN (EFS takes either). */
function fileSystemIdOf(idOrArn: string | undefined): string {
  if (idOrArn === undefined || idOrArn === '') throw badRequest('FileSystemId is required.')
  const id = idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn
  if (!FS_ID.test(id)) throw badRequest(`Invalid file system ID: ${idOrArn}`)
  return id
}

function accessPointIdOf(idOrArn: string | undefined): string {
  if (idOrArn === undefined || idOrArn === '') throw badRequest('AccessPointId is required.')
  const id = idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn
  if (!FSAP_ID.test(id)) throw badRequest(`Invalid access point ID: ${idOrArn}`)
  return id
}

export function fileSystemArn(id: string, context: OperationContext): string {
  return `arn:aws:elasticfilesystem:${context.region}:${context.account}:file-system/${id}`
}

export function accessPointArn(id: string, context: OperationContext): string {
  return `arn:aws:elasticfilesystem:${context.region}:${context.account}:access-point/${id}`
}

/** The account's AWS managed key for EFS (alias aws/elasticfilesystem): stable per account and region. */
export function defaultKmsKeyArn(context: OperationContext): string {
  const hex = hexOf(`kms:aws/elasticfilesystem:${context.account}:${context.region}`, 32)
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  return `arn:aws:kms:${context.region}:${context.account}:key/${uuid}`
}

const DIRECTIONS: Readonly<Record<string, string>> = {
  north: 'n', south: 's', east: 'e', west: 'w', central: 'c',
  northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
}

/** `eu-west-1a` → `euw1-az1`: AWS's AZ id shape (the real letter-to-id mapping differs per account). */
export function availabilityZoneId(az: string): string {
  const match = /^([a-z]+)-([a-z]+)-(\d+)([a-z])$/.exec(az)
  if (!match) return az
  const [, area, direction, number, letter] = match
  return `${area}${DIRECTIONS[direction] ?? direction[0]}${number}-az${letter.charCodeAt(0) - 96}`
}

// ---- tags -----------------------------------------------------------------

/** EFS tag rules: a key of 1–128 characters, a value of at most 256, `aws:` reserved, 50 per resource. */
const TAG_RULES: TagRules = {
  reserved: reservedPrefixes('aws:'),
  badKey: (key) => badRequest(`Tag key must be between 1 and 128 characters: '${key}'`),
  reservedKey: (key) => badRequest(`Tag keys starting with 'aws:' are reserved: '${key}'`),
  badValue: (key) => badRequest(`Tag value must be at most 256 characters for key '${key}'`),
  tooMany: () => badRequest('A resource can have at most 50 tags.'),
}

export function checkTags(tags: readonly Tag[] | undefined, existing: Tags = {}): Tags {
  return checkTagRules(TAG_RULES, tags, existing)
}

export function toTags(tags: Tags): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
}

// ---- lookups --------------------------------------------------------------

export function findFileSystem(state: EfsState, idOrArn: string | undefined): EfsFileSystemRecord {
  const id = fileSystemIdOf(idOrArn)
  const fs = state.fileSystems.find((candidate) => candidate.id === id)
  if (!fs) throw errors.fileSystemNotFound(id)
  return fs
}

export function findMountTarget(state: EfsState, id: string | undefined): EfsMountTargetRecord {
  if (id === undefined || id === '') throw badRequest('MountTargetId is required.')
  const mt = state.mountTargets.find((candidate) => candidate.id === id)
  if (!mt) throw errors.mountTargetNotFound(id)
  return mt
}

export function findAccessPoint(state: EfsState, idOrArn: string | undefined): EfsAccessPointRecord {
  const id = accessPointIdOf(idOrArn)
  const ap = state.accessPoints.find((candidate) => candidate.id === id)
  if (!ap) throw errors.accessPointNotFound(id)
  return ap
}

export function requireAvailable(fs: EfsFileSystemRecord, now: number): void {
  const state = fileSystemState(fs, now) ?? 'deleted'
  if (state !== 'available') throw errors.wrongFileSystemState(fs.id, state)
}

function badMarker(): SimError {
  return badRequest('The marker or token provided is not valid.')
}

export function pageOf<T>(items: readonly T[], maxItems: number | undefined, marker: string | undefined, defaultSize: number): Page<T> {
  if (maxItems !== undefined && maxItems < 1) throw badRequest(`MaxItems must be at least 1, got ${maxItems}.`)
  return paginate(items, {maxResults: maxItems, nextToken: marker, defaultSize, badToken: badMarker})
}
