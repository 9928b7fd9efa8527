/**
 * `hactl doctor`: checks the live site against the invariants in DESIGN.md
 * that AWS can show today (IMDSv2, encryption, security groups, Multi-AZ,
 * EFS reach, rollout capacity, no secrets in environment properties, private
 * AMIs) and says, for each one that fails, which resource is wrong and how
 * to put it right.
 *
 *   read (in parallel)                         judge (pure)           result
 *   ┌ EB environment ─► settings, resources ─► instances ┐
 *   ├ EFS file system ─► mount targets, backup policy   │
 *   ├ RDS instance / Aurora cluster + its instances     ├─► SiteFacts ─► checks ─► DoctorResult
 *   ├ Redis group / Memcached cluster                   │
 *   ├ security groups, images, instances by tag         │
 *   └ network (subnets and their AZs)                   ┘
 *
 * Reading and judging are apart so the judges are plain functions of what
 * AWS said, testable without AWS. Doctor only reads: it changes nothing.
 * It never prints a secret: a check that finds one names the property.
 */
import type {ConfigurationOptionSetting, EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'
import type {Image, Instance, IpPermission, SecurityGroup} from '@aws-sdk/client-ec2'
import type {FileSystemDescription, MountTargetDescription} from '@aws-sdk/client-efs'
import type {CacheCluster, ReplicationGroup} from '@aws-sdk/client-elasticache'
import type {DBCluster, DBInstance} from '@aws-sdk/client-rds'

import type {AwsClients} from '../aws/clients'
import {ExitCode} from '../cli/exit-codes'
import type {HactlConfig} from '../config/schema'
import {ChecksFailedError, HactlError, UserError} from '../errors'
import {silentReporter, type Reporter} from '../ui/reporter'
import {SECURITY_GROUP_ROLES, siteNames, type SecurityGroupRole, type SiteNames} from './names'
import {resolveNetwork, type SiteNetwork} from './network'
import {cachePort, dbPort, isAurora} from './spec'

// ---------------------------------------------------------------------------
// Result

export type CheckStatus = 'pass' | 'fail' | 'skip'

/** Every check doctor runs, in the order it reports them. */
export const DOCTOR_CHECKS = {
  imdsv2: 'Instances require IMDSv2',
  'efs-encrypted': 'Uploads file system encrypted at rest',
  'db-encrypted': 'Database encrypted at rest',
  'cache-encrypted': 'Cache encrypted in transit (and at rest for Redis)',
  'security-groups': 'Security groups admit only what they must',
  'db-multi-az': 'Database survives the loss of an Availability Zone',
  'db-not-public': 'Database not publicly accessible',
  'db-deletion-protection': 'Database deletion protection on',
  'efs-mount-targets': 'Uploads reachable in every Availability Zone',
  'efs-backups': 'Uploads file system backed up',
  'rollout-capacity': 'A rollout never drops below the minimum in service',
  'no-plaintext-secrets': 'No secret in plain text in environment properties',
  'amis-private': 'AMIs private',
} as const

export type CheckId = keyof typeof DOCTOR_CHECKS

export interface DoctorCheck {
  readonly id: CheckId
  readonly title: string
  readonly status: CheckStatus
  /** One line: what was found, naming the offending resource (never a secret's value). */
  readonly detail: string
  /** What the operator can do about a failure or a skip. Absent when the check passed. */
  readonly remedy?: string
}

export interface DoctorResult {
  readonly site: string
  readonly checks: readonly DoctorCheck[]
  readonly passed: number
  readonly failed: number
  readonly skipped: number
}

export type DoctorClients = Pick<AwsClients, 'eb' | 'ec2' | 'efs' | 'elasticache' | 'rds'>

export interface DoctorOptions {
  /** hactl.yml, resolved. */
  readonly config: HactlConfig
  /** The APIs doctor reads from. Doctor calls only Describe/List operations. */
  readonly clients: DoctorClients
  /** Told when the reading starts and ends. @default silentReporter */
  readonly reporter?: Reporter
}

// ---------------------------------------------------------------------------
// What AWS says

export interface EnvironmentFacts {
  readonly description: EnvironmentDescription
  readonly settings: readonly ConfigurationOptionSetting[]
  /** Running instances of the environment (DescribeEnvironmentResources → DescribeInstances). */
  readonly instances: readonly Instance[]
}

export type DatabaseFacts =
  | {readonly kind: 'instance'; readonly instance: DBInstance}
  | {readonly kind: 'cluster'; readonly cluster: DBCluster; readonly instances: readonly DBInstance[]}

export type CacheFacts = {readonly kind: 'redis'; readonly group: ReplicationGroup} | {readonly kind: 'memcached'; readonly cluster: CacheCluster}

export interface FileSystemFacts {
  readonly description: FileSystemDescription
  readonly mountTargets: readonly MountTargetDescription[]
  /** ENABLED, DISABLED, ENABLING, DISABLING; undefined when EFS has no policy for it. */
  readonly backup?: string
}

/** Everything the checks judge, read once. */
export interface SiteFacts {
  readonly config: HactlConfig
  readonly environment?: EnvironmentFacts
  /** Running instances tagged hactl:site=<site> (the seed, and web instances EB tagged). */
  readonly siteInstances: readonly Instance[]
  readonly fileSystem?: FileSystemFacts
  readonly database?: DatabaseFacts
  readonly cache?: CacheFacts
  /** The site's security groups (tag hactl:site). */
  readonly securityGroups: readonly SecurityGroup[]
  /** AMIs the account owns tagged hactl:site=<site>, and the environment's own AMI if the account owns it. */
  readonly images: readonly Image[]
  /** The environment's ImageId setting, when it has one. */
  readonly environmentImageId?: string
  /** The site's subnets, or why they could not be resolved. */
  readonly network: SiteNetwork | HactlError
}

const NS = {
  asg: 'aws:autoscaling:asg',
  command: 'aws:elasticbeanstalk:command',
  launch: 'aws:autoscaling:launchconfiguration',
  properties: 'aws:elasticbeanstalk:application:environment',
  rolling: 'aws:autoscaling:updatepolicy:rollingupdate',
} as const

/** One option's value from the environment's settings. */
export function settingOf(settings: readonly ConfigurationOptionSetting[], namespace: string, name: string): string | undefined {
  return settings.find((s) => s.Namespace === namespace && s.OptionName === name && s.ResourceName === undefined)?.Value
}

async function readEnvironment(clients: DoctorClients, names: SiteNames): Promise<EnvironmentFacts | undefined> {
  const eb = await clients.eb()
  const description = await eb.describeEnvironment(names.environment)
  if (!description) return undefined
  const [settings, resources] = await Promise.all([
    eb.configurationSettings(names.application, names.environment),
    eb.environmentResources(names.environment),
  ])
  const instances =
    resources.instanceIds.length === 0
      ? []
      : await (await clients.ec2()).describeInstances({instanceIds: resources.instanceIds, states: ['running']})
  return {description, instances, settings}
}

async function readFileSystem(clients: DoctorClients, names: SiteNames): Promise<FileSystemFacts | undefined> {
  const efs = await clients.efs()
  const description = await efs.findFileSystem(names.efsCreationToken)
  const id = description?.FileSystemId
  if (!description || !id) return undefined
  const [mountTargets, backup] = await Promise.all([efs.describeMountTargets(id), efs.backupPolicyStatus(id)])
  return {backup, description, mountTargets}
}

async function readDatabase(clients: DoctorClients, config: HactlConfig, names: SiteNames): Promise<DatabaseFacts | undefined> {
  const rds = await clients.rds()
  if (!isAurora(config)) {
    const instance = await rds.describeInstance(names.db)
    return instance ? {instance, kind: 'instance'} : undefined
  }

  const [cluster, instances] = await Promise.all([rds.describeCluster(names.db), rds.describeClusterInstances(names.db)])
  return cluster ? {cluster, instances, kind: 'cluster'} : undefined
}

async function readCache(clients: DoctorClients, config: HactlConfig, names: SiteNames): Promise<CacheFacts | undefined> {
  const cache = await clients.elasticache()
  if (config.cache.engine === 'redis') {
    const group = await cache.describeReplicationGroup(names.cache)
    return group ? {group, kind: 'redis'} : undefined
  }

  const cluster = await cache.describeCacheCluster(names.cache)
  return cluster ? {cluster, kind: 'memcached'} : undefined
}

/** A network that cannot be resolved is a finding of the mount-target check, not a reason to stop the others. */
async function readNetwork(clients: DoctorClients, config: HactlConfig): Promise<SiteNetwork | HactlError> {
  try {
    return await resolveNetwork(await clients.ec2(), config)
  } catch (error) {
    if (HactlError.isHactlError(error) && error.exitCode === ExitCode.Usage) return error
    throw error
  }
}

/** The environment's AMI, when it is a custom one the account owns (a platform AMI is AWS's, and public by design). */
async function readEnvironmentImage(clients: DoctorClients, imageId: string | undefined, known: readonly Image[]): Promise<Image[]> {
  if (!imageId || known.some((image) => image.ImageId === imageId)) return []
  return (await clients.ec2()).describeImages({imageIds: [imageId], owners: ['self']})
}

/** Reads everything the checks need; independent lookups run side by side. */
export async function readSiteFacts(clients: DoctorClients, config: HactlConfig): Promise<SiteFacts> {
  const names = siteNames(config.site)
  const byTag = {'hactl:site': config.site}
  const ec2 = await clients.ec2()
  const [environment, fileSystem, database, cache, securityGroups, taggedImages, siteInstances, network] = await Promise.all([
    readEnvironment(clients, names),
    readFileSystem(clients, names),
    readDatabase(clients, config, names),
    readCache(clients, config, names),
    ec2.describeSecurityGroups({tags: byTag}),
    ec2.describeImages({owners: ['self'], tags: byTag}),
    ec2.describeInstances({states: ['running'], tags: byTag}),
    readNetwork(clients, config),
  ])
  const environmentImageId = environment ? settingOf(environment.settings, NS.launch, 'ImageId') : undefined
  const environmentImage = await readEnvironmentImage(clients, environmentImageId, taggedImages)
  return {
    cache,
    config,
    database,
    environment,
    environmentImageId,
    fileSystem,
    images: [...taggedImages, ...environmentImage],
    network,
    securityGroups,
    siteInstances,
  }
}

// ---------------------------------------------------------------------------
// Checks

type Verdict = {readonly status: CheckStatus; readonly detail: string; readonly remedy?: string}

const pass = (detail: string): Verdict => ({detail, status: 'pass'})
const fail = (detail: string, remedy: string): Verdict => ({detail, remedy, status: 'fail'})
const CREATE_HINT = 'Run `hactl env create`.'
const skip = (detail: string, remedy = CREATE_HINT): Verdict => ({detail, remedy, status: 'skip'})

function plural(count: number, word: string): string {
  if (count === 1) return `1 ${word}`
  return `${count} ${word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`
}

/** `a, b and 3 more`: a detail stays one readable line however many resources are wrong. */
function listOf(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}

function ebSetting(environment: string, namespace: string, name: string, value: string | number): string {
  return `aws elasticbeanstalk update-environment --environment-name ${environment} --option-settings Namespace=${namespace},OptionName=${name},Value=${value}`
}

// -- IMDSv2 ------------------------------------------------------------------

function checkImdsv2(facts: SiteFacts, names: SiteNames): Verdict {
  const env = facts.environment
  const instances = uniqueInstances([...(env?.instances ?? []), ...facts.siteInstances])
  if (!env && instances.length === 0) return skip(`no environment ${names.environment} and no instances of the site yet`)
  const problems: string[] = []
  const remedies: string[] = []
  if (env && settingOf(env.settings, NS.launch, 'DisableIMDSv1')?.toLowerCase() !== 'true') {
    problems.push(`${names.environment} does not set DisableIMDSv1=true, so new instances accept IMDSv1`)
    remedies.push(ebSetting(names.environment, NS.launch, 'DisableIMDSv1', 'true'))
  }

  const optional = instances.filter((instance) => instance.MetadataOptions?.HttpTokens !== 'required').map((i) => i.InstanceId ?? '?')
  if (optional.length > 0) {
    problems.push(`${listOf(optional)} accept${optional.length === 1 ? 's' : ''} IMDSv1 (HttpTokens optional)`)
    remedies.push(`aws ec2 modify-instance-metadata-options --http-tokens required --instance-id ${optional[0]}${optional.length > 1 ? ' (each instance)' : ''}`)
  }

  if (problems.length > 0) return fail(problems.join('; '), remedies.join('; then '))
  return pass(`IMDSv2 required on ${plural(instances.length, 'instance')}${env ? ' and in the launch settings' : ''}`)
}

function uniqueInstances(instances: readonly Instance[]): Instance[] {
  const byId = new Map<string, Instance>()
  for (const instance of instances) byId.set(instance.InstanceId ?? '', instance)
  return [...byId.values()]
}

// -- encryption --------------------------------------------------------------

function checkEfsEncrypted(facts: SiteFacts, names: SiteNames): Verdict {
  const fs = facts.fileSystem?.description
  if (!fs) return skip(`no EFS file system ${names.efsCreationToken} yet`)
  if (fs.Encrypted) return pass(`${fs.FileSystemId} is encrypted at rest${fs.KmsKeyId ? ` (${fs.KmsKeyId.split('/').pop()})` : ''}`)
  return fail(
    `${fs.FileSystemId} (${names.efsCreationToken}) is not encrypted at rest`,
    'EFS cannot encrypt an existing file system: create an encrypted one, copy the uploads across (AWS DataSync), then point the site at it.',
  )
}

function checkDbEncrypted(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  const encrypted = db.kind === 'instance' ? db.instance.StorageEncrypted : db.cluster.StorageEncrypted
  const what = db.kind === 'instance' ? `RDS instance ${names.db}` : `Aurora cluster ${names.db}`
  if (encrypted) return pass(`${what} is encrypted at rest`)
  return fail(
    `${what} is not encrypted at rest`,
    'RDS cannot encrypt a database in place: snapshot it, copy the snapshot with --kms-key-id alias/aws/rds, restore from the copy and point the site at it.',
  )
}

function checkCacheEncrypted(facts: SiteFacts, names: SiteNames): Verdict {
  const cache = facts.cache
  if (!cache) return skip(`no cache ${names.cache} yet`)
  const missing: string[] = []
  if (cache.kind === 'redis') {
    if (!cache.group.AtRestEncryptionEnabled) missing.push('at rest')
    if (!cache.group.TransitEncryptionEnabled) missing.push('in transit')
  } else if (!cache.cluster.TransitEncryptionEnabled) {
    missing.push('in transit')
  }

  const what = cache.kind === 'redis' ? `Redis replication group ${names.cache}` : `Memcached cluster ${names.cache}`
  if (missing.length === 0) return pass(`${what} is encrypted ${cache.kind === 'redis' ? 'at rest and in transit' : 'in transit'}`)
  return fail(
    `${what} is not encrypted ${missing.join(' or ')}`,
    'ElastiCache fixes at-rest encryption at creation: create an encrypted cache (at rest and in transit), switch the site to it, then delete this one.',
  )
}

// -- security groups ---------------------------------------------------------

const WORLD = new Set(['0.0.0.0/0', '::/0'])
/** The load balancer's listener ports: the only thing the world may reach. */
const LISTENER_PORTS = new Set([80, 443])

interface RuleSource {
  readonly kind: 'cidr' | 'cidr6' | 'group' | 'prefix-list'
  readonly value: string
}

interface GroupFinding {
  readonly group: SecurityGroup
  readonly permission: IpPermission
  readonly source: RuleSource
  readonly why: string
}

function roleOf(group: SecurityGroup, names: SiteNames): SecurityGroupRole | undefined {
  const tagged = group.Tags?.find((tag) => tag.Key === 'hactl:role')?.Value
  const byTag = SECURITY_GROUP_ROLES.find((role) => role === tagged)
  return byTag ?? SECURITY_GROUP_ROLES.find((role) => names.securityGroup[role] === group.GroupName)
}

function protocolOf(permission: IpPermission): string {
  const protocol = (permission.IpProtocol ?? '-1').toLowerCase()
  return ({'-1': 'all', '17': 'udp', '6': 'tcp', all: 'all'} as Record<string, string>)[protocol] ?? protocol
}

/** `tcp/22`, `tcp/1024-2048`, `all traffic`. */
export function describePermission(permission: IpPermission): string {
  const protocol = protocolOf(permission)
  if (protocol === 'all') return 'all traffic'
  const {FromPort: from, ToPort: to} = permission
  if (from === undefined || from === -1) return `${protocol}/all ports`
  return `${protocol}/${from === to ? from : `${from}-${to}`}`
}

function coversPort(permission: IpPermission, port: number): boolean {
  const protocol = protocolOf(permission)
  if (protocol === 'all') return true
  if (protocol !== 'tcp') return false
  const from = permission.FromPort ?? -1
  const to = permission.ToPort ?? -1
  return from === -1 || (from <= port && port <= to)
}

function sourcesOf(permission: IpPermission): RuleSource[] {
  return [
    ...(permission.IpRanges ?? []).map((range) => ({kind: 'cidr' as const, value: range.CidrIp ?? ''})),
    ...(permission.Ipv6Ranges ?? []).map((range) => ({kind: 'cidr6' as const, value: range.CidrIpv6 ?? ''})),
    ...(permission.UserIdGroupPairs ?? []).map((pair) => ({kind: 'group' as const, value: pair.GroupId ?? ''})),
    ...(permission.PrefixListIds ?? []).map((list) => ({kind: 'prefix-list' as const, value: list.PrefixListId ?? ''})),
  ]
}

function isListener(permission: IpPermission): boolean {
  return protocolOf(permission) === 'tcp' && permission.FromPort === permission.ToPort && LISTENER_PORTS.has(permission.FromPort ?? -1)
}

/** Why one (rule, source) pair breaks the invariant, or undefined when it is allowed. */
function judgeRule(
  role: SecurityGroupRole | undefined,
  permission: IpPermission,
  source: RuleSource,
  context: {readonly clients: ReadonlySet<string>; readonly ports: Readonly<Partial<Record<SecurityGroupRole, number>>>},
): string | undefined {
  if (WORLD.has(source.value) && !(role === 'lb' && isListener(permission))) return 'only the load balancer\'s listener, tcp/80 and tcp/443, may be open to the world'
  if (coversPort(permission, 22)) return 'no SSH port: instances are reached through SSM'
  const port = role === undefined ? undefined : context.ports[role]
  if (port === undefined) return undefined
  const onPort = protocolOf(permission) === 'tcp' && permission.FromPort === port && permission.ToPort === port
  if (!onPort || source.kind !== 'group' || !context.clients.has(source.value)) return `only the web and seed groups, on tcp/${port}`
  return undefined
}

function revokeCommand(finding: GroupFinding): string {
  const {permission, source} = finding
  const parts = [`IpProtocol=${permission.IpProtocol ?? '-1'}`]
  if (permission.FromPort !== undefined) parts.push(`FromPort=${permission.FromPort}`)
  if (permission.ToPort !== undefined) parts.push(`ToPort=${permission.ToPort}`)
  const peer = {
    cidr: `IpRanges=[{CidrIp=${source.value}}]`,
    cidr6: `Ipv6Ranges=[{CidrIpv6=${source.value}}]`,
    group: `UserIdGroupPairs=[{GroupId=${source.value}}]`,
    'prefix-list': `PrefixListIds=[{PrefixListId=${source.value}}]`,
  }[source.kind]
  parts.push(peer)
  return `aws ec2 revoke-security-group-ingress --group-id ${finding.group.GroupId} --ip-permissions '${parts.join(',')}'`
}

function securityGroupFindings(facts: SiteFacts, names: SiteNames): GroupFinding[] {
  const idOf = (role: SecurityGroupRole): string | undefined =>
    facts.securityGroups.find((group) => roleOf(group, names) === role)?.GroupId
  const clients = new Set([idOf('web'), idOf('seed')].filter((id): id is string => Boolean(id)))
  const ports = {cache: cachePort(facts.config), db: dbPort(facts.config), efs: 2049}
  const findings: GroupFinding[] = []
  for (const group of facts.securityGroups) {
    const role = roleOf(group, names)
    for (const permission of group.IpPermissions ?? []) {
      for (const source of sourcesOf(permission)) {
        const why = judgeRule(role, permission, source, {clients, ports})
        if (why) findings.push({group, permission, source, why})
      }
    }
  }

  return findings
}

function checkSecurityGroups(facts: SiteFacts, names: SiteNames): Verdict {
  if (facts.securityGroups.length === 0) return skip(`no security groups tagged hactl:site=${facts.config.site} yet`)
  const findings = securityGroupFindings(facts, names)
  if (findings.length === 0) {
    return pass(`${plural(facts.securityGroups.length, 'group')}: only the load balancer's listener is public; the data tier admits only web and seed`)
  }

  const [first] = findings
  const what = findings.map((f) => `${f.group.GroupId} (${f.group.GroupName}) admits ${describePermission(f.permission)} from ${f.source.value}`)
  return fail(
    `${listOf(what, 2)} (${first.why})`,
    `Remove the rule${findings.length > 1 ? 's' : ''}: ${findings.slice(0, 3).map(revokeCommand).join('; ')}${findings.length > 3 ? '; …' : ''}`,
  )
}

// -- database ----------------------------------------------------------------

function checkDbMultiAz(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  if (db.kind === 'instance') {
    if (db.instance.MultiAZ) return pass(`RDS instance ${names.db} is Multi-AZ (standby in ${db.instance.SecondaryAvailabilityZone ?? 'another AZ'})`)
    return fail(
      `RDS instance ${names.db} is single-AZ: losing its Availability Zone takes the site down`,
      `aws rds modify-db-instance --db-instance-identifier ${names.db} --multi-az --apply-immediately (and keep database.multiAz: true in hactl.yml)`,
    )
  }

  const members = db.cluster.DBClusterMembers ?? []
  const readers = members.length > 0 ? members.filter((member) => !member.IsClusterWriter).length : Math.max(0, db.instances.length - 1)
  if (readers > 0) return pass(`Aurora cluster ${names.db} has ${plural(readers, 'reader')} to fail over to`)
  return fail(
    `Aurora cluster ${names.db} has no reader: losing the writer's Availability Zone takes the site down`,
    'Set database.readers: 1 (or more) in hactl.yml and run `hactl env create`: it adds the missing reader.',
  )
}

function dbInstances(db: DatabaseFacts): readonly DBInstance[] {
  return db.kind === 'instance' ? [db.instance] : db.instances
}

function checkDbNotPublic(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  const open = dbInstances(db).filter((instance) => instance.PubliclyAccessible).map((instance) => instance.DBInstanceIdentifier ?? '?')
  if (open.length === 0) return pass(`${plural(dbInstances(db).length, 'database instance')}, none publicly accessible`)
  return fail(
    `${listOf(open)} ${open.length === 1 ? 'is' : 'are'} publicly accessible`,
    `aws rds modify-db-instance --db-instance-identifier ${open[0]} --no-publicly-accessible --apply-immediately`,
  )
}

function checkDbDeletionProtection(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  const on = db.kind === 'instance' ? db.instance.DeletionProtection : db.cluster.DeletionProtection
  if (on) return pass(`${names.db} has deletion protection`)
  const command =
    db.kind === 'instance'
      ? `aws rds modify-db-instance --db-instance-identifier ${names.db} --deletion-protection --apply-immediately`
      : `aws rds modify-db-cluster --db-cluster-identifier ${names.db} --deletion-protection --apply-immediately`
  return fail(`${names.db} can be deleted by a single API call (DeletionProtection off)`, command)
}

// -- EFS ---------------------------------------------------------------------

function checkEfsMountTargets(facts: SiteFacts, names: SiteNames): Verdict {
  const fs = facts.fileSystem
  if (!fs) return skip(`no EFS file system ${names.efsCreationToken} yet`)
  if (!('subnets' in facts.network)) {
    return fail(`cannot tell which Availability Zones need a mount target: ${facts.network.message}`, facts.network.suggestions[0] ?? 'Check network in hactl.yml.')
  }

  const network = facts.network
  const zones = [...new Set(network.subnets.map((subnet) => network.zoneOf[subnet]).filter(Boolean))].sort()
  const reachable = new Set(fs.mountTargets.filter((target) => target.LifeCycleState === 'available').map((target) => target.AvailabilityZoneName))
  const missing = zones.filter((zone) => !reachable.has(zone))
  const id = fs.description.FileSystemId
  if (missing.length === 0) return pass(`${id} has an available mount target in each of ${listOf(zones, 6)}`)
  return fail(
    `${id} has no available mount target in ${listOf(missing)}: instances there cannot reach the uploads`,
    'Run `hactl env create`: it creates the missing mount targets.',
  )
}

function checkEfsBackups(facts: SiteFacts, names: SiteNames): Verdict {
  const fs = facts.fileSystem
  if (!fs) return skip(`no EFS file system ${names.efsCreationToken} yet`)
  const id = fs.description.FileSystemId
  if (fs.backup === 'ENABLED' || fs.backup === 'ENABLING') return pass(`${id} is backed up by AWS Backup (${fs.backup})`)
  return fail(`${id} has automatic backups ${fs.backup ?? 'off'}`, `aws efs put-backup-policy --file-system-id ${id} --backup-policy Status=ENABLED`)
}

// -- rollout capacity ----------------------------------------------------------

/** Bundle deployment policies that take instances out of service without replacing them first. */
const CAPACITY_DROPPING_DEPLOYMENTS = new Set(['AllAtOnce', 'Rolling'])

function intSetting(settings: readonly ConfigurationOptionSetting[], namespace: string, name: string, fallback: number): number {
  const value = Number.parseInt(settingOf(settings, namespace, name) ?? '', 10)
  return Number.isFinite(value) ? value : fallback
}

function checkRolloutCapacity(facts: SiteFacts, names: SiteNames): Verdict {
  const env = facts.environment
  if (!env) return skip(`no environment ${names.environment} yet`)
  const {settings} = env
  const environment = names.environment
  // EB's defaults when an option is unset: MinSize 1, MaxSize 4, rolling updates off, type Time.
  const minSize = intSetting(settings, NS.asg, 'MinSize', 1)
  const maxSize = intSetting(settings, NS.asg, 'MaxSize', 4)
  const enabled = settingOf(settings, NS.rolling, 'RollingUpdateEnabled')?.toLowerCase() === 'true'
  const type = settingOf(settings, NS.rolling, 'RollingUpdateType') ?? 'Time'
  // EB's default MinInstancesInService is the lower of MinSize and MaxSize − 1.
  const inService = intSetting(settings, NS.rolling, 'MinInstancesInService', Math.min(minSize, maxSize - 1))
  const deployment = settingOf(settings, NS.command, 'DeploymentPolicy')

  if (!enabled) {
    return fail(`${environment} has rolling updates off: a new AMI replaces every instance at once`, ebSetting(environment, NS.rolling, 'RollingUpdateEnabled', 'true'))
  }

  if (type === 'Time') {
    return fail(`${environment} rolls out by time (RollingUpdateType Time), not by health`, ebSetting(environment, NS.rolling, 'RollingUpdateType', 'Health'))
  }

  if (type === 'Health' && maxSize <= minSize) {
    return fail(
      `${environment} has MaxSize ${maxSize} ≤ MinSize ${minSize}: a rolling update has no room to keep ${minSize} in service`,
      `Raise environment.maxSize in hactl.yml above ${minSize}, then: ${ebSetting(environment, NS.asg, 'MaxSize', minSize + 1)}`,
    )
  }

  if (type === 'Health' && inService < minSize) {
    return fail(
      `${environment} keeps only ${inService} of MinSize ${minSize} in service during a rollout (MinInstancesInService ${inService})`,
      ebSetting(environment, NS.rolling, 'MinInstancesInService', minSize),
    )
  }

  if (deployment && CAPACITY_DROPPING_DEPLOYMENTS.has(deployment)) {
    return fail(
      `${environment} deploys bundles with DeploymentPolicy ${deployment}, which takes instances out of service`,
      ebSetting(environment, NS.command, 'DeploymentPolicy', 'RollingWithAdditionalBatch'),
    )
  }

  return type === 'Immutable'
    ? pass(`${environment} rolls out immutably: a full new set before the old one goes`)
    : pass(`${environment} keeps ${inService} (MinSize ${minSize}) in service, with room up to ${maxSize}`)
}

// -- secrets -------------------------------------------------------------------

/**
 * Names that say "secret". Matched against the name upper-cased with `-` and
 * `.` as `_`, so `db-password` and `DB_PASSWORD` both count. WordPress's
 * salts (AUTH_KEY, LOGGED_IN_SALT …) are among them.
 */
const SECRET_NAME =
  /(PASSWORD|PASSWD|(^|_)PASS(_|$)|(^|_)PWD(_|$)|SECRET|TOKEN|PRIVATE_?KEY|AUTH_?KEY|LOGGED_IN_KEY|NONCE_?KEY|SALT|API_?KEY|ACCESS_?KEY|CREDENTIAL|SIGNING_?KEY|ENCRYPTION_?KEY|SESSION_?KEY)/

/** A pointer, not a secret: an ARN, or an SSM parameter name (always a /path here, so a bare word is never taken for one). */
function isPointer(value: string): boolean {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:/.test(value) || /^\/[\w.\-/]+$/.test(value)
}

function entropyBits(text: string): number {
  const counts = new Map<string, number>()
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) {
    const p = count / text.length
    bits -= p * Math.log2(p)
  }

  return bits
}

