/**
 * `hactl plan`: everything `hactl env create` would make, from hactl.yml
 * alone (offline, no credentials), and with AWS at hand what already exists
 * and what would change.
 */
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config/schema'
import type {Bundle} from './bundle'
import {SECURITY_GROUP_ROLES, siteNames, type SecurityGroupRole} from '../site/names'
import {resolveNetwork, type SiteNetwork} from './network'
import {
  auroraInstanceInputs,
  cachePort,
  changedOptions,
  dataTierDrift,
  dbTlsParameters,
  dbPort,
  environmentPropertiesSize,
  environmentPropertyProblems,
  environmentProperties,
  estimateInstances,
  isAurora,
  MANAGED_POLICIES,
  optionSettings,
  securityGroupSpecs,
  SERVICE_POLICY_NAME,
  tagsFor,
  UPLOADS_POSIX_ID,
  type InstanceEstimate,
  type Refs,
  type Tags,
} from './spec'

export type PlanState = 'create' | 'exists' | 'unknown'

export interface PlannedResource {
  readonly kind: string
  readonly name: string
  readonly tags: Tags
  /** Key settings, as strings, for people and for diffs. */
  readonly settings: Readonly<Record<string, string>>
  /** Offline: 'create' (nothing is known). Live: whether it exists. */
  readonly state: PlanState
  readonly id?: string
}

export interface PlannedOption {
  readonly namespace: string
  readonly option: string
  readonly value: string
  /** Live, environment exists: the deployed value, when it differs. */
  readonly current?: string
  readonly change?: 'add' | 'change' | 'same'
}

export interface PlanResult {
  readonly site: string
  readonly app: string
  readonly region: string
  /** offline: from hactl.yml alone; live: compared with what exists on AWS. */
  readonly mode: 'live' | 'offline'
  readonly resources: readonly PlannedResource[]
  readonly optionSettings: readonly PlannedOption[]
  readonly environmentProperties: {readonly bytes: number; readonly limit: number; readonly problems: readonly string[]}
  readonly bundle: {
    readonly versionLabel: string
    readonly sha256: string
    readonly files: ReadonlyArray<{readonly path: string; readonly mode: string; readonly content: string}>
  }
  readonly instances: InstanceEstimate
  readonly summary: {readonly create: number; readonly exists: number; readonly optionChanges: number}
  readonly warnings: readonly string[]
}

/** What the offline plan shows where a value exists only after creation. */
function placeholderRefs(config: HactlConfig, network?: SiteNetwork): Refs {
  const groups = Object.fromEntries(SECURITY_GROUP_ROLES.map((role) => [role, `(${siteNames(config.site).securityGroup[role]})`])) as Record<
    SecurityGroupRole,
    string
  >
  const subnets = config.network.subnets.length > 0 ? config.network.subnets : ['(default subnets)']
  return {
    accessPointId: '(EFS access point)',
    account: '(account)',
    cache: {endpoint: '(cache endpoint)', port: cachePort(config), secretArn: config.cache.engine === 'redis' ? '(cache AUTH token secret ARN)' : undefined},
    db: {
      endpoint: '(database endpoint)',
      port: dbPort(config),
      readerEndpoint: isAurora(config) ? '(database reader endpoint)' : undefined,
      secretArn: '(RDS-managed master secret ARN)',
    },
    efsId: '(EFS file system)',
    instanceSubnets: network?.subnets ?? subnets,
    loadBalancerSubnets: network?.loadBalancerSubnets ?? (config.network.loadBalancerSubnets.length > 0 ? config.network.loadBalancerSubnets : subnets),
    securityGroups: groups,
    vpcId: network?.vpcId ?? (config.network.vpcId === 'default' ? '(default VPC)' : config.network.vpcId),
  }
}

function resource(kind: string, name: string, tags: Tags, settings: Record<string, string | number | boolean | undefined>): PlannedResource {
  const clean = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
  return {kind, name, settings: clean, state: 'create', tags}
}

