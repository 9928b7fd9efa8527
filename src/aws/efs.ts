/** The EFS calls hactl makes: the uploads file system, its mount targets and access point. */
import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  PutFileSystemPolicyCommand,
  paginateDescribeAccessPoints,
  paginateDescribeMountTargets,
  type AccessPointDescription,
  type EFSClient,
  type FileSystemDescription,
  type MountTargetDescription,
} from '@aws-sdk/client-efs'

import type {ApiContext, Tags, WaitControl} from './types'
import {AwsError} from '../core/errors'
import {awsCall, hasAwsCode} from './errors'
import {pollUntil, type PollCheck} from './wait'
import {tagList} from './resource-calls'

export interface EfsApi {
  /** Sets the file system policy (JSON), replacing any (PutFileSystemPolicy). */
  putFileSystemPolicy(fileSystemId: string, policy: string): Promise<void>
  /** The file system policy (JSON), or undefined when there is none (PolicyNotFound). */
  fileSystemPolicy(fileSystemId: string): Promise<string | undefined>
  /** The file system created with this creation token, or undefined. */
  findFileSystem(creationToken: string): Promise<FileSystemDescription | undefined>
  /** Creates it (idempotent by creation token: a re-run gets the same file system back). */
  createFileSystem(input: {creationToken: string; encrypted: true; throughputMode: 'bursting' | 'elastic'; backup: boolean; tags: Tags}): Promise<FileSystemDescription>
  /** Waits until LifeCycleState is available (polled: EFS has no SDK waiter). */
  waitForFileSystemAvailable(fileSystemId: string, wait: WaitControl): Promise<FileSystemDescription>
  describeMountTargets(fileSystemId: string): Promise<MountTargetDescription[]>
  createMountTarget(input: {fileSystemId: string; subnetId: string; securityGroupIds: readonly string[]}): Promise<MountTargetDescription>
  /** Waits until every mount target of the file system is available. */
  waitForMountTargetsAvailable(fileSystemId: string, wait: WaitControl): Promise<MountTargetDescription[]>
  /** Security groups of one mount target. */
  mountTargetSecurityGroups(mountTargetId: string): Promise<string[]>
  describeAccessPoints(fileSystemId: string): Promise<AccessPointDescription[]>
  /** Creates an access point (ClientToken makes a re-run return the same one). */
  createAccessPoint(input: {fileSystemId: string; clientToken: string; path: string; uid: number; gid: number; permissions: string; tags: Tags}): Promise<AccessPointDescription>
  /** ENABLED / DISABLED / ENABLING / DISABLING. */
  backupPolicyStatus(fileSystemId: string): Promise<string | undefined>
  deleteAccessPoint(accessPointId: string): Promise<void>
  deleteMountTarget(mountTargetId: string): Promise<void>
  /** Deletes the file system; its mount targets must be gone first (waits for that itself). */
  deleteFileSystem(fileSystemId: string, wait: WaitControl): Promise<void>
}

/** EFS's own pace for these waits: a file system takes well under a minute, a mount target one or two. */
const POLL = {minDelayMs: 5000, maxDelayMs: 30_000}


/** The id EFS names in FileSystemAlreadyExists / AccessPointAlreadyExists. */
function existingId(error: unknown, field: 'AccessPointId' | 'FileSystemId'): string | undefined {
  const value = (error as Record<string, unknown> | undefined)?.[field]
  return typeof value === 'string' ? value : undefined
}

function mountTargetStates(mountTargets: readonly MountTargetDescription[]): string {
  return mountTargets.map((mt) => `${mt.MountTargetId} ${mt.LifeCycleState ?? '?'}`).join(', ') || 'none'
}

function fileSystemCheck(fs: FileSystemDescription): PollCheck<FileSystemDescription> {
  const state = fs.LifeCycleState
  if (state === 'available') return {state: 'done'}
  if (state === 'error' || state === 'deleting' || state === 'deleted') return {state: 'failed', message: `the file system is ${state}`}
  return {state: 'retry', status: state ?? '?'}
}

/** Mount targets being deleted are not waited for: they will not come back. */
function mountTargetsCheck(mountTargets: MountTargetDescription[]): PollCheck<MountTargetDescription[]> {
  const live = mountTargets.filter((mt) => mt.LifeCycleState !== 'deleting' && mt.LifeCycleState !== 'deleted')
  const failed = live.find((mt) => mt.LifeCycleState === 'error')
  if (failed) return {state: 'failed', message: `mount target ${failed.MountTargetId} is in error`}
  return live.every((mt) => mt.LifeCycleState === 'available') ? {state: 'done'} : {state: 'retry', status: mountTargetStates(live)}
}

