import {
  AccessPointAlreadyExists,
  AccessPointNotFound,
  AvailabilityZonesMismatch,
  BadRequest,
  EFSServiceException,
  FileSystemAlreadyExists,
  FileSystemInUse,
  FileSystemNotFound,
  IncorrectFileSystemLifeCycleState,
  IncorrectMountTargetState,
  InternalServerError,
  InvalidPolicyException,
  IpAddressInUse,
  MountTargetConflict,
  MountTargetNotFound,
  PolicyNotFound,
  SecurityGroupLimitExceeded,
  SecurityGroupNotFound,
  SubnetNotFound,
  ThrottlingException,
  UnsupportedAvailabilityZone,
  ValidationException,
  type AccessPointDescription,
  type CreateAccessPointCommandInput,
  type CreateAccessPointCommandOutput,
  type CreateFileSystemCommandInput,
  type CreateFileSystemCommandOutput,
  type CreateMountTargetCommandInput,
  type CreateMountTargetCommandOutput,
  type DeleteAccessPointCommandInput,
  type DeleteAccessPointCommandOutput,
  type DeleteFileSystemCommandInput,
  type DeleteFileSystemCommandOutput,
  type DeleteFileSystemPolicyCommandInput,
  type DeleteFileSystemPolicyCommandOutput,
  type DeleteMountTargetCommandInput,
  type DeleteMountTargetCommandOutput,
  type DescribeAccessPointsCommandInput,
  type DescribeAccessPointsCommandOutput,
  type DescribeBackupPolicyCommandInput,
  type DescribeBackupPolicyCommandOutput,
  type DescribeFileSystemPolicyCommandInput,
  type DescribeFileSystemPolicyCommandOutput,
  type DescribeFileSystemsCommandInput,
  type DescribeFileSystemsCommandOutput,
  type DescribeMountTargetSecurityGroupsCommandInput,
  type DescribeMountTargetSecurityGroupsCommandOutput,
  type DescribeMountTargetsCommandInput,
  type DescribeMountTargetsCommandOutput,
  type FileSystemDescription,
  type LifeCycleState,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type ModifyMountTargetSecurityGroupsCommandInput,
  type ModifyMountTargetSecurityGroupsCommandOutput,
  type MountTargetDescription,
  type PerformanceMode,
  type PutBackupPolicyCommandInput,
  type PutBackupPolicyCommandOutput,
  type PutFileSystemPolicyCommandInput,
  type PutFileSystemPolicyCommandOutput,
  type Status,
  type Tag,
  type TagResourceCommandInput,
  type TagResourceCommandOutput,
  type ThroughputMode,
  type UntagResourceCommandInput,
  type UntagResourceCommandOutput,
} from '@aws-sdk/client-efs'

import {DURATIONS} from '../durations'
import {SandboxUnsupportedError, SimError, modeledExceptions} from '../errors'
import {hexOf} from '../ids'
import {paginate, type Page} from '../paging'
import {defineService, type OperationContext, type RegionState, type Result} from '../types'
import {checkTags as checkTagRules, reservedPrefixes, type TagRules} from '../tags'
import {ec2Slice, privateIpIn, type Ec2State, type SubnetRecord, type Tags} from './ec2-model'

