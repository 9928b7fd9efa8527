/**
 * `hactl plan`: everything `hactl env create` would make, from hactl.yml
 * alone (offline, no credentials), and with AWS at hand what already exists
 * and what would change.
 */
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config/schema'
import type {Bundle} from './bundle'
import {certificateNames, siteBundle, TLS_POLICY} from './https'
import {readSite, type InventoryClients, type SiteInventory, type SiteWant} from '../site/inventory'
import {resourceKindLabel, type ResourceKind} from '../site/inventory-kinds'
import {SECURITY_GROUP_ROLES, siteNames, type SecurityGroupRole} from '../site/names'
import {EGRESS_FIX, checkEgress, checkVpcDns, describeEgressGap, resolveNetwork, type SiteNetwork} from './network'
import {bootScript, bootUserData, seedPayloadObject} from '../seed/boot-script'
import {seedBootOptions} from '../seed/user-data'
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
  /** What it is, typed: code keys on this. */
  readonly resourceKind: ResourceKind
  /** What it is, for people (the label of `resourceKind`). */
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
  readonly summary: {
    readonly create: number
    readonly exists: number
    readonly optionChanges: number
    /** Resources to create, by kind, in plan order (offline: every resource). */
    readonly createByKind: Readonly<Partial<Record<ResourceKind, number>>>
  }
  readonly warnings: readonly string[]
  /**
   * The seed's boot script (its user data) as `seed create` would send it, for
   * review and shellcheck (the bucket is a placeholder until the account is
   * known), and the payload of files it fetches from S3 and runs.
   */
  readonly seed: {
    readonly bootScript: string
    /** Bytes EC2 counts: the gzipped script, against EC2's 16 KB user-data limit. */
    readonly userDataBytes: number
    readonly userDataLimit: number
    /** The files payload (sh) the boot fetches from EB's storage bucket; S3 puts no such limit on it. */
    readonly payload: string
    /** Its gzipped size, as uploaded. */
    readonly payloadBytes: number
    /** Where it goes (`s3://…`, the bucket a placeholder). */
    readonly payloadUrl: string
  }
}

/** What the offline plan shows where a value exists only after creation. */
function placeholderRefs(config: HactlConfig, network?: SiteNetwork): Refs {
  const groups = Object.fromEntries(SECURITY_GROUP_ROLES.map((role) => [role, `(${siteNames(config.site, config.region).securityGroup[role]})`])) as Record<
    SecurityGroupRole,
    string
  >
  const subnets = config.network.subnets.length > 0 ? config.network.subnets : ['(default subnets)']
  return {
    accessPointId: '(EFS access point)',
    account: '(account)',
    appDbSecretArn: '(app DB secret ARN)',
    cache: {endpoint: '(cache endpoint)', port: cachePort(config), secretArn: config.cache.engine === 'redis' ? '(cache AUTH token secret ARN)' : undefined},
    db: {
      endpoint: '(database endpoint)',
      port: dbPort(config),
      readerEndpoint: isAurora(config) ? '(database reader endpoint)' : undefined,
      secretArn: '(RDS-managed master secret ARN)',
    },
    certificateArn: config.domain ? (config.https.certificateArn ?? `(ACM certificate for ${certificateNames(config).join(', ')})`) : undefined,
    efsId: '(EFS file system)',
    instanceSubnets: network?.subnets ?? subnets,
    loadBalancerSubnets: network?.loadBalancerSubnets ?? (config.network.loadBalancerSubnets.length > 0 ? config.network.loadBalancerSubnets : subnets),
    securityGroups: groups,
    vpcId: network?.vpcId ?? (config.network.vpcId === 'default' ? '(default VPC)' : config.network.vpcId),
  }
}

function resource(kind: ResourceKind, name: string, tags: Tags, settings: Record<string, string | number | boolean | undefined>): PlannedResource {
  const clean = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
  return {kind: resourceKindLabel(kind), name, resourceKind: kind, settings: clean, state: 'create', tags}
}

