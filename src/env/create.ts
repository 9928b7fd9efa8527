/**
 * `hactl env create`: the site's environment and its data tier, created in
 * parallel wherever AWS allows and idempotently: every step first looks for
 * what exists (by name, creation token or client token) and creates only
 * what is missing, so a re-run after a failure or a timeout continues.
 */
import type {AwsClients} from '../aws/clients'
import type {Clock} from '../core/clock'
import type {EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'
import type {CacheCluster, ReplicationGroup} from '@aws-sdk/client-elasticache'
import type {DBCluster, DBInstance} from '@aws-sdk/client-rds'
import {startHeartbeat, type HeldLock} from '../site/lock'
import {tagList} from '../aws/resource-calls'
import {pollUntil} from '../aws/wait'
import type {HactlConfig} from '../config/schema'
import {AwsError, HactlError, UserError} from '../core/errors'
import type {Reporter} from '../core/progress'
import {buildBundle, type Bundle} from './bundle'
import {siteNames, SECURITY_GROUP_ROLES, type SecurityGroupRole} from '../site/names'
import {oneSubnetPerZone, resolveNetwork, type SiteNetwork} from './network'
import {
  auroraInstanceInputs,
  cachePort,
  dbClusterInput,
  dbInstanceInput,
  dbPort,
  dbTlsParameters,
  efsPolicy,
  environmentPropertyProblems,
  environmentProperties,
  instancePolicy,
  INSTANCE_POLICY_NAME,
  isAurora,
  MANAGED_POLICIES,
  memcachedInput,
  optionSettings,
  replicationGroupInput,
  securityGroupSpecs,
  serviceRolePolicy,
  SERVICE_POLICY_NAME,
  tagsFor,
  trustPolicy,
  UPLOADS_POSIX_ID,
  changedOptions,
  dataTierDrift,
  samePolicy,
  type Refs,
  type Tags,
} from './spec'
import {runSteps, type Step, type StepTiming} from '../core/steps'

export interface CreateEnvironmentOptions {
  readonly config: HactlConfig
  readonly clients: AwsClients
  readonly reporter: Reporter
  readonly clock: Clock
  /** Deadline for the whole run, on the clock's time. */
  readonly timeoutMs: number
  /** Ctrl-C. */
  readonly signal?: AbortSignal
  /** Refreshed during long waits so the site lock never looks stale. */
  readonly lock?: HeldLock
  /** The application bundle. @default buildBundle() from the package's .ebextensions/.platform/bundle */
  readonly bundle?: Bundle
  /**
   * When the database is gone but a final snapshot of it exists (after `env
   * destroy`), create it from this snapshot. Without it (or `newDatabase`)
   * hactl refuses to put an empty database next to the kept uploads.
   */
  readonly restoreSnapshot?: string
  /** Create an empty database even though final snapshots exist. */
  readonly newDatabase?: boolean
}

export type ResourceAction = 'created' | 'found' | 'updated'

export interface ResourceOutcome {
  readonly kind: string
  readonly name: string
  readonly id: string
  readonly action: ResourceAction
}

export interface EnvironmentSummary {
  readonly name: string
  readonly id: string
  readonly status: string
  readonly health: string
  readonly cname?: string
  readonly endpointUrl?: string
  readonly versionLabel?: string
  readonly platformArn?: string
}

export interface CreateEnvironmentResult {
  readonly site: string
  readonly environment: EnvironmentSummary
  readonly resources: readonly ResourceOutcome[]
  /** Per step, on the clock's time: what the benchmark compares with the critical path. */
  readonly timings: readonly StepTiming[]
  /** Clock time the whole run took (simulated in the sandbox). */
  readonly elapsedMs: number
}

const RESUME = 'Run `hactl env status` to see where it stands, then `hactl env create` again to continue: it creates only what is missing.'

/** The data tier as it stood when the run began. */
interface LiveDataTier {
  readonly instance?: DBInstance
  readonly cluster?: DBCluster
  readonly group?: ReplicationGroup
  readonly memcached?: CacheCluster
}

/** Everything the steps share; filled in as they finish. */
class Work {
  public network?: SiteNetwork
  public account = ''
  public readonly groups: Partial<Record<SecurityGroupRole, string>> = {}
  public efsId = ''
  public accessPointId = ''
  public db?: Refs['db']
  public cache?: Refs['cache']
  public cacheSecretArn?: string
  public bucket = ''
  public versionLabel = ''
  public platformArn = ''
  public environment?: EnvironmentDescription
  /** The database and cache as the preflight found them, so the steps need not ask again. */
  public live: LiveDataTier = {}
  public readonly resources: ResourceOutcome[] = []

  public constructor(private readonly options: CreateEnvironmentOptions, private readonly deadline: number) {}

  /** The Availability Zones of the instance subnets, sorted. */
  public zones(): string[] {
    const network = this.network
    if (!network) return []
    return [...new Set(network.subnets.map((subnet) => network.zoneOf[subnet]).filter(Boolean))].sort()
  }

  public note(kind: string, name: string, id: string, action: ResourceAction): void {
    this.resources.push({action, id, kind, name})
  }

  /** What a wait may still take. */
  public wait(signal: AbortSignal): {signal: AbortSignal; timeoutMs: number} {
    return {signal, timeoutMs: Math.max(1, this.deadline - this.options.clock.now())}
  }

  public refs(): Refs {
    const groups = this.groups as Record<SecurityGroupRole, string>
    if (!this.network || !this.db || !this.cache) throw new Error('refs() before the data tier exists')
    return {
      accessPointId: this.accessPointId,
      account: this.account,
      cache: this.cache,
      db: this.db,
      efsId: this.efsId,
      instanceSubnets: this.network.subnets,
      loadBalancerSubnets: this.network.loadBalancerSubnets,
      securityGroups: groups,
      vpcId: this.network.vpcId,
    }
  }
}

function requireValue<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null || value === '') throw new HactlError('unexpected-aws-answer', `AWS returned no ${what}.`)
  return value
}