const SPEC_FILE = 'src/sandbox/services/efs.md'

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
interface EfsView {
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

function slice(region: RegionState, context: OperationContext): EfsView {
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
class EfsError extends SimError {
  public constructor(
    code: string,
    message: string,
    public readonly existingId?: string,
  ) {
    super(code, message, STATUS[code] ?? 400)
  }
}

function badRequest(message: string): EfsError {
  return new EfsError('BadRequest', message)
}

const errors = {
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

function fileSystemArn(id: string, context: OperationContext): string {
  return `arn:aws:elasticfilesystem:${context.region}:${context.account}:file-system/${id}`
}

function accessPointArn(id: string, context: OperationContext): string {
  return `arn:aws:elasticfilesystem:${context.region}:${context.account}:access-point/${id}`
}

/** The account's AWS managed key for EFS (alias aws/elasticfilesystem): stable per account and region. */
function defaultKmsKeyArn(context: OperationContext): string {
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

function checkTags(tags: readonly Tag[] | undefined, existing: Tags = {}): Tags {
  return checkTagRules(TAG_RULES, tags, existing)
}

function toTags(tags: Tags): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
}

// ---- lookups --------------------------------------------------------------

function findFileSystem(state: EfsState, idOrArn: string | undefined): EfsFileSystemRecord {
  const id = fileSystemIdOf(idOrArn)
  const fs = state.fileSystems.find((candidate) => candidate.id === id)
  if (!fs) throw errors.fileSystemNotFound(id)
  return fs
}

function findMountTarget(state: EfsState, id: string | undefined): EfsMountTargetRecord {
  if (id === undefined || id === '') throw badRequest('MountTargetId is required.')
  const mt = state.mountTargets.find((candidate) => candidate.id === id)
  if (!mt) throw errors.mountTargetNotFound(id)
  return mt
}

function findAccessPoint(state: EfsState, idOrArn: string | undefined): EfsAccessPointRecord {
  const id = accessPointIdOf(idOrArn)
  const ap = state.accessPoints.find((candidate) => candidate.id === id)
  if (!ap) throw errors.accessPointNotFound(id)
  return ap
}

function requireAvailable(fs: EfsFileSystemRecord, now: number): void {
  const state = fileSystemState(fs, now) ?? 'deleted'
  if (state !== 'available') throw errors.wrongFileSystemState(fs.id, state)
}

function badMarker(): SimError {
  return badRequest('The marker or token provided is not valid.')
}

function pageOf<T>(items: readonly T[], maxItems: number | undefined, marker: string | undefined, defaultSize: number): Page<T> {
  if (maxItems !== undefined && maxItems < 1) throw badRequest(`MaxItems must be at least 1, got ${maxItems}.`)
  return paginate(items, {maxResults: maxItems, nextToken: marker, defaultSize, badToken: badMarker})
}

// ---- file systems -----------------------------------------------------------

function toFileSystem(view: EfsView, fs: EfsFileSystemRecord, context: OperationContext): FileSystemDescription {
  const mountTargets = view.efs.mountTargets.filter((mt) => mt.fileSystemId === fs.id).length
  return {
    OwnerId: context.account,
    CreationToken: fs.creationToken,
    FileSystemId: fs.id,
    FileSystemArn: fileSystemArn(fs.id, context),
    CreationTime: new Date(fs.createdAt),
    LifeCycleState: fileSystemState(fs, context.now),
    Name: fs.tags.Name,
    NumberOfMountTargets: mountTargets,
    // An empty file system's metadata: 6 KiB, all in Standard.
    SizeInBytes: {Value: 6144, Timestamp: new Date(context.now), ValueInStandard: 6144, ValueInIA: 0, ValueInArchive: 0},
    PerformanceMode: fs.performanceMode,
    Encrypted: fs.encrypted,
    KmsKeyId: fs.kmsKeyId,
    ThroughputMode: fs.throughputMode,
    ProvisionedThroughputInMibps: fs.provisionedThroughputInMibps,
    AvailabilityZoneName: fs.availabilityZoneName,
    AvailabilityZoneId: fs.availabilityZoneName === undefined ? undefined : availabilityZoneId(fs.availabilityZoneName),
    Tags: toTags(fs.tags),
    FileSystemProtection: {ReplicationOverwriteProtection: 'ENABLED'},
  }
}

function checkThroughput(input: CreateFileSystemCommandInput): {mode: ThroughputMode; provisioned: number | undefined} {
  const mode = input.ThroughputMode ?? 'bursting'
  if (!['bursting', 'elastic', 'provisioned'].includes(mode)) throw badRequest(`Invalid ThroughputMode: ${mode}`)
  if (mode === 'provisioned' && input.ProvisionedThroughputInMibps === undefined) {
    throw badRequest('ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.')
  }

  if (mode !== 'provisioned' && input.ProvisionedThroughputInMibps !== undefined) {
    throw badRequest('ProvisionedThroughputInMibps can only be set when ThroughputMode is provisioned.')
  }

  if (mode === 'elastic' && input.PerformanceMode === 'maxIO') {
    throw badRequest('Elastic throughput is supported only with the General Purpose performance mode.')
  }

  return {mode, provisioned: input.ProvisionedThroughputInMibps}
}

/** Backup: true → ENABLED. Unset: off for Regional file systems, on for One Zone ones (AWS's defaults). */
function initialBackupPolicy(backup: boolean | undefined, oneZone: boolean): Status | undefined {
  if (backup ?? oneZone) return 'ENABLED'
  return oneZone ? undefined : 'DISABLED'
}

function createFileSystem(view: EfsView, input: CreateFileSystemCommandInput, context: OperationContext): Result<CreateFileSystemCommandOutput> {
  // The SDK fills an absent CreationToken (an idempotency token) only on the wire, after this point.
  const token = input.CreationToken ?? context.nextId('token', 32)
  if (token.length < 1 || token.length > 64) throw badRequest('CreationToken must be between 1 and 64 characters.')
  const existing = view.efs.fileSystems.find((fs) => fs.creationToken === token)
  if (existing) {
    throw new EfsError('FileSystemAlreadyExists', `File system '${existing.id}' already exists with creation token '${token}'`, existing.id)
  }

  const performanceMode = input.PerformanceMode ?? 'generalPurpose'
  if (!['generalPurpose', 'maxIO'].includes(performanceMode)) throw badRequest(`Invalid PerformanceMode: ${performanceMode}`)
  const throughput = checkThroughput(input)
  if (input.KmsKeyId !== undefined && !input.Encrypted) throw badRequest('KmsKeyId can only be given for an encrypted file system.')
  const az = input.AvailabilityZoneName
  if (az !== undefined && !ec2Slice(view.region, context).subnets.some((subnet) => subnet.az === az)) {
    throw new EfsError('UnsupportedAvailabilityZone', `Availability Zone '${az}' is not supported.`)
  }

  const fs: EfsFileSystemRecord = {
    id: context.nextId('fs'),
    creationToken: token,
    createdAt: context.now,
    performanceMode,
    throughputMode: throughput.mode,
    provisionedThroughputInMibps: throughput.provisioned,
    encrypted: input.Encrypted ?? false,
    kmsKeyId: input.Encrypted ? (input.KmsKeyId ?? defaultKmsKeyArn(context)) : undefined,
    availabilityZoneName: az,
    backupPolicy: initialBackupPolicy(input.Backup, az !== undefined),
    policy: undefined,
    deletedAt: undefined,
    tags: checkTags(input.Tags),
  }
  view.efs.fileSystems.push(fs)
  return toFileSystem(view, fs, context)
}

function describeFileSystems(
  view: EfsView,
  input: DescribeFileSystemsCommandInput,
  context: OperationContext,
): Result<DescribeFileSystemsCommandOutput> {
  if (input.FileSystemId !== undefined && input.CreationToken !== undefined) {
    throw badRequest('Specify either FileSystemId or CreationToken, not both.')
  }

  const chosen =
    input.FileSystemId !== undefined
      ? [findFileSystem(view.efs, input.FileSystemId)]
      : view.efs.fileSystems.filter((fs) => input.CreationToken === undefined || fs.creationToken === input.CreationToken)
  const page = pageOf(chosen, input.MaxItems, input.Marker, 100)
  return {FileSystems: page.items.map((fs) => toFileSystem(view, fs, context)), Marker: input.Marker, NextMarker: page.nextToken}
}

function deleteFileSystem(view: EfsView, input: DeleteFileSystemCommandInput, context: OperationContext): Result<DeleteFileSystemCommandOutput> {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  if (fs.deletedAt !== undefined) return {}
  if (view.efs.mountTargets.some((mt) => mt.fileSystemId === fs.id)) {
    throw new EfsError('FileSystemInUse', `File system '${fs.id}' has mount targets; delete them before deleting the file system.`)
  }

  fs.deletedAt = context.now
  return {}
}

// ---- mount targets ----------------------------------------------------------

function toMountTarget(mt: EfsMountTargetRecord, context: OperationContext): MountTargetDescription {
  return {
    OwnerId: context.account,
    MountTargetId: mt.id,
    FileSystemId: mt.fileSystemId,
    SubnetId: mt.subnetId,
    LifeCycleState: mountTargetState(mt, context.now),
    IpAddress: mt.ipAddress,
    NetworkInterfaceId: mt.networkInterfaceId,
    AvailabilityZoneId: availabilityZoneId(mt.az),
    AvailabilityZoneName: mt.az,
    VpcId: mt.vpcId,
  }
}

/** The groups for a mount target: given (at most 5, all in the subnet's VPC) or the VPC's default group. */
function checkSecurityGroups(ec2: Ec2State, vpcId: string, groups: readonly string[] | undefined): string[] {
  if (groups === undefined || groups.length === 0) {
    const fallback = ec2.securityGroups.find((group) => group.vpcId === vpcId && group.name === 'default')
    return fallback ? [fallback.id] : []
  }

  if (groups.length > 5) throw new EfsError('SecurityGroupLimitExceeded', 'A mount target can have at most 5 security groups.')
  const missing = groups.filter((id) => !ec2.securityGroups.some((group) => group.id === id && group.vpcId === vpcId))
  if (missing.length > 0) {
    throw new EfsError('SecurityGroupNotFound', `Security group(s) ${missing.join(', ')} do not exist in VPC '${vpcId}'.`)
  }

  return [...new Set(groups)]
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((total, octet) => total * 256 + Number(octet), 0)
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/')
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return false
  const size = 2 ** (32 - Number(bits))
  const start = ipToNumber(base)
  return ipToNumber(ip) >= start && ipToNumber(ip) < start + size
}

function findSubnet(ec2: Ec2State, subnetId: string | undefined): SubnetRecord {
  if (subnetId === undefined || subnetId === '') throw badRequest('SubnetId is required.')
  const subnet = ec2.subnets.find((candidate) => candidate.id === subnetId)
  if (!subnet) throw new EfsError('SubnetNotFound', `The subnet ID '${subnetId}' does not exist`)
  return subnet
}

/** One mount target per AZ, all in one VPC, in the file system's AZ for One Zone. */
function checkPlacement(view: EfsView, fs: EfsFileSystemRecord, subnet: SubnetRecord): void {
  if (fs.availabilityZoneName !== undefined && subnet.az !== fs.availabilityZoneName) {
    throw new EfsError(
      'AvailabilityZonesMismatch',
      `The subnet is in ${subnet.az}, but One Zone file system '${fs.id}' is in ${fs.availabilityZoneName}.`,
    )
  }

  const siblings = view.efs.mountTargets.filter((mt) => mt.fileSystemId === fs.id)
  if (siblings.some((mt) => mt.az === subnet.az)) throw new EfsError('MountTargetConflict', 'mount target already exists in this AZ')
  if (siblings.some((mt) => mt.vpcId !== subnet.vpcId)) {
    throw new EfsError('MountTargetConflict', `All mount targets of file system '${fs.id}' must be in one VPC.`)
  }
}

function chooseIp(view: EfsView, subnet: SubnetRecord, requested: string | undefined, mountTargetId: string): string {
  if (requested === undefined) return privateIpIn(subnet, mountTargetId)
  if (!inCidr(requested, subnet.cidr)) throw badRequest(`IP address ${requested} is not in subnet ${subnet.id} (${subnet.cidr}).`)
  if (view.efs.mountTargets.some((mt) => mt.subnetId === subnet.id && mt.ipAddress === requested)) {
    throw new EfsError('IpAddressInUse', `IP address ${requested} is already in use in subnet ${subnet.id}.`)
  }

  return requested
}

function createMountTarget(view: EfsView, input: CreateMountTargetCommandInput, context: OperationContext): Result<CreateMountTargetCommandOutput> {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  requireAvailable(fs, context.now)
  if (input.IpAddressType !== undefined && input.IpAddressType !== 'IPV4_ONLY') {
    throw new SandboxUnsupportedError('efs', `CreateMountTarget with IpAddressType ${input.IpAddressType}`, SPEC_FILE)
  }

  const ec2 = ec2Slice(view.region, context)
  const subnet = findSubnet(ec2, input.SubnetId)
  checkPlacement(view, fs, subnet)
  const securityGroups = checkSecurityGroups(ec2, subnet.vpcId, input.SecurityGroups)
  const id = context.nextId('fsmt')
  const mt: EfsMountTargetRecord = {
    id,
    fileSystemId: fs.id,
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    az: subnet.az,
    ipAddress: chooseIp(view, subnet, input.IpAddress, id),
    networkInterfaceId: context.nextId('eni'),
    createdAt: context.now,
    securityGroups,
    deletedAt: undefined,
  }
  view.efs.mountTargets.push(mt)
  return toMountTarget(mt, context)
}

function describeMountTargets(
  view: EfsView,
  input: DescribeMountTargetsCommandInput,
  context: OperationContext,
): Result<DescribeMountTargetsCommandOutput> {
  const given = [input.FileSystemId, input.MountTargetId, input.AccessPointId].filter((value) => value !== undefined)
  if (given.length !== 1) throw badRequest('Specify exactly one of FileSystemId, MountTargetId or AccessPointId.')
  let chosen: EfsMountTargetRecord[]
  if (input.MountTargetId !== undefined) {
    chosen = [findMountTarget(view.efs, input.MountTargetId)]
  } else {
    const fileSystemId =
      input.AccessPointId === undefined ? findFileSystem(view.efs, input.FileSystemId).id : findAccessPoint(view.efs, input.AccessPointId).fileSystemId
    chosen = view.efs.mountTargets.filter((mt) => mt.fileSystemId === fileSystemId)
  }

  const page = pageOf(chosen, input.MaxItems, input.Marker, 10)
  return {MountTargets: page.items.map((mt) => toMountTarget(mt, context)), Marker: input.Marker, NextMarker: page.nextToken}
}

function describeMountTargetSecurityGroups(
  view: EfsView,
  input: DescribeMountTargetSecurityGroupsCommandInput,
  context: OperationContext,
): Result<DescribeMountTargetSecurityGroupsCommandOutput> {
  const mt = findMountTarget(view.efs, input.MountTargetId)
  if (mountTargetState(mt, context.now) === 'deleting') {
    throw new EfsError('IncorrectMountTargetState', `Mount target '${mt.id}' is in the 'deleting' state.`)
  }

  return {SecurityGroups: [...mt.securityGroups]}
}

function modifyMountTargetSecurityGroups(
  view: EfsView,
  input: ModifyMountTargetSecurityGroupsCommandInput,
  context: OperationContext,
): Result<ModifyMountTargetSecurityGroupsCommandOutput> {
  const mt = findMountTarget(view.efs, input.MountTargetId)
  const state = mountTargetState(mt, context.now)
  if (state !== 'available') {
    throw new EfsError('IncorrectMountTargetState', `Mount target '${mt.id}' is in the '${state}' state; it must be 'available'.`)
  }

  mt.securityGroups = checkSecurityGroups(ec2Slice(view.region, context), mt.vpcId, input.SecurityGroups)
  return {}
}

function deleteMountTarget(view: EfsView, input: DeleteMountTargetCommandInput, context: OperationContext): Result<DeleteMountTargetCommandOutput> {
  const mt = findMountTarget(view.efs, input.MountTargetId)
  mt.deletedAt ??= context.now
  return {}
}

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

function createAccessPoint(view: EfsView, input: CreateAccessPointCommandInput, context: OperationContext): Result<CreateAccessPointCommandOutput> {
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

function describeAccessPoints(
  view: EfsView,
  input: DescribeAccessPointsCommandInput,
  context: OperationContext,
): Result<DescribeAccessPointsCommandOutput> {
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

function deleteAccessPoint(view: EfsView, input: DeleteAccessPointCommandInput): Result<DeleteAccessPointCommandOutput> {
  const ap = findAccessPoint(view.efs, input.AccessPointId)
  view.efs.accessPoints = view.efs.accessPoints.filter((candidate) => candidate !== ap)
  return {}
}

// ---- backup policy ----------------------------------------------------------

function describeBackupPolicy(view: EfsView, input: DescribeBackupPolicyCommandInput): Result<DescribeBackupPolicyCommandOutput> {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  if (fs.backupPolicy === undefined) throw new EfsError('PolicyNotFound', `No backup policy is set for file system '${fs.id}'.`)
  return {BackupPolicy: {Status: fs.backupPolicy}}
}

function putBackupPolicy(view: EfsView, input: PutBackupPolicyCommandInput, context: OperationContext): Result<PutBackupPolicyCommandOutput> {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  requireAvailable(fs, context.now)
  const status = input.BackupPolicy?.Status
  if (status !== 'ENABLED' && status !== 'DISABLED') throw badRequest(`BackupPolicy Status must be ENABLED or DISABLED, got ${status ?? 'nothing'}.`)
  // AWS passes through ENABLING/DISABLING for a moment; the sandbox settles at once.
  fs.backupPolicy = status
  return {BackupPolicy: {Status: status}}
}

// ---- file system policy -----------------------------------------------------

/** EFS's limit on a file system policy. */
const POLICY_MAX_CHARS = 20_000

function invalidPolicy(reason: string): EfsError {
  return new EfsError('InvalidPolicyException', `Policy is malformed: ${reason}`)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One statement of a resource policy: an object with Effect Allow/Deny, a Principal and an Action (or NotAction). */
function checkStatement(statement: unknown, index: number): void {
  if (!isRecord(statement)) throw invalidPolicy(`Statement ${index} is not an object.`)
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw invalidPolicy(`Statement ${index} has no valid Effect (Allow or Deny).`)
  if (statement.Principal === undefined && statement.NotPrincipal === undefined) throw invalidPolicy(`Statement ${index} has no Principal.`)
  if (statement.Action === undefined && statement.NotAction === undefined) throw invalidPolicy(`Statement ${index} has no Action.`)
}

/**
 * The grammar checks AWS makes before storing a policy: JSON, an object, a
 * non-empty Statement array of well-formed statements. (IAM's deeper checks,
 * e.g. of action names and condition keys, are not simulated.)
 */
function checkPolicy(policy: string | undefined): string {
  if (policy === undefined || policy === '') throw badRequest('Policy is required.')
  if (policy.length > POLICY_MAX_CHARS) throw invalidPolicy(`the policy is ${policy.length} characters; the limit is ${POLICY_MAX_CHARS}.`)
  let document: unknown
  try {
    document = JSON.parse(policy)
  } catch {
    throw invalidPolicy('the policy is not valid JSON.')
  }

  if (!isRecord(document)) throw invalidPolicy('the policy is not a JSON object.')
  const statements = document.Statement
  if (!Array.isArray(statements) || statements.length === 0) throw invalidPolicy('the policy has no Statement array.')
  for (const [index, statement] of statements.entries()) checkStatement(statement, index)
  return policy
}

function policyNotFound(fileSystemId: string): EfsError {
  return new EfsError('PolicyNotFound', `No file system policy is set for file system '${fileSystemId}'.`)
}

/** BypassPolicyLockoutSafetyCheck is accepted; the lockout check it bypasses is not simulated (see efs.md). */
function putFileSystemPolicy(view: EfsView, input: PutFileSystemPolicyCommandInput, context: OperationContext): Result<PutFileSystemPolicyCommandOutput> {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  requireAvailable(fs, context.now)
  fs.policy = checkPolicy(input.Policy)
  return {FileSystemId: fs.id, Policy: fs.policy}
}

function describeFileSystemPolicy(view: EfsView, input: DescribeFileSystemPolicyCommandInput): Result<DescribeFileSystemPolicyCommandOutput> {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  if (fs.policy === undefined) throw policyNotFound(fs.id)
  return {FileSystemId: fs.id, Policy: fs.policy}
}

/** Deleting when there is no policy succeeds, as on AWS (the default policy is what remains). */
function deleteFileSystemPolicy(view: EfsView, input: DeleteFileSystemPolicyCommandInput, context: OperationContext): Result<DeleteFileSystemPolicyCommandOutput> {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  requireAvailable(fs, context.now)
  fs.policy = undefined
  return {}
}

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
const toException = modeledExceptions(
  {
    AccessPointAlreadyExists,
    AccessPointNotFound,
    AvailabilityZonesMismatch,
    BadRequest,
    FileSystemAlreadyExists,
    FileSystemInUse,
    FileSystemNotFound,
    IncorrectFileSystemLifeCycleState,
    IncorrectMountTargetState,
    InternalServerError,
    InvalidPolicyException,
    IpAddressInUse,
    MountTargetConflict,
    MountTargetNotFound,
    PolicyNotFound,
    SecurityGroupLimitExceeded,
    SecurityGroupNotFound,
    SubnetNotFound,
    ThrottlingException,
    UnsupportedAvailabilityZone,
    ValidationException,
  },
  EFSServiceException,
  'json',
  // The "already exists" errors name the existing resource.
  {fields: (error) => (error instanceof EfsError ? {AccessPointId: error.existingId, FileSystemId: error.existingId} : {})},
)

export const efs = defineService<EfsView>({
  name: 'efs',
  specFile: SPEC_FILE,
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