/**
 * What a value looks like, if it looks like a credential: an AWS access key
 * id, a secret access key (40 base64 characters), a private key, or a long
 * random-looking token. Ids (`fs-0a1b…`), endpoints, paths, hex digests and
 * ARNs do not: they are split on `.` `:` `@`, are short, or lack one of
 * upper case, lower case and digits.
 */
export function secretShapeOf(value: string): string | undefined {
  if (isPointer(value)) return undefined
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) return 'a private key'
  if (/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(value)) return 'an AWS access key id'
  const mixed = (token: string): boolean => /[a-z]/.test(token) && /[A-Z]/.test(token) && /\d/.test(token)
  if (/^[A-Za-z0-9/+]{40}$/.test(value) && mixed(value) && entropyBits(value) >= 4) return 'an AWS secret access key'
  const tokens = value.match(/[A-Za-z0-9+/=_-]{32,}/g) ?? []
  if (tokens.some((token) => mixed(token) && entropyBits(token) >= 4)) return 'a long random token'
  return undefined
}

export interface SecretFinding {
  readonly name: string
  /** Why, without the value. */
  readonly why: string
}

/** Environment properties that hold a secret in plain text. Never returns a value. */
export function plaintextSecrets(properties: Readonly<Record<string, string>>): SecretFinding[] {
  const findings: SecretFinding[] = []
  for (const [name, value] of Object.entries(properties)) {
    const secretName = SECRET_NAME.test(name.toUpperCase().replaceAll(/[-.]/g, '_'))
    if (secretName && value !== '' && !isPointer(value)) {
      findings.push({name, why: 'its name says secret and its value is not an ARN or SSM parameter name'})
      continue
    }

    const shape = secretShapeOf(value)
    if (shape) findings.push({name, why: `its value looks like ${shape}`})
  }

  return findings
}

