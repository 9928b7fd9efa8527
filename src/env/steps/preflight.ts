import type {CacheCluster, ReplicationGroup} from '@aws-sdk/client-elasticache'
import type {DBCluster, DBInstance} from '@aws-sdk/client-rds'

import type {Ec2Api} from '../../aws/ec2'
import {assertKnownRegion} from '../../aws/regions'
import type {HactlConfig} from '../../config/schema'
import {UserError} from '../../core/errors'
import {EGRESS_FIX, checkEgress, checkVpcDns, describeEgressGap, resolveNetwork, type SiteNetwork} from '../network'
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
 *   database it would be ignored for;
 * - the Region exists, the VPC resolves DNS names and gives DNS hostnames,
 *   and the instance type, DB instance class and cache node type in
 *   hactl.yml are sold there (checkSite); a VPC the instances cannot get out
 *   of is warned about.
 */
export async function preflight(options: PreflightOptions): Promise<LiveDataTier> {
  const {clients, config, names} = options
  checkRegion(config.region)
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

  await checkSite(options, {cache: liveCache !== undefined, database: live !== undefined})

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

// ---- what hactl.yml names must exist before anything is created --------------

const checkRegion = assertKnownRegion

function zonesOf(network: SiteNetwork): string[] {
  return [...new Set(network.subnets.map((subnet) => network.zoneOf[subnet]).filter(Boolean))].sort()
}

/**
 * The web instances run in every AZ of the instance subnets (the Auto
 * Scaling group spans them), so the type must be offered in each; the seed
 * needs one. EC2 refuses a made-up type only at launch, which for the web
 * tier is inside EB, after the data tier exists.
 */
async function checkInstanceTypes(ec2: Ec2Api, config: HactlConfig, zones: readonly string[]): Promise<void> {
  const wanted: Array<{key: string; type: string; everyZone: boolean}> = [{everyZone: true, key: 'environment.instanceType', type: config.environment.instanceType}]
  const seed = config.seed.instanceType
  if (seed && seed !== config.environment.instanceType) wanted.push({everyZone: false, key: 'seed.instanceType', type: seed})
  const offered = await ec2.instanceTypeZones([...new Set(wanted.map((item) => item.type))], zones)
  for (const {everyZone, key, type} of wanted) {
    const where = offered.get(type) ?? new Set<string>()
    const missing = zones.filter((zone) => !where.has(zone))
    if (where.size === 0) {
      throw new UserError('instance-type-not-offered', `Instance type ${type} (${key}) is not offered in ${config.region}.`, {
        suggestions: [`Set ${key} to an instance type EC2 offers there, e.g. t4g.small; \`aws ec2 describe-instance-type-offerings --region ${config.region}\` lists them.`],
      })
    }

    if (everyZone && missing.length > 0) {
      throw new UserError('instance-type-not-offered', `Instance type ${type} (${key}) is not offered in ${missing.join(', ')}, where network.subnets has subnets.`, {
        suggestions: [`Choose an instance type offered in ${zones.join(', ')}, or list subnets only in ${[...where].sort().join(', ')}.`],
      })
    }
  }
}

async function checkDbClass(options: PreflightOptions): Promise<void> {
  const {config} = options
  const rds = await options.clients.rds()
  const {engine, instanceClass} = config.database
  const {version} = await rds.engineVersion(engine, config.database.version)
  const zones = await rds.orderableZones({engine, instanceClass, version})
  if (zones.length > 0) return
  throw new UserError('db-class-not-orderable', `RDS does not sell DB instance class ${instanceClass} (database.instanceClass) for ${engine} ${version} in ${config.region}.`, {
    suggestions: [`Set database.instanceClass to a class RDS offers for ${engine} ${version}, e.g. db.t4g.small; \`aws rds describe-orderable-db-instance-options --engine ${engine} --engine-version ${version}\` lists them.`],
  })
}

async function checkNodeType(options: PreflightOptions): Promise<void> {
  const {config} = options
  const cache = await options.clients.elasticache()
  if (await cache.nodeTypeExists(config.cache.nodeType)) return
  throw new UserError('cache-node-type-unknown', `ElastiCache has no node type ${config.cache.nodeType} (cache.nodeType) in ${config.region}.`, {
    suggestions: ['Set cache.nodeType to an ElastiCache node type such as cache.t4g.small; `aws elasticache describe-reserved-cache-nodes-offerings` lists those of the Region.'],
  })
}

/**
 * What the network and the sizes in hactl.yml must be before anything is
 * created. The DB class and node type are checked only for what this run
 * will create (a live database or cache keeps its own size; drift says so),
 * and not for a restore, whose engine version comes from the snapshot.
 */
async function checkSite(options: PreflightOptions, live: {database: boolean; cache: boolean}): Promise<void> {
  const {config, reporter} = options
  const ec2 = await options.clients.ec2()
  const network = await resolveNetwork(ec2, config)
  await checkVpcDns(ec2, network.vpcId)
  const egress = await checkEgress(ec2, network, config)
  if (!egress.ok) reporter.emit({message: `${describeEgressGap(egress)} ${EGRESS_FIX}`, type: 'warning'})
  await Promise.all([
    checkInstanceTypes(ec2, config, zonesOf(network)),
    live.database || options.restoreSnapshot ? undefined : checkDbClass(options),
    live.cache ? undefined : checkNodeType(options),
  ])
}