export async function createEnvironment(options: CreateEnvironmentOptions): Promise<CreateEnvironmentResult> {
  const {clients, clock, config, reporter} = options
  const names = siteNames(config.site)
  const startedAt = clock.now()
  const work = new Work(options, startedAt + options.timeoutMs)
  const bundle = options.bundle ?? buildBundle()
  // Ctrl-C, or the site lock taken over by someone else, stops every step.
  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const heartbeat = options.lock
    ? startHeartbeat(options.lock, {clock, onLost: (error) => stop.abort(error), reporter})
    : {stop() {}}

  const steps: Step[] = [
    {
      id: 'network',
      needs: [],
      async run() {
        const [ec2, sts] = await Promise.all([clients.ec2(), clients.sts()])
        const [network, identity] = await Promise.all([resolveNetwork(ec2, config), sts.getCallerIdentity()])
        work.network = network
        work.account = identity.account
        return `${network.vpcId}, ${network.subnets.length} subnets in ${new Set(Object.values(network.zoneOf)).size} AZs`
      },
      title: 'Network',
    },
    {
      id: 'security-groups',
      needs: ['network'],
      async run() {
        const ec2 = await clients.ec2()
        const vpcId = requireValue(work.network?.vpcId, 'VPC')
        const existing = await ec2.findSecurityGroups(vpcId, Object.values(names.securityGroup))
        // Descriptions do not depend on the ids, which only the rules below need.
        const described = securityGroupSpecs(config, names.securityGroup)
        for (const spec of described) {
          const found = existing.get(spec.name)?.GroupId
          const id = found ?? (await ec2.createSecurityGroup({description: spec.description, name: spec.name, tags: tagsFor(config, spec.role), vpcId}))
          work.groups[spec.role] = id
          work.note('security group', spec.name, id, found ? 'found' : 'created')
        }

        // Rules need every group's id (the data tier admits the web and seed groups).
        for (const spec of securityGroupSpecs(config, work.groups as Record<SecurityGroupRole, string>)) {
          if (spec.ingress.length > 0) await ec2.authorizeIngress(requireValue(work.groups[spec.role], spec.name), spec.ingress)
        }

        return SECURITY_GROUP_ROLES.map((role) => `${role} ${work.groups[role]}`).join(', ')
      },
      title: 'Security groups',
    },
    {
      id: 'iam',
      needs: [],
      async run() {
        const iam = await clients.iam()
        for (const [role, trust, policies, description] of [
          [names.instanceRole, trustPolicy('ec2.amazonaws.com'), MANAGED_POLICIES.instance, `hactl ${config.site}: web instances and seed`],
          [names.serviceRole, trustPolicy('elasticbeanstalk.amazonaws.com'), MANAGED_POLICIES.service, `hactl ${config.site}: Elastic Beanstalk service role`],
        ] as const) {
          const created = await iam.createRole({description, name: role, tags: tagsFor(config, 'iam'), trustPolicy: trust})
          work.note('IAM role', role, role, created ? 'created' : 'found')
          const attached = await iam.attachedPolicies(role)
          for (const arn of policies) if (!attached.includes(arn)) await iam.attachRolePolicy(role, arn)
        }
        // Health streaming to CloudWatch Logs (spec.ts serviceRolePolicy); idempotent, so every run.
        await iam.putRolePolicy(names.serviceRole, SERVICE_POLICY_NAME, serviceRolePolicy())

        const profile = await iam.getInstanceProfile(names.instanceProfile)
        if (!profile?.Roles?.length) await iam.ensureInstanceProfile(names.instanceProfile, names.instanceRole, tagsFor(config, 'iam'))
        work.note('instance profile', names.instanceProfile, names.instanceProfile, profile ? 'found' : 'created')
        return `${names.instanceProfile}, ${names.serviceRole}`
      },
      title: 'IAM roles',
    },
    {
      id: 'efs',
      needs: [],
      async run(signal) {
        const efs = await clients.efs()
        const found = await efs.findFileSystem(names.efsCreationToken)
        const fs =
          found ??
          (await efs.createFileSystem({
            backup: true,
            creationToken: names.efsCreationToken,
            encrypted: true,
            tags: {...tagsFor(config, 'uploads'), Name: names.efsCreationToken},
            throughputMode: config.uploads.throughputMode,
          }))
        work.efsId = requireValue(fs.FileSystemId, 'file system id')
        work.note('EFS file system', names.efsCreationToken, work.efsId, found ? 'found' : 'created')
        if (fs.LifeCycleState !== 'available') await efs.waitForFileSystemAvailable(work.efsId, work.wait(signal))
        return work.efsId
      },
      title: 'EFS file system (uploads)',
    },
    {
      id: 'efs-mount-targets',
      needs: ['efs', 'security-groups'],
      async run(signal) {
        const efs = await clients.efs()
        const existing = await efs.describeMountTargets(work.efsId)
        const zones = new Set(existing.map((target) => target.AvailabilityZoneName))
        for (const {subnetId, zone} of oneSubnetPerZone(requireValue(work.network, 'network'))) {
          if (zones.has(zone)) continue
          const target = await efs.createMountTarget({fileSystemId: work.efsId, securityGroupIds: [requireValue(work.groups.efs, 'EFS group')], subnetId})
          work.note('EFS mount target', zone, target.MountTargetId ?? '', 'created')
        }

        const targets = await efs.waitForMountTargetsAvailable(work.efsId, work.wait(signal))
        return `${targets.length} mount targets`
      },
      title: 'EFS mount targets',
    },
    {
      id: 'efs-access-point',
      needs: ['efs'],
      async run() {
        const efs = await clients.efs()
        const points = await efs.describeAccessPoints(work.efsId)
        const found = points.find((point) => point.ClientToken === names.accessPointToken || point.Tags?.some((t) => t.Key === 'hactl:role' && t.Value === 'uploads'))
        const point =
          found ??
          (await efs.createAccessPoint({
            clientToken: names.accessPointToken,
            fileSystemId: work.efsId,
            gid: UPLOADS_POSIX_ID,
            path: '/uploads',
            permissions: '0775',
            tags: {...tagsFor(config, 'uploads'), Name: `${names.efsCreationToken}-ap`},
            uid: UPLOADS_POSIX_ID,
          }))
        work.accessPointId = requireValue(point.AccessPointId, 'access point id')
        work.note('EFS access point', '/uploads', work.accessPointId, found ? 'found' : 'created')
        return work.accessPointId
      },
      title: 'EFS access point',
    },
    {
      id: 'efs-policy',
      needs: ['efs-access-point', 'network'],
      async run() {
        const efs = await clients.efs()
        const policy = efsPolicy(config, {accessPointId: work.accessPointId, account: work.account, efsId: work.efsId})
        const current = await efs.fileSystemPolicy(work.efsId)
        if (current !== undefined && samePolicy(current, policy)) return 'in place'
        await efs.putFileSystemPolicy(work.efsId, policy)
        work.note('EFS file system policy', 'TLS and the access point required', work.efsId, current === undefined ? 'created' : 'updated')
        return 'TLS and the access point required'
      },
      title: 'EFS file system policy',
    },
    {
      id: 'db-parameter-group',
      needs: [],
      async run() {
        const rds = await clients.rds()
        // A live database keeps its own version: its family, not the Region's current default, is what the group must match.
        const live = (isAurora(config) ? work.live.cluster : work.live.instance)?.EngineVersion
        const {family, version} = await rds.engineVersion(config.database.engine, live ?? config.database.version)
        const created = await rds.ensureParameterGroup({
          cluster: isAurora(config),
          description: `hactl ${config.site}: TLS required`,
          family,
          name: names.dbParameterGroup,
          parameters: dbTlsParameters(config),
          tags: tagsFor(config, 'db'),
        })
        work.note(isAurora(config) ? 'DB cluster parameter group' : 'DB parameter group', names.dbParameterGroup, family, created ? 'created' : 'found')
        return `${family} (${config.database.engine} ${version}), TLS required`
      },
      title: 'DB parameter group (TLS required)',
    },
    {
      id: 'db-subnet-group',
      needs: ['network'],
      async run() {
        await ensureSubnetGroup(await clients.rds(), work, {kind: 'DB subnet group', name: names.dbSubnetGroup, role: 'db', what: 'database'}, config)
      },
      title: 'DB subnet group',
    },
    {
      id: 'database',
      needs: ['db-subnet-group', 'db-parameter-group', 'security-groups'],
      async run(signal) {
        work.db = isAurora(config) ? await ensureAurora(options, work, signal) : await ensureRdsInstance(options, work, signal)
        return work.db.endpoint
      },
      title: `Database (${config.database.engine}${isAurora(config) ? ` cluster, ${config.database.readers ?? 0} reader${config.database.readers === 1 ? '' : 's'}` : config.database.multiAz ? ', Multi-AZ' : ''})`,
    },
    {
      id: 'cache-secret',
      needs: [],
      async run() {
        if (config.cache.engine !== 'redis') return 'not needed for memcached'
        const secrets = await clients.secrets()
        const found = await secrets.describeSecret(names.cacheSecret)
        const live = found && !found.deletedDate ? found.arn : undefined
        // A live secret is used as it is: a fresh password would only be generated to be thrown away.
        work.cacheSecretArn = live ?? await secrets.createGeneratedSecret({
          clientRequestToken: names.cacheSecretToken,
          description: `hactl ${config.site}: Redis AUTH token`,
          excludePunctuation: true,
          length: 64,
          name: names.cacheSecret,
          tags: tagsFor(config, 'cache'),
        })
        work.note('secret', names.cacheSecret, work.cacheSecretArn, live ? 'found' : 'created')
        return names.cacheSecret
      },
      title: 'Cache AUTH token (Secrets Manager)',
    },
    {
      id: 'cache-subnet-group',
      needs: ['network'],
      async run() {
        await ensureSubnetGroup(await clients.elasticache(), work, {kind: 'cache subnet group', name: names.cacheSubnetGroup, role: 'cache', what: 'cache'}, config)
      },
      title: 'Cache subnet group',
    },
    {
      id: 'cache',
      needs: ['cache-subnet-group', 'cache-secret', 'security-groups'],
      async run(signal) {
        work.cache = config.cache.engine === 'redis' ? await ensureRedis(options, work, signal) : await ensureMemcached(options, work, signal)
        return work.cache.endpoint
      },
      title: `Cache (${config.cache.engine})`,
    },
    {
      id: 'bundle',
      needs: [],
      async run() {
        const [eb, s3] = await Promise.all([clients.eb(), clients.s3()])
        work.bucket = await eb.createStorageLocation()
        const key = names.bundleKey(bundle.versionLabel)
        if (!(await s3.objectExists(work.bucket, key))) {
          await s3.putObject({body: bundle.zip, bucket: work.bucket, contentType: 'application/zip', key})
        }

        const appCreated = await eb.createApplication({description: `hactl: ${config.app} site ${config.site}`, name: names.application, tags: tagsFor(config, 'application')})
        work.note('EB application', names.application, names.application, appCreated ? 'created' : 'found')
        const versionCreated = await eb.createApplicationVersion({
          application: names.application,
          bucket: work.bucket,
          description: `hactl bundle ${bundle.sha256.slice(0, 12)}`,
          key,
          label: bundle.versionLabel,
          tags: tagsFor(config, 'application'),
        })
        work.versionLabel = bundle.versionLabel
        work.note('EB application version', bundle.versionLabel, `s3://${work.bucket}/${key}`, versionCreated ? 'created' : 'found')
        return bundle.versionLabel
      },
      title: 'Application bundle',
    },
    {
      id: 'platform',
      needs: [],
      async run() {
        const eb = await clients.eb()
        const platform = await eb.latestPlatform(config.environment.platform)
        work.platformArn = platform.arn
        return `${platform.branch} ${platform.version}`
      },
      title: 'Platform version',
    },
    {
      id: 'instance-policy',
      needs: ['iam', 'database', 'cache', 'efs-access-point'],
      async run() {
        const iam = await clients.iam()
        await iam.putRolePolicy(names.instanceRole, INSTANCE_POLICY_NAME, instancePolicy(config, work.refs()))
        return `${INSTANCE_POLICY_NAME} on ${names.instanceRole}`
      },
      title: 'Instance access to secrets and uploads',
    },
    {
      id: 'environment',
      needs: ['network', 'security-groups', 'iam', 'instance-policy', 'efs-mount-targets', 'efs-access-point', 'efs-policy', 'database', 'cache', 'bundle', 'platform'],
      async run(signal) {
        work.environment = await ensureEnvironment(options, work, signal)
        return `${work.environment.Status} ${work.environment.Health}`
      },
      title: `Elastic Beanstalk environment ${names.environment}`,
    },
  ]

  try {
    work.live = await preflight(options)
    const timings = await runSteps(steps, {clock, reporter, signal})
    const env = requireValue(work.environment, 'environment')
    return {
      elapsedMs: clock.now() - startedAt,
      environment: summarize(env),
      resources: work.resources,
      site: config.site,
      timings,
    }
  } catch (error) {
    // Whatever failed, what was made is found again by a re-run.
    if (HactlError.isHactlError(error) && !(error instanceof UserError)) throw error.withSuggestions(RESUME)
    throw error
  } finally {
    heartbeat.stop()
  }
}