function environmentProperties(settings: readonly ConfigurationOptionSetting[]): Record<string, string> {
  return Object.fromEntries(
    settings.filter((s) => s.Namespace === NS.properties && s.OptionName !== undefined).map((s) => [s.OptionName ?? '', s.Value ?? '']),
  )
}

function checkNoPlaintextSecrets(facts: SiteFacts, names: SiteNames): Verdict {
  const env = facts.environment
  if (!env) return skip(`no environment ${names.environment} yet`)
  const properties = environmentProperties(env.settings)
  const findings = plaintextSecrets(properties)
  if (findings.length === 0) return pass(`${plural(Object.keys(properties).length, 'environment property')}, none holds a secret in plain text`)
  const [first] = findings
  const what = findings.length === 1 ? `property ${first.name}: ${first.why}` : `properties ${listOf(findings.map((f) => f.name))} hold plain-text secrets (${first.name}: ${first.why})`
  return fail(
    what,
    `Put the value in Secrets Manager or SSM SecureString, read it at boot with the instance role, and remove the property: aws elasticbeanstalk update-environment --environment-name ${names.environment} --options-to-remove Namespace=${NS.properties},OptionName=${first.name}`,
  )
}

// -- AMIs ----------------------------------------------------------------------

function checkAmisPrivate(facts: SiteFacts, names: SiteNames): Verdict {
  if (!facts.environment && facts.images.length === 0) return skip(`no environment ${names.environment} and no AMIs of the site yet`)
  const open = facts.images.filter((image) => image.Public)
  if (open.length === 0) {
    const live = facts.environmentImageId && facts.images.some((image) => image.ImageId === facts.environmentImageId) ? ', the live one included' : ''
    return facts.images.length === 0
      ? pass('no AMIs of the site yet; the environment runs the platform\'s own AMI')
      : pass(`${plural(facts.images.length, 'AMI')} of the site, all private${live}`)
  }

  return fail(
    `${listOf(open.map((image) => `${image.ImageId}${image.Name ? ` (${image.Name})` : ''}`))} ${open.length === 1 ? 'is' : 'are'} public: anyone can launch the site's code`,
    `aws ec2 modify-image-attribute --image-id ${open[0].ImageId} --launch-permission 'Remove=[{Group=all}]'`,
  )
}

