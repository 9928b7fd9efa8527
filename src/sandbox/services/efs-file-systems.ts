import {
  type CreateFileSystemCommandInput,
  type CreateFileSystemCommandOutput,
  type DeleteFileSystemCommandInput,
  type DeleteFileSystemCommandOutput,
  type DeleteFileSystemPolicyCommandInput,
  type DeleteFileSystemPolicyCommandOutput,
  type DescribeBackupPolicyCommandInput,
  type DescribeBackupPolicyCommandOutput,
  type DescribeFileSystemPolicyCommandInput,
  type DescribeFileSystemPolicyCommandOutput,
  type DescribeFileSystemsCommandInput,
  type DescribeFileSystemsCommandOutput,
  type FileSystemDescription,
  type PutBackupPolicyCommandInput,
  type PutBackupPolicyCommandOutput,
  type PutFileSystemPolicyCommandInput,
  type PutFileSystemPolicyCommandOutput,
  type Status,
  type ThroughputMode,
} from '@aws-sdk/client-efs'

import {type Handler, type OperationContext, type Result} from '../types'
import {ec2Slice} from './ec2-model'
import {EfsError, type EfsFileSystemRecord, type EfsView, availabilityZoneId, badRequest, checkTags, defaultKmsKeyArn, fileSystemArn, fileSystemState, findFileSystem, pageOf, requireAvailable, toTags} from './efs-model'

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

export const createFileSystem: Handler<EfsView, CreateFileSystemCommandInput, Result<CreateFileSystemCommandOutput>> = (view, input, context) => {
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

export const describeFileSystems: Handler<EfsView, DescribeFileSystemsCommandInput, Result<DescribeFileSystemsCommandOutput>> = (view, input, context) => {
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

export const deleteFileSystem: Handler<EfsView, DeleteFileSystemCommandInput, Result<DeleteFileSystemCommandOutput>> = (view, input, context) => {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  if (fs.deletedAt !== undefined) return {}
  if (view.efs.mountTargets.some((mt) => mt.fileSystemId === fs.id)) {
    throw new EfsError('FileSystemInUse', `File system '${fs.id}' has mount targets; delete them before deleting the file system.`)
  }

  fs.deletedAt = context.now
  return {}
}

// ---- backup policy ----------------------------------------------------------

export const describeBackupPolicy: Handler<EfsView, DescribeBackupPolicyCommandInput, Result<DescribeBackupPolicyCommandOutput>> = (view, input) => {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  if (fs.backupPolicy === undefined) throw new EfsError('PolicyNotFound', `No backup policy is set for file system '${fs.id}'.`)
  return {BackupPolicy: {Status: fs.backupPolicy}}
}

export const putBackupPolicy: Handler<EfsView, PutBackupPolicyCommandInput, Result<PutBackupPolicyCommandOutput>> = (view, input, context) => {
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
export const putFileSystemPolicy: Handler<EfsView, PutFileSystemPolicyCommandInput, Result<PutFileSystemPolicyCommandOutput>> = (view, input, context) => {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  requireAvailable(fs, context.now)
  fs.policy = checkPolicy(input.Policy)
  return {FileSystemId: fs.id, Policy: fs.policy}
}

export const describeFileSystemPolicy: Handler<EfsView, DescribeFileSystemPolicyCommandInput, Result<DescribeFileSystemPolicyCommandOutput>> = (view, input) => {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  if (fs.policy === undefined) throw policyNotFound(fs.id)
  return {FileSystemId: fs.id, Policy: fs.policy}
}

/** Deleting when there is no policy succeeds, as on AWS (the default policy is what remains). */
export const deleteFileSystemPolicy: Handler<EfsView, DeleteFileSystemPolicyCommandInput, Result<DeleteFileSystemPolicyCommandOutput>> = (view, input, context) => {
  const fs = findFileSystem(view.efs, input.FileSystemId)
  requireAvailable(fs, context.now)
  fs.policy = undefined
  return {}
}