/** Every resource env create makes, in the order a reader follows them. */
export function plannedResources(config: HactlConfig, bundle: Bundle): PlannedResource[] {
  const names = siteNames(config.site)
  const db = config.database
  const refs = placeholderRefs(config)
  const list: PlannedResource[] = []
  for (const spec of securityGroupSpecs(config, refs.securityGroups)) {
    list.push(resource('security group', spec.name, tagsFor(config, spec.role), {admits: spec.admits.join('; ') || 'nothing (no inbound rules)', egress: 'all (AWS default)'}))
  }

  list.push(
    resource('IAM role', names.instanceRole, tagsFor(config, 'iam'), {policies: [...MANAGED_POLICIES.instance, 'inline hactl-site-access (this site\'s secrets, uploads access point, own tags)'].join(', '), trust: 'ec2.amazonaws.com'}),
    resource('instance profile', names.instanceProfile, tagsFor(config, 'iam'), {role: names.instanceRole}),
    resource('IAM role', names.serviceRole, tagsFor(config, 'iam'), {policies: [...MANAGED_POLICIES.service, `inline ${SERVICE_POLICY_NAME} (health streaming to CloudWatch Logs)`].join(', '), trust: 'elasticbeanstalk.amazonaws.com'}),
    resource('EFS file system', names.efsCreationToken, tagsFor(config, 'uploads'), {
      backups: 'on',
      encrypted: true,
      holds: 'user uploads only',
      throughputMode: config.uploads.throughputMode,
    }),
    resource('EFS mount targets', `${names.efsCreationToken} (one per AZ)`, {}, {securityGroup: names.securityGroup.efs, subnets: 'one per Availability Zone of the instance subnets'}),
    resource('EFS access point', '/uploads', tagsFor(config, 'uploads'), {mountedAt: config.uploads.path, path: '/uploads', posixUser: `${UPLOADS_POSIX_ID}:${UPLOADS_POSIX_ID}`}),
    resource('EFS file system policy', names.efsCreationToken, {}, {denies: 'mounts without TLS; mounts not through the access point'}),
    resource(isAurora(config) ? 'DB cluster parameter group' : 'DB parameter group', names.dbParameterGroup, tagsFor(config, 'db'), {
      ...dbTlsParameters(config),
      family: `${config.database.engine} ${config.database.version ?? '(default version)'}`,
    }),
    resource('DB subnet group', names.dbSubnetGroup, tagsFor(config, 'db'), {subnets: 'the instance subnets'}),
  )
  if (isAurora(config)) {
    list.push(resource('Aurora cluster', names.db, tagsFor(config, 'db'), {
      backupRetentionDays: db.backupRetentionDays,
      deletionProtection: true,
      encrypted: true,
      engine: db.engine,
      masterPassword: 'managed by RDS in Secrets Manager',
      version: db.version ?? 'engine default',
    }))
    for (const input of auroraInstanceInputs(config)) {
      const tags = Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))
      list.push(resource('Aurora instance', input.DBInstanceIdentifier ?? '', tags, {class: db.instanceClass, publiclyAccessible: false}))
    }
  } else {
    list.push(resource('RDS instance', names.db, tagsFor(config, 'db'), {
      backupRetentionDays: db.backupRetentionDays,
      class: db.instanceClass,
      deletionProtection: true,
      encrypted: true,
      engine: db.engine,
      masterPassword: 'managed by RDS in Secrets Manager',
      multiAz: db.multiAz,
      publiclyAccessible: false,
      storageGb: db.storageGb ?? 20,
      version: db.version ?? 'engine default',
    }))
  }

  list.push(resource('cache subnet group', names.cacheSubnetGroup, tagsFor(config, 'cache'), {subnets: 'the instance subnets'}))
  if (config.cache.engine === 'redis') {
    list.push(
      resource('secret', names.cacheSecret, tagsFor(config, 'cache'), {holds: 'Redis AUTH token (generated by Secrets Manager)'}),
      resource('Redis replication group', names.cache, tagsFor(config, 'cache'), {
        atRestEncryption: true,
        authToken: 'from the secret above',
        multiAzFailover: (config.cache.replicas ?? 0) > 0,
        nodeType: config.cache.nodeType,
        nodes: 1 + (config.cache.replicas ?? 0),
        transitEncryption: true,
      }),
    )
  } else {
    list.push(resource('Memcached cluster', names.cache, tagsFor(config, 'cache'), {
      nodeType: config.cache.nodeType,
      nodes: estimateInstances(config).cacheNodes,
      transitEncryption: true,
    }))
  }

  list.push(
    resource('S3 object', `elasticbeanstalk-${config.region}-(account)/${names.bundleKey(bundle.versionLabel)}`, {}, {bytes: bundle.zip.length, encryption: 'AES256'}),
    resource('EB application', names.application, tagsFor(config, 'application'), {}),
    resource('EB application version', bundle.versionLabel, tagsFor(config, 'application'), {bundleSha256: bundle.sha256}),
    resource('EB environment', names.environment, tagsFor(config, 'environment'), {
      instances: `${config.environment.minSize}–${config.environment.maxSize} × ${config.environment.instanceType}`,
      loadBalancer: 'application (public)',
      platform: `${config.environment.platform} (latest version)`,
      rollout: config.environment.rollout.policy,
      servesUntilFirstRollout: 'the holding page',
    }),
  )
  return list
}