// ---------------------------------------------------------------------------
// Running

const JUDGES: Readonly<Record<CheckId, (facts: SiteFacts, names: SiteNames) => Verdict>> = {
  'amis-private': checkAmisPrivate,
  'cache-encrypted': checkCacheEncrypted,
  'db-deletion-protection': checkDbDeletionProtection,
  'db-encrypted': checkDbEncrypted,
  'db-multi-az': checkDbMultiAz,
  'db-not-public': checkDbNotPublic,
  'efs-backups': checkEfsBackups,
  'efs-encrypted': checkEfsEncrypted,
  'efs-mount-targets': checkEfsMountTargets,
  imdsv2: checkImdsv2,
  'no-plaintext-secrets': checkNoPlaintextSecrets,
  'rollout-capacity': checkRolloutCapacity,
  'security-groups': checkSecurityGroups,
}

/** True when none of the site's resources exist: doctor has nothing to look at. */
function nothingExists(facts: SiteFacts): boolean {
  return (
    !facts.environment &&
    !facts.fileSystem &&
    !facts.database &&
    !facts.cache &&
    facts.securityGroups.length === 0 &&
    facts.images.length === 0 &&
    facts.siteInstances.length === 0
  )
}

/** Judges facts already read: every check, in {@link DOCTOR_CHECKS} order. */
export function judgeSite(facts: SiteFacts): DoctorResult {
  const names = siteNames(facts.config.site)
  const checks = (Object.keys(DOCTOR_CHECKS) as CheckId[]).map((id): DoctorCheck => ({id, title: DOCTOR_CHECKS[id], ...JUDGES[id](facts, names)}))
  const count = (status: CheckStatus): number => checks.filter((check) => check.status === status).length
  return {checks, failed: count('fail'), passed: count('pass'), site: facts.config.site, skipped: count('skip')}
}

