import type {CacheCluster, ReplicationGroup} from '@aws-sdk/client-elasticache'
import type {DBCluster, DBInstance} from '@aws-sdk/client-rds'

import {UserError} from '../../core/errors'
import {dataTierDrift, isAurora} from '../spec'
import type {EnvStepOptions} from './context'

/** The data tier as it stood when the run began. */
export interface LiveDataTier {
  readonly instance?: DBInstance
  readonly cluster?: DBCluster
  readonly group?: ReplicationGroup
  readonly memcached?: CacheCluster
}

export interface PreflightOptions extends Pick<EnvStepOptions, 'clients' | 'config' | 'names' | 'reporter'> {
  readonly restoreSnapshot?: string
  readonly newDatabase?: boolean
}

/**
 * What must be settled before anything is created, so a refusal never
 * leaves half a data tier behind:
 * - the database and cache in hactl.yml are the kind that exists (changing
 *   engine would put the site on a new, empty database);
 * - after `env destroy` the database is gone but its final snapshot is kept:
 *   hactl asks whether to restore it (--restore-snapshot) or start empty
 *   (--new-database) instead of choosing for the operator;
 * - --restore-snapshot names a snapshot that can be restored, and there is no
 *   database it would be ignored for.
 */
export async function preflight(options: PreflightOptions): Promise<LiveDataTier> {
  const {clients, config, names} = options
  const [rds, cache] = await Promise.all([clients.rds(), clients.elasticache()])
  const aurora = isAurora(config)
  const [instance, cluster, group, memcached] = await Promise.all([
    rds.describeInstance(names.db),
    rds.describeCluster(names.db),
    cache.describeReplicationGroup(names.cache),
    cache.describeCacheCluster(names.cache),
  ])
  const facts: LiveDataTier = {cluster, group, instance, memcached}
  const live = aurora ? cluster : instance
  const liveEngine = (aurora ? cluster?.Engine : instance?.Engine) ?? (aurora ? instance?.Engine : cluster?.Engine)
  if ((instance || cluster) && (!live || liveEngine !== config.database.engine)) {
    throw new UserError('database-engine-changed', `hactl.yml says database.engine ${config.database.engine}, but the site's database ${names.db} is ${liveEngine ?? 'another engine'}; hactl will not move the site to a new, empty database.`, {
      suggestions: [
        `Set database.engine back to ${liveEngine ?? 'the live engine'} in hactl.yml.`,
        'To change engine, migrate the data yourself (dump and load, or AWS DMS); hactl does not convert databases.',
      ],
    })
  }

  const liveCache = group ? 'redis' : memcached ? 'memcached' : undefined
  if (liveCache && liveCache !== config.cache.engine) {
    throw new UserError('cache-engine-changed', `hactl.yml says cache.engine ${config.cache.engine}, but the site's cache ${names.cache} is ${liveCache}.`, {
      suggestions: [`Set cache.engine back to ${liveCache}, or run \`hactl env destroy\` (sessions are lost, the data is kept) before switching.`],
    })
  }

  const drift = dataTierDrift(config, {
    cache: group
      ? {nodeType: group.CacheNodeType, nodes: group.MemberClusters?.length}
      : memcached && {nodeType: memcached.CacheNodeType, nodes: memcached.NumCacheNodes},
    db: aurora
      ? cluster && {backupRetentionDays: cluster.BackupRetentionPeriod}
      : instance && {backupRetentionDays: instance.BackupRetentionPeriod, instanceClass: instance.DBInstanceClass, multiAz: instance.MultiAZ},
  })
  for (const line of drift) {
    options.reporter.emit({message: `${line}; hactl does not resize a live data tier (change it in the AWS console or CLI, during a maintenance window).`, type: 'warning'})
  }

  if (live) {
    if (options.restoreSnapshot) {
      throw new UserError('database-exists', `The database ${names.db} exists; --restore-snapshot would be ignored.`, {
        suggestions: ['Drop --restore-snapshot, or run `hactl env destroy` first to replace the database with the snapshot.'],
      })
    }

    return facts
  }

  const snapshots = await rds.listSnapshots({cluster: aurora, prefix: options.restoreSnapshot ? '' : names.finalSnapshotPrefix, sourceId: names.db})
  if (options.restoreSnapshot) {
    const chosen = snapshots.find((snapshot) => snapshot.id === options.restoreSnapshot)
    if (chosen && chosen.status !== 'available') {
      throw new UserError('snapshot-not-available', `Snapshot ${chosen.id} is ${chosen.status}, not available yet.`, {
        suggestions: ['Wait until it is available (`aws rds describe-db-snapshots`), then run `hactl env create` again.'],
      })
    }

    return facts
  }

  if (options.newDatabase || snapshots.length === 0) return facts
  const uploads = await (await clients.efs()).findFileSystem(names.efsCreationToken)
  const newest = snapshots[0].id
  const beside = uploads ? ' beside the kept uploads' : ''
  throw new UserError('database-snapshot-exists', `The database ${names.db} is gone, but its final snapshot ${newest} exists (${snapshots.length} in all); hactl will not create an empty database${beside} without being told.`, {
    data: {snapshots: snapshots.map((snapshot) => snapshot.id)},
    suggestions: [
      `Bring the data back: hactl env create --restore-snapshot ${newest}`,
      'Or start with an empty database on purpose: hactl env create --new-database',
    ],
  })
}