function planBundle(bundle: Bundle): PlanResult['bundle'] {
  return {
    files: bundle.files.map((file) => ({content: file.content, mode: (file.mode & 0o777).toString(8).padStart(4, '0'), path: file.path})),
    sha256: bundle.sha256,
    versionLabel: bundle.versionLabel,
  }
}

function finish(config: HactlConfig, bundle: Bundle, mode: PlanResult['mode'], resources: PlannedResource[], options: PlannedOption[], refs: Refs, warnings: string[]): PlanResult {
  const properties = environmentProperties(config, refs)
  return {
    app: config.app,
    bundle: planBundle(bundle),
    environmentProperties: {bytes: environmentPropertiesSize(properties), limit: 4096, problems: environmentPropertyProblems(properties)},
    instances: estimateInstances(config),
    mode,
    optionSettings: options,
    region: config.region,
    resources,
    site: config.site,
    summary: {
      create: resources.filter((r) => r.state === 'create').length,
      exists: resources.filter((r) => r.state === 'exists').length,
      optionChanges: options.filter((o) => o.change && o.change !== 'same').length,
    },
    warnings,
  }
}

export function planOffline(config: HactlConfig, bundle: Bundle): PlanResult {
  const refs = placeholderRefs(config)
  const options = optionSettings(config, refs).map((o) => ({namespace: o.Namespace ?? '', option: o.OptionName ?? '', value: o.Value ?? ''}))
  return finish(config, bundle, 'offline', plannedResources(config, bundle), options, refs, [])
}

/** A resource's existence, looked up by the same name `env create` finds it by. */
type Lookup = (resource: PlannedResource) => Promise<{exists: boolean; id?: string} | undefined>