export function summarize(env: EnvironmentDescription): EnvironmentSummary {
  return {
    cname: env.CNAME,
    endpointUrl: env.EndpointURL,
    health: env.Health ?? 'Grey',
    id: env.EnvironmentId ?? '',
    name: env.EnvironmentName ?? '',
    platformArn: env.PlatformArn,
    status: env.Status ?? 'Unknown',
    versionLabel: env.VersionLabel,
  }
}

// ---------------------------------------------------------------------------
// Database

/** What RDS and ElastiCache both offer for the subnet groups of the data tier. */
interface SubnetGroupApi {
  describeSubnetGroup(name: string): Promise<unknown>
  createSubnetGroup(input: {description: string; name: string; subnetIds: readonly string[]; tags: Tags}): Promise<unknown>
}

async function ensureSubnetGroup(
  api: SubnetGroupApi,
  work: Work,
  group: {kind: string; name: string; role: string; what: string},
  config: HactlConfig,
): Promise<void> {
  const found = await api.describeSubnetGroup(group.name)
  if (!found) {
    await api.createSubnetGroup({
      description: `hactl ${config.site}: ${group.what} subnets`,
      name: group.name,
      subnetIds: requireValue(work.network, 'network').subnets,
      tags: tagsFor(config, group.role),
    })
  }

  work.note(group.kind, group.name, group.name, found ? 'found' : 'created')
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
async function preflight(options: CreateEnvironmentOptions): Promise<LiveDataTier> {
  const {clients, config} = options
  const names = siteNames(config.site)
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

async function ensureRdsInstance(options: CreateEnvironmentOptions, work: Work, signal: AbortSignal): Promise<Refs['db']> {
  const rds = await options.clients.rds()
  const {config} = options
  const id = siteNames(config.site).db
  let instance = work.live.instance
  if (instance) {
    work.note('RDS instance', id, id, 'found')
  } else {
    const input = dbInstanceInput(config, {securityGroups: work.groups as Record<SecurityGroupRole, string>})
    const snapshot = options.restoreSnapshot
    instance = snapshot
      ? await rds.restoreInstanceFromSnapshot({
          AutoMinorVersionUpgrade: input.AutoMinorVersionUpgrade,
          CopyTagsToSnapshot: true,
          DBInstanceClass: input.DBInstanceClass,
          DBInstanceIdentifier: id,
          DBParameterGroupName: input.DBParameterGroupName,
          DBSnapshotIdentifier: snapshot,
          DBSubnetGroupName: input.DBSubnetGroupName,
          DeletionProtection: true,
          MultiAZ: input.MultiAZ,
          PubliclyAccessible: false,
          Tags: input.Tags,
          VpcSecurityGroupIds: input.VpcSecurityGroupIds,
        })
      : await rds.createInstance(input)
    work.note('RDS instance', snapshot ? `${id} (restored from ${snapshot})` : id, id, 'created')
  }

  failIfBroken(`database ${id}`, instance.DBInstanceStatus)
  if (instance.DBInstanceStatus !== 'available') instance = await rds.waitForInstanceAvailable(id, work.wait(signal))
  // A restore keeps the snapshot's password and no managed secret (RDS takes the flag on restore for Oracle only).
  if (!instance.MasterUserSecret?.SecretArn) {
    await rds.manageMasterUserPassword(id, false)
    // The secret exists only once the modification is through; EB's instances read it at boot.
    instance = await rds.waitForInstanceAvailable(id, work.wait(signal))
  }

  return {
    endpoint: requireValue(instance.Endpoint?.Address, `endpoint of ${id}`),
    port: instance.Endpoint?.Port ?? dbPort(config),
    secretArn: requireValue(instance.MasterUserSecret?.SecretArn, `master user secret of ${id}`),
  }
}

async function ensureAurora(options: CreateEnvironmentOptions, work: Work, signal: AbortSignal): Promise<Refs['db']> {
  const rds = await options.clients.rds()
  const {config} = options
  const id = siteNames(config.site).db
  const groups = {securityGroups: work.groups as Record<SecurityGroupRole, string>}
  let cluster = work.live.cluster
  if (cluster) {
    work.note('Aurora cluster', id, id, 'found')
  } else {
    const input = dbClusterInput(config, groups)
    const snapshot = options.restoreSnapshot
    cluster = snapshot
      ? await rds.restoreClusterFromSnapshot({
          CopyTagsToSnapshot: true,
          DBClusterIdentifier: id,
          DBClusterParameterGroupName: input.DBClusterParameterGroupName,
          DBSubnetGroupName: input.DBSubnetGroupName,
          DeletionProtection: true,
          Engine: input.Engine,
          SnapshotIdentifier: snapshot,
          Tags: input.Tags,
          VpcSecurityGroupIds: input.VpcSecurityGroupIds,
        })
      : await rds.createCluster(input)
    work.note('Aurora cluster', snapshot ? `${id} (restored from ${snapshot})` : id, id, 'created')
  }

  failIfBroken(`database cluster ${id}`, cluster.Status)
  // Instances can be added while the cluster is still creating: AWS builds them side by side.
  const instances = auroraInstanceInputs(config, work.zones())
  const existing = new Set((await rds.describeClusterInstances(id)).map((instance) => instance.DBInstanceIdentifier))
  for (const input of instances) {
    const instanceId = input.DBInstanceIdentifier ?? ''
    if (existing.has(instanceId)) {
      work.note('Aurora instance', instanceId, instanceId, 'found')
      continue
    }

    await rds.createInstance(input)
    work.note('Aurora instance', `${instanceId} (${input.AvailabilityZone ?? 'any AZ'})`, instanceId, 'created')
  }

  let [ready] = await Promise.all([
    cluster.Status === 'available' ? cluster : rds.waitForClusterAvailable(id, work.wait(signal)),
    ...instances.map((input) => rds.waitForInstanceAvailable(input.DBInstanceIdentifier ?? '', work.wait(signal))),
  ])
  // RestoreDBClusterFromSnapshot takes no ManageMasterUserPassword: turn it on afterwards.
  if (!ready.MasterUserSecret?.SecretArn) {
    await rds.manageMasterUserPassword(id, true)
    ready = await rds.waitForClusterAvailable(id, work.wait(signal))
  }

  return {
    endpoint: requireValue(ready.Endpoint, `endpoint of ${id}`),
    port: ready.Port ?? dbPort(config),
    readerEndpoint: ready.ReaderEndpoint,
    secretArn: requireValue(ready.MasterUserSecret?.SecretArn, `master user secret of ${id}`),
  }
}

/** States RDS and ElastiCache never leave by themselves. */
function failIfBroken(what: string, status: string | undefined): void {
  if (status && /^(failed|incompatible-.*|inaccessible-encryption-credentials.*|create-failed|deleting)$/.test(status)) {
    throw new AwsError(status, `The ${what} is ${status}; hactl cannot continue with it.`, {
      suggestions: [`Look at the ${what} in the AWS console; delete it if it cannot be repaired, then re-run \`hactl env create\`.`],
    })
  }
}

// ---------------------------------------------------------------------------
// Cache

async function ensureRedis(options: CreateEnvironmentOptions, work: Work, signal: AbortSignal): Promise<Refs['cache']> {
  const cache = await options.clients.elasticache()
  const id = siteNames(options.config.site).cache
  let group = work.live.group
  work.note('Redis replication group', id, id, group ? 'found' : 'created')
  if (!group) {
    // The token goes from Secrets Manager to ElastiCache in memory only: never printed, never in a file.
    const secrets = await options.clients.secrets()
    const token = await secrets.getSecretValue(requireValue(work.cacheSecretArn, 'cache secret'))
    group = await cache.createReplicationGroup(
      replicationGroupInput(options.config, {securityGroups: work.groups as Record<SecurityGroupRole, string>}, token),
    )
  }

  failIfBroken(`cache ${id}`, group.Status)
  if (group.Status !== 'available') group = await cache.waitForReplicationGroupAvailable(id, work.wait(signal))
  const endpoint = group.NodeGroups?.[0]?.PrimaryEndpoint
  return {
    endpoint: requireValue(endpoint?.Address, `primary endpoint of ${id}`),
    port: endpoint?.Port ?? cachePort(options.config),
    secretArn: work.cacheSecretArn,
  }
}

async function ensureMemcached(options: CreateEnvironmentOptions, work: Work, signal: AbortSignal): Promise<Refs['cache']> {
  const cache = await options.clients.elasticache()
  const id = siteNames(options.config.site).cache
  let cluster = work.live.memcached
  work.note('Memcached cluster', id, id, cluster ? 'found' : 'created')
  cluster ??= await cache.createCacheCluster(memcachedInput(options.config, {securityGroups: work.groups as Record<SecurityGroupRole, string>}))
  failIfBroken(`cache ${id}`, cluster.CacheClusterStatus)
  if (cluster.CacheClusterStatus !== 'available') cluster = await cache.waitForCacheClusterAvailable(id, work.wait(signal))
  return {
    endpoint: requireValue(cluster.ConfigurationEndpoint?.Address, `configuration endpoint of ${id}`),
    port: cluster.ConfigurationEndpoint?.Port ?? cachePort(options.config),
  }
}

// ---------------------------------------------------------------------------
// Environment

async function ensureEnvironment(options: CreateEnvironmentOptions, work: Work, signal: AbortSignal): Promise<EnvironmentDescription> {
  const {clients, config} = options
  const eb = await clients.eb()
  const names = siteNames(config.site)
  let env = await eb.describeEnvironment(names.environment)
  if (env?.Status === 'Terminating') {
    throw new UserError('environment-terminating', `Environment ${names.environment} is still terminating.`, {
      suggestions: ['Wait for it to finish (`hactl env status`), then run `hactl env create` again.'],
    })
  }

  const refs = work.refs()
  const problems = environmentPropertyProblems(environmentProperties(config, refs))
  if (problems.length > 0) {
    throw new HactlError('environment-properties-too-large', `Environment properties exceed Elastic Beanstalk's limits: ${problems.join('; ')}.`)
  }

  if (!env) {
    const since = new Date(options.clock.now())
    env = await eb.createEnvironment({
      ApplicationName: names.application,
      Description: `hactl: ${config.app} site ${config.site}`,
      EnvironmentName: names.environment,
      OptionSettings: optionSettings(config, refs),
      PlatformArn: work.platformArn,
      Tags: tagList(tagsFor(config, 'environment')),
      Tier: {Name: 'WebServer', Type: 'Standard'},
      VersionLabel: work.versionLabel,
    })
    work.note('EB environment', names.environment, env.EnvironmentId ?? '', 'created')
    return healthy(options, await watchEnvironment(options, work, signal, since))
  }

  work.note('EB environment', names.environment, env.EnvironmentId ?? '', 'found')
  // Still launching or updating from an earlier run: see that through first.
  if (env.Status !== 'Ready' || env.Health === 'Grey') env = await watchEnvironment(options, work, signal, new Date(options.clock.now()))
  return healthy(options, await converge(options, work, signal, env))
}

/**
 * Brings an existing environment in line with hactl.yml: the option settings
 * that differ, then (separately: EB refuses both in one call) the bundle
 * version. Nothing differs, nothing is called.
 */
async function converge(options: CreateEnvironmentOptions, work: Work, signal: AbortSignal, env: EnvironmentDescription): Promise<EnvironmentDescription> {
  const eb = await options.clients.eb()
  const names = siteNames(options.config.site)
  const deployed = await eb.configurationSettings(names.application, names.environment)
  const changes = changedOptions(optionSettings(options.config, work.refs()), deployed)
  let current = env
  if (changes.length > 0) {
    const since = new Date(options.clock.now())
    await eb.updateEnvironment({
      name: names.environment,
      optionSettings: changes.map((change) => ({Namespace: change.namespace, OptionName: change.option, Value: change.value})),
    })
    work.note('EB option settings', changes.map((change) => `${change.namespace} ${change.option}`).join(', '), current.EnvironmentId ?? '', 'updated')
    current = await watchEnvironment(options, work, signal, since)
  }

  if (current.VersionLabel !== work.versionLabel) {
    const since = new Date(options.clock.now())
    await eb.updateEnvironment({name: names.environment, versionLabel: work.versionLabel})
    work.note('EB environment version', work.versionLabel, current.EnvironmentId ?? '', 'updated')
    current = await watchEnvironment(options, work, signal, since)
  }

  return current
}

/**
 * Ready is not success: EB also ends a failed launch or update as Ready,
 * with health Red and ERROR events. Red fails the command with EB's causes;
 * Yellow is passed on as a warning.
 */
async function healthy(options: CreateEnvironmentOptions, env: EnvironmentDescription): Promise<EnvironmentDescription> {
  const name = env.EnvironmentName ?? siteNames(options.config.site).environment
  if (env.Health === 'Green') return env
  const eb = await options.clients.eb()
  const health = await eb.environmentHealth(name)
  const causes = health?.causes ?? []
  if (env.Health === 'Yellow') {
    options.reporter.emit({message: `Environment ${name} is Ready but Yellow${causes.length > 0 ? `: ${causes.join('; ')}` : ''}.`, type: 'warning'})
    return env
  }

  const said = causes.map((cause) => cause.replace(/\.+$/, '')).join('; ')
  throw new AwsError('EnvironmentUnhealthy', `Environment ${name} is ${env.Status} but its health is ${env.Health ?? 'unknown'}${health?.healthStatus ? ` (${health.healthStatus})` : ''}${said ? `: ${said}` : ''}.`, {
    data: {causes, health: env.Health, healthStatus: health?.healthStatus},
    suggestions: [
      `\`hactl env status\` shows the causes; EB's logs are in CloudWatch under /aws/elasticbeanstalk/${name}/.`,
      'Fix the cause and run `hactl env create` again: it applies changed settings and bundles to this environment in place.',
    ],
  })
}

/**
 * Waits for Ready while passing EB's events on as they come: the SDK's waiter
 * would only say "still Launching" for five minutes.
 */
async function watchEnvironment(options: CreateEnvironmentOptions, work: Work, signal: AbortSignal, since: Date): Promise<EnvironmentDescription> {
  const eb = await options.clients.eb()
  const name = siteNames(options.config.site).environment
  const seen = new Set<string>()
  const {timeoutMs} = work.wait(signal)
  const ready = await pollUntil<EnvironmentDescription | undefined>({
    check(env) {
      if (!env) return {message: `environment ${name} disappeared`, state: 'failed'}
      // Right after a launch EB may still be working out health (Grey); wait for its verdict.
      if (env.Status === 'Ready' && env.Health !== 'Grey') return {state: 'done'}
      if (env.Status === 'Ready') return {state: 'retry', status: 'Ready, health not yet known'}
      if (env.Status === 'Terminating' || env.Status === 'Terminated') return {message: `environment ${name} is ${env.Status}`, state: 'failed'}
      return {state: 'retry', status: `${env.Status} ${env.Health ?? ''}`.trim()}
    },
    clock: options.clock,
    maxDelayMs: 20_000,
    minDelayMs: 10_000,
    async poll() {
      const [env, events] = await Promise.all([eb.describeEnvironment(name), eb.describeEvents({environmentName: name, since})])
      for (const event of events) {
        const key = `${event.EventDate?.toISOString()}|${event.Message}`
        if (seen.has(key)) continue
        seen.add(key)
        options.reporter.emit({message: event.Message ?? '', severity: event.Severity ?? 'INFO', source: name, time: event.EventDate ?? new Date(0), type: 'event'})
      }

      return env
    },
    reporter: options.reporter,
    resumeHint: RESUME,
    signal,
    timeoutMs,
    what: `environment ${name} to be Ready`,
  })
  return requireValue(ready, `environment ${name}`)
}