/** Every resource env create makes, in the order a reader follows them. */
export function plannedResources(config: HactlConfig, bundle: Bundle): PlannedResource[] {
  const names = siteNames(config.site, config.region)
  const db = config.database
  const refs = placeholderRefs(config)
  const list: PlannedResource[] = []
  for (const spec of securityGroupSpecs(config, refs.securityGroups)) {
    list.push(resource('security-group', spec.name, tagsFor(config, spec.role), {admits: spec.admits.join('; ') || 'nothing (no inbound rules)', egress: 'all (AWS default)'}))
  }

  list.push(
    resource('iam-role', names.instanceRole, tagsFor(config, 'iam'), {policies: [...MANAGED_POLICIES.instance, 'inline hactl-site-access (this site\'s secrets, uploads access point, own tags)'].join(', '), trust: 'ec2.amazonaws.com'}),
    resource('instance-profile', names.instanceProfile, tagsFor(config, 'iam'), {role: names.instanceRole}),
    resource('iam-role', names.serviceRole, tagsFor(config, 'iam'), {policies: [...MANAGED_POLICIES.service, `inline ${SERVICE_POLICY_NAME} (health streaming to CloudWatch Logs)`].join(', '), trust: 'elasticbeanstalk.amazonaws.com'}),
    resource('efs-file-system', names.efsCreationToken, tagsFor(config, 'uploads'), {
      backups: 'on',
      encrypted: true,
      holds: 'user uploads only',
      throughputMode: config.uploads.throughputMode,
    }),
    resource('efs-mount-targets', `${names.efsCreationToken} (one per AZ)`, {}, {securityGroup: names.securityGroup.efs, subnets: 'one per Availability Zone of the instance subnets'}),
    resource('efs-access-point', '/uploads', tagsFor(config, 'uploads'), {mountedAt: config.uploads.path, path: '/uploads', posixUser: `${UPLOADS_POSIX_ID}:${UPLOADS_POSIX_ID}`}),
    resource('efs-file-system-policy', names.efsCreationToken, {}, {denies: 'mounts without TLS; mounts not through the access point'}),
    resource(isAurora(config) ? 'db-cluster-parameter-group' : 'db-parameter-group', names.dbParameterGroup, tagsFor(config, 'db'), {
      ...dbTlsParameters(config),
      family: `${config.database.engine} ${config.database.version ?? '(default version)'}`,
    }),
    resource('db-subnet-group', names.dbSubnetGroup, tagsFor(config, 'db'), {subnets: 'the instance subnets'}),
  )
  if (isAurora(config)) {
    list.push(resource('aurora-cluster', names.db, tagsFor(config, 'db'), {
      backupRetentionDays: db.backupRetentionDays,
      deletionProtection: true,
      encrypted: true,
      engine: db.engine,
      masterPassword: 'managed by RDS in Secrets Manager',
      version: db.version ?? 'engine default',
    }))
    for (const input of auroraInstanceInputs(config)) {
      const tags = Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))
      list.push(resource('aurora-instance', input.DBInstanceIdentifier ?? '', tags, {class: db.instanceClass, publiclyAccessible: false}))
    }
  } else {
    list.push(resource('rds-instance', names.db, tagsFor(config, 'db'), {
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

  list.push(resource('cache-subnet-group', names.cacheSubnetGroup, tagsFor(config, 'cache'), {subnets: 'the instance subnets'}))
  if (config.cache.engine === 'redis') {
    list.push(
      resource('secret', names.cacheSecret, tagsFor(config, 'cache'), {holds: 'Redis AUTH token (generated by Secrets Manager)'}),
      resource('redis-replication-group', names.cache, tagsFor(config, 'cache'), {
        atRestEncryption: true,
        authToken: 'from the secret above',
        multiAzFailover: (config.cache.replicas ?? 0) > 0,
        nodeType: config.cache.nodeType,
        nodes: 1 + (config.cache.replicas ?? 0),
        transitEncryption: true,
      }),
    )
  } else {
    list.push(resource('memcached-cluster', names.cache, tagsFor(config, 'cache'), {
      nodeType: config.cache.nodeType,
      nodes: estimateInstances(config).cacheNodes,
      transitEncryption: true,
    }))
  }

  list.push(
    resource('secret', names.appDbSecret, tagsFor(config, 'db'), {holds: `the app's own DB user ${names.appDbUser} and its password (generated by Secrets Manager; RDS does not rotate it)`}),
    resource('ssm-pointer', names.pointerParameter, {}, {holds: 'endpoints, names and secret ARNs for the seed and web nodes (no secret)', type: 'String (JSON)'}),
    resource('bundle-object', `elasticbeanstalk-${config.region}-(account)/${names.bundleKey(bundle.versionLabel)}`, {}, {bytes: bundle.zip.length, encryption: 'AES256'}),
    resource('eb-application', names.application, tagsFor(config, 'application'), {}),
    resource('eb-application-version', bundle.versionLabel, tagsFor(config, 'application'), {bundleSha256: bundle.sha256}),
    resource('eb-environment', names.environment, tagsFor(config, 'environment'), {
      instances: `${config.environment.minSize}–${config.environment.maxSize} × ${config.environment.instanceType}`,
      loadBalancer: 'application (public)',
      platform: `${config.environment.platform} (latest version)`,
      rollout: config.environment.rollout.policy,
      servesUntilFirstRollout: 'the holding page',
      ...httpsSettings(config),
    }),
  )
  return list
}

/** What the plan says about HTTPS on the environment: certificate, listener, redirect (src/env/https.ts). */
function httpsSettings(config: HactlConfig): Record<string, string> {
  if (!config.domain) return {https: 'none: no domain in hactl.yml, the site is served over HTTP on its EB URL'}
  return {
    certificate: config.https.certificateArn ?? `ACM, DNS-validated, for ${certificateNames(config).join(', ')} (requested or reused; records in Route 53 when the zone is in the account, else printed)`,
    httpsListener: `443 HTTPS with ${TLS_POLICY}`,
    httpRedirect: '80 → 301 https://#{host}/#{path}?#{query}, by the load balancer',
  }
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
      createByKind: countByKind(resources.filter((r) => r.state === 'create')),
      exists: resources.filter((r) => r.state === 'exists').length,
      optionChanges: options.filter((o) => o.change && o.change !== 'same').length,
    },
    warnings,
    seed: seedPlan(config),
  }
}

/** EC2's limit on user data, in bytes (before base64): https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html */
const USER_DATA_LIMIT = 16 * 1024

function seedPlan(config: HactlConfig): PlanResult['seed'] {
  const options = seedBootOptions(config)
  const payload = seedPayloadObject(options)
  const bucket = `elasticbeanstalk-${config.region}-(account)`
  return {
    bootScript: bootScript(options, bucket, payload),
    payload: payload.text,
    payloadBytes: payload.body.length,
    payloadUrl: `s3://${bucket}/${payload.key}`,
    userDataBytes: bootUserData(options, bucket, payload).length,
    userDataLimit: USER_DATA_LIMIT,
  }
}

function countByKind(resources: readonly PlannedResource[]): Partial<Record<ResourceKind, number>> {
  const counts: Partial<Record<ResourceKind, number>> = {}
  for (const r of resources) counts[r.resourceKind] = (counts[r.resourceKind] ?? 0) + 1
  return counts
}

export function planOffline(config: HactlConfig, base: Bundle): PlanResult {
  const bundle = siteBundle(config, base)
  const refs = placeholderRefs(config)
  const options = optionSettings(config, refs).map((o) => ({namespace: o.Namespace ?? '', option: o.OptionName ?? '', value: o.Value ?? ''}))
  return finish(config, bundle, 'offline', plannedResources(config, bundle), options, refs, [])
}

/** Where `plan` looks: any of these makes it a live plan. */
export interface PlanTarget {
  /** --live: compare with the AWS account the credentials reach. */
  readonly live?: boolean
  /** --sandbox: compare with the simulated region. */
  readonly sandbox?: boolean
  /** --endpoint-url: compare with that endpoint (LocalStack, moto). */
  readonly endpointUrl?: string
}

export type PlanClients = InventoryClients & Pick<AwsClients, 'ec2'>

export interface PlanOptions {
  /** hactl.yml, resolved. */
  readonly config: HactlConfig
  /** The application bundle `env create` would upload. */
  readonly bundle: Bundle
  /** What to compare with. @default offline */
  readonly target?: PlanTarget
  /** The APIs a live plan reads; asked for only when the plan is live, so an offline plan needs no credentials. */
  readonly clients: () => Promise<PlanClients>
}

/** A naming of an AWS to compare with is a request to compare. */
export function isLivePlan(target: PlanTarget = {}): boolean {
  return target.live === true || target.sandbox === true || Boolean(target.endpointUrl)
}

/** `hactl plan`: offline from hactl.yml alone, or compared with what exists when an AWS is named. */
export async function plan(options: PlanOptions): Promise<PlanResult> {
  if (!isLivePlan(options.target)) return planOffline(options.config, options.bundle)
  return planLive({bundle: options.bundle, clients: await options.clients(), config: options.config})
}

export interface PlanLiveOptions {
  readonly config: HactlConfig
  readonly bundle: Bundle
  readonly clients: PlanClients
}

/** What env create would refuse (DNS off) or warn about (no way out of the VPC), as plan warnings. */
async function networkWarnings(clients: PlanClients, config: HactlConfig, network: SiteNetwork): Promise<string[]> {
  const ec2 = await clients.ec2()
  const warnings: string[] = []
  await checkVpcDns(ec2, network.vpcId).catch((error: Error) => warnings.push(`Network: ${error.message}`))
  const egress = await checkEgress(ec2, network, config).catch((error: Error) => {
    warnings.push(`Network: could not read the VPC's route tables and endpoints: ${error.message}`)
    return undefined
  })
  if (egress && !egress.ok) warnings.push(`Network: ${describeEgressGap(egress)} ${EGRESS_FIX}`)
  return warnings
}

/** Everything a live plan compares with, read once: the network, then the site (its groups live in the network's VPC). */
async function readForPlan({bundle, clients, config}: PlanLiveOptions, warnings: string[]): Promise<{inventory: SiteInventory; network?: SiteNetwork}> {
  const want: SiteWant = {
    application: true,
    bundle: {versionLabel: bundle.versionLabel},
    cache: {supporting: true},
    database: {members: true, supporting: true},
    environment: {settings: true},
    iam: true,
    // The app's DB secret exists for every engine (the cache token for Redis only).
    secrets: true,
    pointers: true,
    uploads: {policy: true},
  }
  const [network, inventory] = await Promise.all([
    clients.ec2().then((ec2) => resolveNetwork(ec2, config)).catch((error: Error) => {
      warnings.push(`Network: ${error.message}`)
      return undefined
    }),
    readSite({clients, config, want}),
  ])
  if (!network) return {inventory}
  warnings.push(...(await networkWarnings(clients, config, network)))
  const groups = await readSite({clients, config, want: {securityGroups: {vpcId: network.vpcId}}})
  return {inventory: {...inventory, securityGroups: groups.securityGroups}, network}
}

export async function planLive(options: PlanLiveOptions): Promise<PlanResult> {
  const {config} = options
  const bundle = siteBundle(config, options.bundle)
  const warnings: string[] = []
  const {inventory, network} = await readForPlan({...options, bundle}, warnings)
  const resources = plannedResources(config, bundle).map((planned): PlannedResource => {
    const answer = existence(inventory, config, planned)
    if (!answer) return {...planned, state: 'unknown'}
    return {...planned, id: answer.id, state: answer.exists ? 'exists' : 'create'}
  })

  const {cache, database} = inventory
  const group = cache?.replicationGroup
  const memcached = cache?.cluster
  const drift = dataTierDrift(config, {
    cache: group ? {nodeType: group.CacheNodeType, nodes: group.MemberClusters?.length} : memcached && {nodeType: memcached.CacheNodeType, nodes: memcached.NumCacheNodes},
    db: database?.cluster
      ? {backupRetentionDays: database.cluster.BackupRetentionPeriod}
      : database?.instance && {backupRetentionDays: database.instance.BackupRetentionPeriod, instanceClass: database.instance.DBInstanceClass, multiAz: database.instance.MultiAZ},
  })
  warnings.push(...drift.map((line) => `${line}: env create does not resize a live data tier.`))

  const refs = placeholderRefs(config, network)
  const groups: Partial<Record<SecurityGroupRole, string>> = {}
  for (const [role, found] of Object.entries(inventory.securityGroups?.byRole ?? {})) if (found.GroupId) groups[role as SecurityGroupRole] = found.GroupId
  const liveRefs: Refs = {...refs, securityGroups: {...refs.securityGroups, ...groups}}
  const desired = optionSettings(config, liveRefs)
  const envExists = inventory.environment?.description !== undefined
  const changes = new Map(changedOptions(desired, inventory.environment?.settings ?? []).map((c) => [`${c.namespace}|${c.option}`, c]))
  const plannedOptions = desired.map((o): PlannedOption => {
    const base = {namespace: o.Namespace ?? '', option: o.OptionName ?? '', value: o.Value ?? ''}
    if (!envExists) return base
    const change = changes.get(`${base.namespace}|${base.option}`)
    // A placeholder is not a change: the live value is what env create set from the resource itself.
    // (The certificate's placeholder on an environment without HTTPS yet is an addition.)
    if (!change || (base.value.startsWith('(') && change.current !== undefined)) return {...base, change: 'same'}
    return change.current === undefined ? {...base, change: 'add'} : {...base, change: 'change', current: change.current}
  })
  return finish(config, bundle, 'live', resources, plannedOptions, liveRefs, warnings)
}

interface Existence {
  readonly exists: boolean
  readonly id?: string
}

function found<T>(value: T | undefined, id: (value: T) => string | undefined): Existence {
  return value === undefined ? {exists: false} : {exists: true, id: id(value)}
}

/**
 * Whether a planned resource exists, from the inventory, by the same name
 * `env create` finds it by. Undefined: the inventory cannot say (the network
 * did not resolve, or S3 cannot be asked before EB's bucket is known).
 */
function existence(inventory: SiteInventory, config: HactlConfig, planned: PlannedResource): Existence | undefined {
  const names = siteNames(config.site, config.region)
  const {application, bundle, cache, database, environment, iam, pointers, secrets, securityGroups, uploads} = inventory
  const fs = uploads?.fileSystem
  switch (planned.resourceKind) {
    case 'security-group': {
      if (!securityGroups) return undefined
      const role = SECURITY_GROUP_ROLES.find((candidate) => names.securityGroup[candidate] === planned.name)
      return found(role && securityGroups.byRole[role], (g) => g.GroupId)
    }

    case 'iam-role':
      return found(planned.name === names.serviceRole ? iam?.serviceRole : iam?.instanceRole, (role) => role.Arn)
    case 'instance-profile':
      return found(iam?.instanceProfile, (p) => p.Arn)
    case 'efs-file-system':
      return found(fs, (f) => f.FileSystemId)
    case 'efs-mount-targets': {
      const targets = uploads?.mountTargets ?? []
      return fs ? {exists: targets.length > 0, id: targets.map((t) => t.AvailabilityZoneName).join(', ')} : {exists: false}
    }

    case 'efs-access-point':
      return fs ? found(uploads?.accessPoints[0], (p) => p.AccessPointId) : {exists: false}
    case 'efs-file-system-policy':
      return {exists: fs !== undefined && uploads?.policy !== undefined}
    case 'db-parameter-group':
    case 'db-cluster-parameter-group':
      return {exists: database?.parameterGroupExists === true}
    case 'db-subnet-group':
      return found(database?.subnetGroup, (g) => g.DBSubnetGroupName)
    case 'aurora-cluster':
      return found(database?.cluster, (c) => c.DBClusterIdentifier)
    case 'aurora-instance':
      return found(database?.clusterInstances.find((i) => i.DBInstanceIdentifier === planned.name), (i) => i.DBInstanceIdentifier)
    case 'rds-instance':
      return found(database?.instance, (i) => i.DBInstanceIdentifier)
    case 'cache-subnet-group':
      return found(cache?.subnetGroup, (g) => g.CacheSubnetGroupName)
    case 'secret': {
      const secret = planned.name === names.appDbSecret ? secrets?.appDb : secrets?.cacheAuth
      return {exists: Boolean(secret && !secret.deletedDate), id: secret?.arn}
    }

    case 'ssm-pointer':
      return {exists: pointers?.values.site !== undefined}
    case 'redis-replication-group':
      return found(cache?.replicationGroup, (g) => g.ReplicationGroupId)
    case 'memcached-cluster':
      return found(cache?.cluster, (c) => c.CacheClusterId)
    case 'bundle-object':
      return bundle?.objectExists === undefined ? undefined : {exists: bundle.objectExists}
    case 'eb-application':
      return found(application?.application, (a) => a.ApplicationName)
    case 'eb-application-version':
      return found(bundle?.version, (v) => v.VersionLabel)
    case 'eb-environment':
      return found(environment?.description, (e) => e.EnvironmentId)
    default:
      // Seed, images and pointers are not made by env create, so the plan has none of them.
      return undefined
  }
}