/**
 * Reads the site from AWS and checks it. Resolves with every check's outcome,
 * failures included (the command decides the exit code); rejects with a
 * UserError when none of the site's resources exist.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const reporter = options.reporter ?? silentReporter
  const {config} = options
  const title = `Reading site ${config.site} from AWS`
  reporter.emit({id: 'doctor-read', state: 'start', title, type: 'step'})
  let facts: SiteFacts
  try {
    facts = await readSiteFacts(options.clients, config)
  } catch (error) {
    reporter.emit({detail: error instanceof Error ? error.message : String(error), id: 'doctor-read', state: 'fail', title, type: 'step'})
    throw error
  }

  reporter.emit({id: 'doctor-read', state: 'done', title, type: 'step'})
  if (nothingExists(facts)) {
    throw new UserError('no-environment', `No environment for site ${config.site}; run \`hactl env create\`.`, {
      suggestions: ['Run `hactl env create` (or `hactl up`), then `hactl doctor` again. Check --region if the site lives elsewhere.'],
    })
  }

  return judgeSite(facts)
}

/**
 * The error a command throws after showing a result with failures: exit 9,
 * and under `--json` the whole result travels in the error's `data`, so a
 * script sees every check either way.
 */
export function checksFailedError(result: DoctorResult): ChecksFailedError {
  const failed = result.checks.filter((check) => check.status === 'fail').map((check) => check.id)
  return new ChecksFailedError(`${plural(failed.length, 'check')} failed for site ${result.site}: ${failed.join(', ')}.`, {
    data: {...result},
    suggestions: ['Do what each failed check\'s remedy says, then run `hactl doctor` again.'],
  })
}
