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
import type {Clock} from '../core/clock'
import {startHeartbeat, type HeldLock} from '../site/lock'
import {HactlError} from '../core/errors'
import {hasAwsCode} from '../aws/errors'
import {pollUntil} from '../aws/wait'
import {watchEnvironment} from '../aws/eb-watch'
import type {HactlConfig} from '../config/schema'
import type {Reporter} from '../core/progress'
import {siteNames, SECURITY_GROUP_ROLES, type SecurityGroupRole} from '../site/names'
import {isAurora, INSTANCE_POLICY_NAME} from './spec'
import {runSteps, type Step} from '../core/steps'

export interface DestroyEnvironmentOptions {
  readonly config: HactlConfig
  readonly clients: AwsClients
  readonly reporter: Reporter
  readonly clock: Clock
  readonly timeoutMs: number
  /** Delete EFS, secrets and the database without a final snapshot. */
  readonly deleteData: boolean
  readonly signal?: AbortSignal
  readonly lock?: HeldLock
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
  const {clients, clock, config, deleteData, reporter} = options
  const names = siteNames(config.site)
  const deadline = clock.now() + options.timeoutMs
  const wait = (signal: AbortSignal) => ({signal, timeoutMs: Math.max(1, deadline - clock.now())})
  const deleted: DestroyedResource[] = []
  const kept: KeptResource[] = []
  let finalSnapshot: string | undefined
  const gone = (kind: string, name: string) => deleted.push({kind, name})
  const keep = (kind: string, name: string, why: string) => kept.push({kind, name, why})

  const steps: Step[] = [
    {
      id: 'environment',
      needs: [],
      async run(signal) {
        const eb = await clients.eb()
        const env = await eb.describeEnvironment(names.environment)
        if (env && env.Status !== 'Terminated') {
          const since = new Date(clock.now())
          if (env.Status !== 'Terminating') await eb.terminateEnvironment(names.environment)
          // EB's events say what it is taking down; the SDK waiter would only say "still Terminating".
          await watchEnvironment({clock, eb, environmentName: names.environment, reporter, since, ...wait(signal), until: 'terminated'})
          gone('EB environment', names.environment)
        }

        if (await eb.describeApplication(names.application)) {
          await eb.deleteApplication(names.application)
          gone('EB application', names.application)
        }
      },
      title: `Terminate environment ${names.environment}`,
    },
    {
      id: 'cache',
      needs: [],
      async run(signal) {
        const cache = await clients.elasticache()
        if (config.cache.engine === 'redis') {
          const group = await cache.describeReplicationGroup(names.cache)
          if (group) {
            if (group.Status !== 'deleting') await cache.deleteReplicationGroup(names.cache)
            await cache.waitForReplicationGroupDeleted(names.cache, wait(signal))
            gone('Redis replication group', names.cache)
          }
        } else {
          const cluster = await cache.describeCacheCluster(names.cache)
          if (cluster) {
            if (cluster.CacheClusterStatus !== 'deleting') await cache.deleteCacheCluster(names.cache)
            await cache.waitForCacheClusterDeleted(names.cache, wait(signal))
            gone('Memcached cluster', names.cache)
          }
        }

        if (await cache.describeSubnetGroup(names.cacheSubnetGroup)) {
          await cache.deleteSubnetGroup(names.cacheSubnetGroup)
          gone('cache subnet group', names.cacheSubnetGroup)
        }
      },
      title: 'Delete the cache',
    },
    {
      id: 'database',
      needs: [],
      async run(signal) {
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
                await rds.waitForInstanceDeleted(id, wait(signal))
                gone('Aurora instance', id)
              }),
            )
            if (found.DeletionProtection) await rds.setClusterDeletionProtection(names.db, false)
            if (found.Status !== 'deleting') await rds.deleteCluster(names.db, snapshot)
            await rds.waitForClusterDeleted(names.db, wait(signal)).catch(naming)
            gone('Aurora cluster', names.db)
          }
        } else {
          const instance = await rds.describeInstance(names.db)
          if (instance) {
            if (instance.DeletionProtection) await rds.setInstanceDeletionProtection(names.db, false)
            if (instance.DBInstanceStatus !== 'deleting') await rds.deleteInstance(names.db, snapshot)
            await rds.waitForInstanceDeleted(names.db, wait(signal)).catch(naming)
            gone('RDS instance', names.db)
          }
        }

        // Report the snapshots that exist, not the name asked for: a re-run, or a delete another run started, took its own.
        const snapshots = await rds.listSnapshots({cluster, prefix: names.finalSnapshotPrefix, sourceId: names.db})
        if (!deleteData) finalSnapshot = snapshots[0]?.id
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
      },
      title: deleteData ? 'Delete the database (no final snapshot)' : 'Delete the database (after a final snapshot)',
    },
    {
      id: 'uploads',
      needs: [],
      async run(signal) {
        const efs = await clients.efs()
        const fs = await efs.findFileSystem(names.efsCreationToken)
        if (!fs?.FileSystemId) return
        if (!deleteData) {
          keep('EFS file system', `${names.efsCreationToken} (${fs.FileSystemId})`, 'user uploads; delete with --delete-data')
          return
        }

        for (const point of await efs.describeAccessPoints(fs.FileSystemId)) await efs.deleteAccessPoint(point.AccessPointId ?? '')
        for (const target of await efs.describeMountTargets(fs.FileSystemId)) await efs.deleteMountTarget(target.MountTargetId ?? '')
        await efs.deleteFileSystem(fs.FileSystemId, wait(signal))
        gone('EFS file system', fs.FileSystemId)
      },
      title: deleteData ? 'Delete the uploads file system' : 'Keep the uploads file system',
    },
    {
      id: 'secrets',
      needs: ['cache', 'environment'],
      async run() {
        if (config.cache.engine !== 'redis') return
        const secrets = await clients.secrets()
        const secret = await secrets.describeSecret(names.cacheSecret)
        if (!secret || secret.deletedDate) return
        if (!deleteData) {
          keep('secret', names.cacheSecret, 'kept with the data; delete with --delete-data')
          return
        }

        await secrets.deleteSecret(secret.arn)
        gone('secret', `${names.cacheSecret} (recoverable for 7 days)`)
      },
      title: 'Secrets',
    },
    {
      id: 'security-groups',
      needs: ['environment', 'cache', 'database', 'uploads'],
      async run(signal) {
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

          await deleteGroupWhenFree(options, id, signal, wait(signal).timeoutMs)
          gone('security group', names.securityGroup[role])
        }
      },
      title: 'Security groups',
    },
    {
      id: 'iam',
      needs: ['environment'],
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
    },
  ]

  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const heartbeat = options.lock ? startHeartbeat(options.lock, {clock, onLost: (error) => stop.abort(error), reporter}) : {stop() {}}
  try {
    await runSteps(steps, {clock, reporter, signal})
  } finally {
    heartbeat.stop()
  }

  return {deleted, finalSnapshot, kept, site: config.site}
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
    clock: options.clock,
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
