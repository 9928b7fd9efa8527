/**
 * `hactl env destroy`: takes the environment down and keeps the data
 * (invariant 7) unless told otherwise:
 *
 *   default        environment, cache, DB (after a final snapshot) go;
 *                  EFS, secrets, the security groups EFS needs and IAM stay.
 *   --delete-data  everything hactl made for the site goes, no snapshot.
 *
 * Steps run in parallel where AWS allows; every step tolerates "already
 * gone", so a re-run after a failure or timeout finishes the job.
 */
import type {AwsClients} from '../aws/clients'
import {Deadline} from '../core/deadline'
import {HactlError} from '../core/errors'
import {hasAwsCode} from '../aws/errors'
import {pollUntil} from '../aws/wait'
import {watchEnvironment} from '../aws/eb-watch'
import type {HactlConfig} from '../config/schema'
import type {Reporter} from '../core/progress'
import {siteNames, SECURITY_GROUP_ROLES, type SecurityGroupRole} from '../site/names'
import {isAurora, INSTANCE_POLICY_NAME} from './spec'
import {defineStep, runSteps} from '../core/steps'

export interface DestroyEnvironmentOptions {
  readonly config: HactlConfig
  /** AWS clients; their clock is the run's clock. */
  readonly clients: AwsClients
  readonly reporter: Reporter
  /** Delete EFS, secrets and the database without a final snapshot. */
  readonly deleteData: boolean
  /** Ctrl-C, or the site lock lost (HactlCommand.withSiteLock): stops every step. */
  readonly signal?: AbortSignal
  /** When the run gives up waiting. @default `timeoutMs` from now */
  readonly deadline?: Deadline
  /** The deadline as a duration, for callers without a Deadline. @default 60 minutes */
  readonly timeoutMs?: number
}

export interface DestroyedResource {
  readonly kind: string
  readonly name: string
}

export interface KeptResource extends DestroyedResource {
  readonly why: string
}

export interface DestroyEnvironmentResult {
  readonly site: string
  readonly deleted: readonly DestroyedResource[]
  readonly kept: readonly KeptResource[]
  /** The database's final snapshot, when one was taken. */
  readonly finalSnapshot?: string
}

/** UTC stamp for snapshot names: 20261121t2359 (RDS keeps identifiers lowercase). */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replaceAll(/[-:]/g, '').slice(0, 13)
}