export async function planLive(config: HactlConfig, bundle: Bundle, clients: AwsClients): Promise<PlanResult> {
  const names = siteNames(config.site)
  const warnings: string[] = []
  const [ec2, iam, efs, rds, cache, secrets, eb] = await Promise.all([
    clients.ec2(),
    clients.iam(),
    clients.efs(),
    clients.rds(),
    clients.elasticache(),
    clients.secrets(),
    clients.eb(),
  ])
  const network = await resolveNetwork(ec2, config).catch((error: Error) => {
    warnings.push(`Network: ${error.message}`)
    return undefined
  })
  const groups: Partial<Record<SecurityGroupRole, string>> = {}
  // What several lookups (and the drift check) need, read once.
  const [fs, existingGroups] = await Promise.all([
    efs.findFileSystem(names.efsCreationToken),
    network ? ec2.findSecurityGroups(network.vpcId, Object.values(names.securityGroup)) : undefined,
  ])
  const aurora = isAurora(config)
  const [instance, cluster, group, memcached] = await Promise.all([
    aurora ? undefined : rds.describeInstance(names.db),
    aurora ? rds.describeCluster(names.db) : undefined,
    config.cache.engine === 'redis' ? cache.describeReplicationGroup(names.cache) : undefined,
    config.cache.engine === 'redis' ? undefined : cache.describeCacheCluster(names.cache),
  ])
  const lookups: Record<string, Lookup> = {
    'Aurora cluster': async () => found(cluster, (c) => c.DBClusterIdentifier),
    'Aurora instance': async (r) => found(await rds.describeInstance(r.name), (i) => i.DBInstanceIdentifier),
    'cache subnet group': async () => found(await cache.describeSubnetGroup(names.cacheSubnetGroup), (g) => g.CacheSubnetGroupName),
    'DB subnet group': async () => found(await rds.describeSubnetGroup(names.dbSubnetGroup), (g) => g.DBSubnetGroupName),
    'EB application': async () => found(await eb.describeApplication(names.application), (a) => a.ApplicationName),
    'EB application version': async () => found(await eb.describeApplicationVersion(names.application, bundle.versionLabel), (v) => v.VersionLabel),
    'EB environment': async () => found(await eb.describeEnvironment(names.environment), (e) => e.EnvironmentId),
    'EFS access point': async () => (fs?.FileSystemId ? found((await efs.describeAccessPoints(fs.FileSystemId))[0], (p) => p.AccessPointId) : {exists: false}),
    'EFS file system': async () => found(fs, (f) => f.FileSystemId),
    'EFS file system policy': async () => (fs?.FileSystemId ? {exists: (await efs.fileSystemPolicy(fs.FileSystemId)) !== undefined} : {exists: false}),
    'DB cluster parameter group': async () => ({exists: await rds.parameterGroupExists(names.dbParameterGroup, true)}),
    'DB parameter group': async () => ({exists: await rds.parameterGroupExists(names.dbParameterGroup, false)}),
    'EFS mount targets': async () => {
      if (!fs?.FileSystemId) return {exists: false}
      const targets = await efs.describeMountTargets(fs.FileSystemId)
      return {exists: targets.length > 0, id: targets.map((t) => t.AvailabilityZoneName).join(', ')}
    },
    'IAM role': async (r) => found(await iam.getRole(r.name), (role) => role.Arn),
    'instance profile': async () => found(await iam.getInstanceProfile(names.instanceProfile), (p) => p.Arn),
    'Memcached cluster': async () => found(memcached, (c) => c.CacheClusterId),
    'RDS instance': async () => found(instance, (i) => i.DBInstanceIdentifier),
    'Redis replication group': async () => found(group, (g) => g.ReplicationGroupId),
    secret: async () => {
      const secret = await secrets.describeSecret(names.cacheSecret)
      return {exists: Boolean(secret && !secret.deletedDate), id: secret?.arn}
    },
    'security group': async (r) => {
      if (!existingGroups) return undefined
      const securityGroup = existingGroups.get(r.name)
      const role = SECURITY_GROUP_ROLES.find((candidate) => names.securityGroup[candidate] === r.name)
      if (role && securityGroup?.GroupId) groups[role] = securityGroup.GroupId
      return found(securityGroup, (g) => g.GroupId)
    },
  }

  const resources = await Promise.all(
    plannedResources(config, bundle).map(async (planned): Promise<PlannedResource> => {
      const lookup = lookups[planned.kind]
      if (!lookup) return {...planned, state: 'unknown'}
      const answer = await lookup(planned)
      if (!answer) return {...planned, state: 'unknown'}
      return {...planned, id: answer.id, state: answer.exists ? 'exists' : 'create'}
    }),
  )

  const drift = dataTierDrift(config, {
    cache: group ? {nodeType: group.CacheNodeType, nodes: group.MemberClusters?.length} : memcached && {nodeType: memcached.CacheNodeType, nodes: memcached.NumCacheNodes},
    db: cluster ? {backupRetentionDays: cluster.BackupRetentionPeriod} : instance && {backupRetentionDays: instance.BackupRetentionPeriod, instanceClass: instance.DBInstanceClass, multiAz: instance.MultiAZ},
  })
  warnings.push(...drift.map((line) => `${line}: env create does not resize a live data tier.`))

  const refs = placeholderRefs(config, network)
  const liveRefs: Refs = {...refs, securityGroups: {...refs.securityGroups, ...groups}}
  const desired = optionSettings(config, liveRefs)
  const env = resources.find((r) => r.kind === 'EB environment')
  let deployed: Array<{Namespace?: string; OptionName?: string; Value?: string}> = []
  if (env?.state === 'exists') deployed = await eb.configurationSettings(names.application, names.environment)
  const changes = new Map(changedOptions(desired, deployed).map((c) => [`${c.namespace}|${c.option}`, c]))
  const options = desired.map((o): PlannedOption => {
    const base = {namespace: o.Namespace ?? '', option: o.OptionName ?? '', value: o.Value ?? ''}
    if (env?.state !== 'exists') return base
    const change = changes.get(`${base.namespace}|${base.option}`)
    // A placeholder is not a change: the live value is what env create set from the resource itself.
    if (!change || base.value.startsWith('(')) return {...base, change: 'same'}
    return change.current === undefined ? {...base, change: 'add'} : {...base, change: 'change', current: change.current}
  })
  return finish(config, bundle, 'live', resources, options, liveRefs, warnings)
}

function found<T>(value: T | undefined, id: (value: T) => string | undefined): {exists: boolean; id?: string} {
  return value === undefined ? {exists: false} : {exists: true, id: id(value)}
}