export function createEfsApi(client: EFSClient, context: ApiContext): EfsApi {
  const {clock, reporter} = context

  async function describeFileSystem(fileSystemId: string): Promise<FileSystemDescription | undefined> {
    try {
      const out = await client.send(new DescribeFileSystemsCommand({FileSystemId: fileSystemId}))
      return out.FileSystems?.[0]
    } catch (error) {
      if (hasAwsCode(error, 'FileSystemNotFound')) return undefined
      return awsCall('efs:DescribeFileSystems', () => Promise.reject(error))
    }
  }

  /** For waits: a file system that vanished stops the wait with AWS's own FileSystemNotFound. */
  async function requireFileSystem(fileSystemId: string): Promise<FileSystemDescription> {
    const out = await awsCall('efs:DescribeFileSystems', () => client.send(new DescribeFileSystemsCommand({FileSystemId: fileSystemId})))
    const fs = out.FileSystems?.[0]
    if (!fs) throw new AwsError('FileSystemNotFound', `efs:DescribeFileSystems: file system ${fileSystemId} was not returned`, {operation: 'efs:DescribeFileSystems'})
    return fs
  }

  /** All mount targets of the file system; none when the file system is gone. */
  async function listMountTargets(fileSystemId: string): Promise<MountTargetDescription[]> {
    try {
      const found: MountTargetDescription[] = []
      for await (const page of paginateDescribeMountTargets({client}, {FileSystemId: fileSystemId})) found.push(...(page.MountTargets ?? []))
      return found
    } catch (error) {
      if (hasAwsCode(error, 'FileSystemNotFound')) return []
      return awsCall('efs:DescribeMountTargets', () => Promise.reject(error))
    }
  }

  async function describeAccessPoint(accessPointId: string): Promise<AccessPointDescription> {
    const out = await awsCall('efs:DescribeAccessPoints', () => client.send(new DescribeAccessPointsCommand({AccessPointId: accessPointId})))
    const found = out.AccessPoints?.[0]
    if (!found) throw new AwsError('AccessPointNotFound', `efs:DescribeAccessPoints: access point ${accessPointId} was not returned`, {operation: 'efs:DescribeAccessPoints'})
    return found
  }

  async function deleteMountTarget(mountTargetId: string): Promise<void> {
    try {
      await client.send(new DeleteMountTargetCommand({MountTargetId: mountTargetId}))
    } catch (error) {
      if (hasAwsCode(error, 'MountTargetNotFound')) return
      await awsCall('efs:DeleteMountTarget', () => Promise.reject(error))
    }
  }

  async function waitForNoMountTargets(fileSystemId: string, wait: WaitControl): Promise<void> {
    await pollUntil({
      ...POLL,
      check: (mountTargets: MountTargetDescription[]) =>
        mountTargets.length === 0 ? {state: 'done'} : {state: 'retry', status: mountTargetStates(mountTargets)},
      clock,
      poll: () => listMountTargets(fileSystemId),
      reporter,
      signal: wait.signal,
      timeoutMs: wait.timeoutMs,
      what: `the mount targets of ${fileSystemId} to be deleted`,
    })
  }

  return {
    async backupPolicyStatus(fileSystemId) {
      try {
        const out = await client.send(new DescribeBackupPolicyCommand({FileSystemId: fileSystemId}))
        return out.BackupPolicy?.Status
      } catch (error) {
        if (hasAwsCode(error, 'PolicyNotFound')) return undefined
        return awsCall('efs:DescribeBackupPolicy', () => Promise.reject(error))
      }
    },

    async createAccessPoint(input) {
      try {
        return await client.send(
          new CreateAccessPointCommand({
            ClientToken: input.clientToken,
            FileSystemId: input.fileSystemId,
            PosixUser: {Gid: input.gid, Uid: input.uid},
            RootDirectory: {CreationInfo: {OwnerGid: input.gid, OwnerUid: input.uid, Permissions: input.permissions}, Path: input.path},
            Tags: tagList(input.tags),
          }),
        )
      } catch (error) {
        // A re-run with the same token: EFS names the access point it made the first time.
        const id = hasAwsCode(error, 'AccessPointAlreadyExists') ? existingId(error, 'AccessPointId') : undefined
        if (id !== undefined) return describeAccessPoint(id)
        return awsCall('efs:CreateAccessPoint', () => Promise.reject(error))
      }
    },

    async createFileSystem(input) {
      try {
        return await client.send(
          new CreateFileSystemCommand({
            Backup: input.backup,
            CreationToken: input.creationToken,
            Encrypted: input.encrypted,
            PerformanceMode: 'generalPurpose',
            Tags: tagList(input.tags),
            ThroughputMode: input.throughputMode,
          }),
        )
      } catch (error) {
        // A re-run with the same token: EFS names the file system it made the first time.
        const id = hasAwsCode(error, 'FileSystemAlreadyExists') ? existingId(error, 'FileSystemId') : undefined
        const existing = id === undefined ? undefined : await describeFileSystem(id)
        if (existing) return existing
        return awsCall('efs:CreateFileSystem', () => Promise.reject(error))
      }
    },

    async createMountTarget(input) {
      return awsCall('efs:CreateMountTarget', () =>
        client.send(
          new CreateMountTargetCommand({
            FileSystemId: input.fileSystemId,
            SecurityGroups: [...input.securityGroupIds],
            SubnetId: input.subnetId,
          }),
        ),
      )
    },

    async deleteAccessPoint(accessPointId) {
      try {
        await client.send(new DeleteAccessPointCommand({AccessPointId: accessPointId}))
      } catch (error) {
        if (hasAwsCode(error, 'AccessPointNotFound')) return
        await awsCall('efs:DeleteAccessPoint', () => Promise.reject(error))
      }
    },

    async deleteFileSystem(fileSystemId, wait) {
      const mountTargets = await listMountTargets(fileSystemId)
      for (const mt of mountTargets) {
        if (mt.LifeCycleState !== 'deleting' && mt.MountTargetId) await deleteMountTarget(mt.MountTargetId)
      }

      if (mountTargets.length > 0) await waitForNoMountTargets(fileSystemId, wait)
      try {
        await client.send(new DeleteFileSystemCommand({FileSystemId: fileSystemId}))
      } catch (error) {
        if (hasAwsCode(error, 'FileSystemNotFound')) return
        await awsCall('efs:DeleteFileSystem', () => Promise.reject(error))
      }
    },

    deleteMountTarget,

    async describeAccessPoints(fileSystemId) {
      return awsCall('efs:DescribeAccessPoints', async () => {
        const found: AccessPointDescription[] = []
        for await (const page of paginateDescribeAccessPoints({client}, {FileSystemId: fileSystemId})) found.push(...(page.AccessPoints ?? []))
        return found
      })
    },

    describeMountTargets: listMountTargets,

    async fileSystemPolicy(fileSystemId) {
      try {
        const out = await client.send(new DescribeFileSystemPolicyCommand({FileSystemId: fileSystemId}))
        return out.Policy
      } catch (error) {
        if (hasAwsCode(error, 'PolicyNotFound')) return undefined
        return awsCall('efs:DescribeFileSystemPolicy', () => Promise.reject(error))
      }
    },

    async findFileSystem(creationToken) {
      const out = await awsCall('efs:DescribeFileSystems', () => client.send(new DescribeFileSystemsCommand({CreationToken: creationToken})))
      return out.FileSystems?.[0]
    },

    async mountTargetSecurityGroups(mountTargetId) {
      const out = await awsCall('efs:DescribeMountTargetSecurityGroups', () =>
        client.send(new DescribeMountTargetSecurityGroupsCommand({MountTargetId: mountTargetId})),
      )
      return out.SecurityGroups ?? []
    },

    async putFileSystemPolicy(fileSystemId, policy) {
      // No BypassPolicyLockoutSafetyCheck: AWS's check that hactl cannot lock itself out stays on.
      await awsCall('efs:PutFileSystemPolicy', () => client.send(new PutFileSystemPolicyCommand({FileSystemId: fileSystemId, Policy: policy})))
    },

    async waitForFileSystemAvailable(fileSystemId, wait) {
      return pollUntil({
        ...POLL,
        check: fileSystemCheck,
        clock,
        poll: () => requireFileSystem(fileSystemId),
        reporter,
        signal: wait.signal,
        timeoutMs: wait.timeoutMs,
        what: `file system ${fileSystemId} to be available`,
      })
    },

    async waitForMountTargetsAvailable(fileSystemId, wait) {
      return pollUntil({
        ...POLL,
        check: mountTargetsCheck,
        clock,
        poll: () => listMountTargets(fileSystemId),
        reporter,
        signal: wait.signal,
        timeoutMs: wait.timeoutMs,
        what: `the mount targets of ${fileSystemId} to be available`,
      })
    },
  }
}