export async function destroyEnvironment(options: DestroyEnvironmentOptions): Promise<DestroyEnvironmentResult> {
  const {clients, config, deleteData, reporter} = options
  const {clock} = clients
  const names = siteNames(config.site, config.region)
  const deadline = options.deadline ?? Deadline.after(clock, options.timeoutMs ?? 60 * 60_000)
  const deleted: DestroyedResource[] = []
  const kept: KeptResource[] = []
  const gone = (kind: string, name: string) => deleted.push({kind, name})
  const keep = (kind: string, name: string, why: string) => kept.push({kind, name, why})

  const environment = defineStep({
    id: 'env/environment',
    async run(_inputs, {deadline: until, signal, startedOperation}) {
      const eb = await clients.eb()
      const env = await eb.describeEnvironment(names.environment)
      if (env && env.Status !== 'Terminated') {
        const since = new Date(clock.now())
        if (env.Status !== 'Terminating') await eb.terminateEnvironment(names.environment)
        startedOperation()
        // EB's events say what it is taking down; the SDK waiter would only say "still Terminating".
        await watchEnvironment({clock, eb, environmentName: names.environment, reporter, since, ...until.wait(signal), until: 'terminated'})
        gone('EB environment', names.environment)
      }

      if (await eb.describeApplication(names.application)) {
        await eb.deleteApplication(names.application)
        gone('EB application', names.application)
      }
    },
    title: `Terminate environment ${names.environment}`,
  })

  const cacheStep = defineStep({
    id: 'env/cache',
    async run(_inputs, {deadline: until, signal, startedOperation}) {
      const cache = await clients.elasticache()
      // Whichever exists, not what hactl.yml says: a Memcached cluster made before hactl.yml refused
      // memcached (issue 8) must still go once the file says redis.
      const [group, cluster] = await Promise.all([cache.describeReplicationGroup(names.cache), cache.describeCacheCluster(names.cache)])
      if (group) {
        if (group.Status !== 'deleting') await cache.deleteReplicationGroup(names.cache)
        startedOperation()
        await cache.waitForReplicationGroupDeleted(names.cache, until.wait(signal))
        gone('Redis replication group', names.cache)
      } else {
        if (cluster) {
          if (cluster.CacheClusterStatus !== 'deleting') await cache.deleteCacheCluster(names.cache)
          startedOperation()
          await cache.waitForCacheClusterDeleted(names.cache, until.wait(signal))
          gone('Memcached cluster', names.cache)
        }
      }

      if (await cache.describeSubnetGroup(names.cacheSubnetGroup)) {
        await cache.deleteSubnetGroup(names.cacheSubnetGroup)
        gone('cache subnet group', names.cacheSubnetGroup)
      }
    },
    title: 'Delete the cache',
  })

  const database = defineStep({
    describe: () => undefined,
    id: 'env/database',
    async run(_inputs, {deadline: until, signal, startedOperation}) {
      const rds = await clients.rds()
      const cluster = isAurora(config)
      const snapshot = deleteData ? undefined : names.finalSnapshot(stamp(clock.now()))
      // A timeout while RDS takes the snapshot must still say where the data went.
      const naming = (error: unknown): never => {
        if (snapshot && HactlError.isHactlError(error)) throw error.withSuggestions(`The final snapshot ${snapshot} is being taken and is kept.`)
        throw error
      }

      if (cluster) {
        const found = await rds.describeCluster(names.db)
        if (found) {
          const members = await rds.describeClusterInstances(names.db)
          await Promise.all(
            members.map(async (member) => {
              const id = member.DBInstanceIdentifier ?? ''
              if (member.DBInstanceStatus !== 'deleting') await rds.deleteInstance(id, undefined)
              startedOperation()
              await rds.waitForInstanceDeleted(id, until.wait(signal))
              gone('Aurora instance', id)
            }),
          )
          if (found.DeletionProtection) await rds.setClusterDeletionProtection(names.db, false)
          if (found.Status !== 'deleting') await rds.deleteCluster(names.db, snapshot)
          startedOperation()
          await rds.waitForClusterDeleted(names.db, until.wait(signal)).catch(naming)
          gone('Aurora cluster', names.db)
        }
      } else {
        const instance = await rds.describeInstance(names.db)
        if (instance) {
          if (instance.DeletionProtection) await rds.setInstanceDeletionProtection(names.db, false)
          if (instance.DBInstanceStatus !== 'deleting') await rds.deleteInstance(names.db, snapshot)
          startedOperation()
          await rds.waitForInstanceDeleted(names.db, until.wait(signal)).catch(naming)
          gone('RDS instance', names.db)
        }
      }

      // Report the snapshots that exist, not the name asked for: a re-run, or a delete another run started, took its own.
      const snapshots = await rds.listSnapshots({cluster, prefix: names.finalSnapshotPrefix, sourceId: names.db})
      const finalSnapshot = deleteData ? undefined : snapshots[0]?.id
      for (const [index, kept] of snapshots.entries()) {
        const which = !deleteData && index === 0 ? 'the database\'s final snapshot' : 'an earlier final snapshot (never deleted by hactl)'
        keep(cluster ? 'DB cluster snapshot' : 'DB snapshot', kept.id, `${which}: \`hactl env create --restore-snapshot ${kept.id}\` brings it back`)
      }

      if (await rds.describeSubnetGroup(names.dbSubnetGroup)) {
        await rds.deleteSubnetGroup(names.dbSubnetGroup)
        gone('DB subnet group', names.dbSubnetGroup)
      }

      const groupKind = cluster ? 'DB cluster parameter group' : 'DB parameter group'
      if (await rds.parameterGroupExists(names.dbParameterGroup, cluster)) {
        if (deleteData) {
          await rds.deleteParameterGroup(names.dbParameterGroup, cluster)
          gone(groupKind, names.dbParameterGroup)
        } else {
          keep(groupKind, names.dbParameterGroup, 'free; a restored database uses it to require TLS')
        }
      }
      return finalSnapshot
    },
    title: deleteData ? 'Delete the database (no final snapshot)' : 'Delete the database (after a final snapshot)',
  })

  const uploads = defineStep({
    id: 'env/uploads',
    async run(_inputs, {deadline: until, signal, startedOperation}) {
      const efs = await clients.efs()
      const fs = await efs.findFileSystem(names.efsCreationToken)
      if (!fs?.FileSystemId) return
      if (!deleteData) {
        keep('EFS file system', `${names.efsCreationToken} (${fs.FileSystemId})`, 'user uploads; delete with --delete-data')
        return
      }

      for (const point of await efs.describeAccessPoints(fs.FileSystemId)) await efs.deleteAccessPoint(point.AccessPointId ?? '')
      for (const target of await efs.describeMountTargets(fs.FileSystemId)) await efs.deleteMountTarget(target.MountTargetId ?? '')
      startedOperation()
      await efs.deleteFileSystem(fs.FileSystemId, until.wait(signal))
      gone('EFS file system', fs.FileSystemId)
    },
    title: deleteData ? 'Delete the uploads file system' : 'Keep the uploads file system',
  })

  const secrets = defineStep({
    id: 'env/secrets',
    // The cache reads its AUTH token, the instances the secret: it goes after both.
    needs: {cache: cacheStep, environment},
    async run() {
      const secrets = await clients.secrets()
      // The app's DB secret holds the password of the user inside the final snapshot: a restore needs it, so it stays with the data.
      for (const [name, what] of [[names.cacheSecret, 'kept with the data'], [names.appDbSecret, 'the app DB user\'s password in the kept snapshot']] as const) {
        const secret = await secrets.describeSecret(name)
        if (!secret || secret.deletedDate) continue
        if (!deleteData) {
          keep('secret', name, `${what}; delete with --delete-data`)
          continue
        }

        await secrets.deleteSecret(secret.arn)
        gone('secret', `${name} (recoverable for 7 days)`)
      }

      // The pointers name what a re-create writes again; with the data gone they point at nothing.
      if (deleteData && (await (await clients.ssm()).deleteParameter(names.pointerParameter))) gone('SSM parameter', names.pointerParameter)
    },
    title: 'Secrets',
  })

  const securityGroups = defineStep({
    id: 'env/security-groups',
    // A group goes once nothing uses it.
    needs: {cache: cacheStep, database, environment, uploads},
    async run(_inputs, {deadline: until, signal}) {
      const ec2 = await clients.ec2()
      const groups = await ec2.describeSecurityGroups({tags: {'hactl:site': config.site}})
      const byRole = new Map<SecurityGroupRole, string>()
      for (const group of groups) {
        const role = SECURITY_GROUP_ROLES.find((r) => group.GroupName === names.securityGroup[r])
        if (role && group.GroupId) byRole.set(role, group.GroupId)
      }

      // Kept data needs its group; its rules name web and seed (the seed may still run), and web's names lb.
      const keepRoles: SecurityGroupRole[] = deleteData ? [] : ['efs', 'web', 'seed', 'lb']
      // A group goes only after every group whose rules name it: efs/db/cache name web and seed, web names lb.
      for (const role of ['db', 'cache', 'efs', 'web', 'lb', 'seed'] as const) {
        const id = byRole.get(role)
        if (!id) continue
        if (keepRoles.includes(role)) {
          keep('security group', `${names.securityGroup[role]} (${id})`, 'the kept uploads file system\'s network path (free); delete with --delete-data')
          continue
        }

        await deleteGroupWhenFree(options, id, signal, until.remainingMs())
        gone('security group', names.securityGroup[role])
      }
    },
    title: 'Security groups',
  })

  const iam = defineStep({
    id: 'env/iam',
    needs: {environment},
    async run() {
      const iam = await clients.iam()
      if (!deleteData) {
        if (await iam.getRole(names.instanceRole)) keep('IAM role', names.instanceRole, 'free; the seed uses it; delete with --delete-data')
        if (await iam.getRole(names.serviceRole)) keep('IAM role', names.serviceRole, 'free; delete with --delete-data')
        return
      }

      await iam.deleteInstanceProfile(names.instanceProfile)
      await iam.deleteRole(names.instanceRole)
      await iam.deleteRole(names.serviceRole)
      gone('IAM role', names.instanceRole)
      gone('IAM role', names.serviceRole)
      gone('instance profile', `${names.instanceProfile} (with inline policy ${INSTANCE_POLICY_NAME})`)
    },
    title: 'IAM roles',
  })

  const run = await runSteps([environment, cacheStep, database, uploads, secrets, securityGroups, iam], {clock, deadline, reporter, signal: options.signal})
  return {deleted, finalSnapshot: run.output(database), kept, site: config.site}
}

/**
 * A group stays "in use" for a while after what used it is gone (a load
 * balancer's network interfaces linger for minutes), so DependencyViolation
 * is waited out rather than failed on.
 */
async function deleteGroupWhenFree(options: DestroyEnvironmentOptions, groupId: string, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const ec2 = await options.clients.ec2()
  await pollUntil({
    check: (result) => (result === 'done' ? {state: 'done'} : {state: 'retry', status: 'still in use'}),
    clock: options.clients.clock,
    maxDelayMs: 30_000,
    minDelayMs: 10_000,
    async poll() {
      try {
        await ec2.deleteSecurityGroup(groupId)
        return 'done'
      } catch (error) {
        if (hasAwsCode(error, 'DependencyViolation')) return 'in-use'
        throw error
      }
    },
    reporter: options.reporter,
    signal,
    timeoutMs,
    what: `security group ${groupId} to be free`,
  })
}
