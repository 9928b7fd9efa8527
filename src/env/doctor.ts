/**
 * `hactl doctor`: checks the live site against the invariants in DESIGN.md
 * that AWS can show today (IMDSv2, encryption at rest and in transit, security
 * groups, Multi-AZ, EFS reach, rollout capacity, no secrets in environment
 * properties, private AMIs) and says, for each one that fails, which resource
 * is wrong and how to put it right.
 *
 *   read (in parallel)                                      judge (pure)           result
 *   ┌ EB environment ─► settings, resources ─► instances    ┐
 *   ├ EFS file system ─► mount targets (+ their groups),    │
 *   │                    backup policy, file system policy  │
 *   ├ RDS instance / Aurora cluster + its instances         ├─► SiteFacts ─► checks ─► DoctorResult
 *   │                    ─► TLS parameter of its group      │
 *   ├ Redis group (+ member clusters' groups) / Memcached   │
 *   ├ security groups, images, instances by tag             │
 *   └ network (subnets and their AZs)                       ┘
 *   then: every security group attached to any of them that is not tagged
 *   with the site (EB's own instance group, a `default` group …), so a rule
 *   cannot hide in a group hactl did not make.
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
import type {EfsApi} from '../aws/efs'
import type {ElastiCacheApi} from '../aws/elasticache'
import {hasAwsCode} from '../aws/errors'
import type {RdsApi} from '../aws/rds'
import {ExitCode} from '../core/exit-codes'
import type {HactlConfig} from '../config/schema'
import {ChecksFailedError, HactlError, UserError} from '../core/errors'
import {silentReporter, type Reporter} from '../core/progress'
import {SECURITY_GROUP_ROLES, siteNames, type SecurityGroupRole, type SiteNames} from '../site/names'
import {resolveNetwork, type SiteNetwork} from './network'
import {cachePort, dbPort, isAurora} from './spec'

// ---------------------------------------------------------------------------
// Result

export type CheckStatus = 'pass' | 'fail' | 'skip'

/** Every check doctor runs, in the order it reports them. */
export const DOCTOR_CHECKS = {
  imdsv2: 'Instances require IMDSv2',
  'efs-encrypted': 'Uploads file system encrypted at rest',
  'efs-policy': 'Uploads mounted only with TLS, through the access point',
  'db-encrypted': 'Database encrypted at rest',
  'db-tls': 'Database refuses connections without TLS',
  'cache-encrypted': 'Cache requires TLS (and for Redis: encrypted at rest, AUTH on)',
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

/** The database's (cluster) parameter group and the TLS parameter's value in it. */
export interface DatabaseTls {
  /** DB parameter group of the instance, or DB cluster parameter group of the Aurora cluster. */
  readonly parameterGroup: string
  /** `require_secure_transport` or `rds.force_ssl` → its value; undefined when the group does not set it. */
  readonly values: Readonly<Record<string, string | undefined>>
}

export type DatabaseFacts =
  | {readonly kind: 'instance'; readonly instance: DBInstance; readonly tls?: DatabaseTls}
  | {readonly kind: 'cluster'; readonly cluster: DBCluster; readonly instances: readonly DBInstance[]; readonly tls?: DatabaseTls}

export type CacheFacts =
  | {
      readonly kind: 'redis'
      readonly group: ReplicationGroup
      /** Security group ids of each member cluster (`<group>-001` …): ElastiCache reports groups per cluster, not per group. */
      readonly memberGroups: Readonly<Record<string, readonly string[]>>
    }
  | {readonly kind: 'memcached'; readonly cluster: CacheCluster}

export interface FileSystemFacts {
  readonly description: FileSystemDescription
  readonly mountTargets: readonly MountTargetDescription[]
  /** Security group ids of each available mount target. */
  readonly mountTargetGroups: Readonly<Record<string, readonly string[]>>
  /** ENABLED, DISABLED, ENABLING, DISABLING; undefined when EFS has no policy for it. */
  readonly backup?: string
  /** The file system policy (JSON); undefined when it has none. */
  readonly policy?: string
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
  /**
   * The site's security groups (tag hactl:site), and every other group
   * attached to one of the site's resources (see {@link attachmentsOf}).
   */
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

/**
 * The groups of each available mount target. One deleted between the two
 * reads is left out (it no longer admits anyone), not reported as bare.
 */
async function readMountTargetGroups(efs: EfsApi, targets: readonly MountTargetDescription[]): Promise<Record<string, string[]>> {
  const live = targets.filter((target) => target.LifeCycleState === 'available' && target.MountTargetId)
  const entries = await Promise.all(
    live.map(async (target): Promise<[string, string[]] | undefined> => {
      const id = target.MountTargetId ?? ''
      try {
        return [id, await efs.mountTargetSecurityGroups(id)]
      } catch (error) {
        if (hasAwsCode(error, 'MountTargetNotFound', 'IncorrectMountTargetState')) return undefined
        throw error
      }
    }),
  )
  return Object.fromEntries(entries.filter((entry) => entry !== undefined))
}

async function readFileSystem(clients: DoctorClients, names: SiteNames): Promise<FileSystemFacts | undefined> {
  const efs = await clients.efs()
  const description = await efs.findFileSystem(names.efsCreationToken)
  const id = description?.FileSystemId
  if (!description || !id) return undefined
  const [mountTargets, backup, policy] = await Promise.all([efs.describeMountTargets(id), efs.backupPolicyStatus(id), efs.fileSystemPolicy(id)])
  const mountTargetGroups = await readMountTargetGroups(efs, mountTargets)
  return {backup, description, mountTargetGroups, mountTargets, policy}
}

/**
 * The parameter that makes the engine refuse plain-text connections
 * (`dbTlsParameters` in spec.ts sets it; a test keeps the two equal).
 */
export function tlsParameterOf(config: HactlConfig): string {
  return config.database.engine.includes('postgres') ? 'rds.force_ssl' : 'require_secure_transport'
}

async function readDatabaseTls(rds: RdsApi, config: HactlConfig, parameterGroup: string | undefined, cluster: boolean): Promise<DatabaseTls | undefined> {
  if (!parameterGroup) return undefined
  return {parameterGroup, values: await rds.parameterValues(parameterGroup, cluster, [tlsParameterOf(config)])}
}

async function readDatabase(clients: DoctorClients, config: HactlConfig, names: SiteNames): Promise<DatabaseFacts | undefined> {
  const rds = await clients.rds()
  if (!isAurora(config)) {
    const instance = await rds.describeInstance(names.db)
    if (!instance) return undefined
    const tls = await readDatabaseTls(rds, config, instance.DBParameterGroups?.[0]?.DBParameterGroupName, false)
    return {instance, kind: 'instance', tls}
  }

  const [cluster, instances] = await Promise.all([rds.describeCluster(names.db), rds.describeClusterInstances(names.db)])
  if (!cluster) return undefined
  const tls = await readDatabaseTls(rds, config, cluster.DBClusterParameterGroup, true)
  return {cluster, instances, kind: 'cluster', tls}
}

/** A member cluster's groups: `securityGroupIdsOf` where the API has it, else the cluster's own description. */
async function memberClusterGroups(cache: ElastiCacheApi, clusterId: string): Promise<string[]> {
  if (cache.securityGroupIdsOf) return cache.securityGroupIdsOf(clusterId)
  const cluster = await cache.describeCacheCluster(clusterId)
  return (cluster?.SecurityGroups ?? []).map((group) => group.SecurityGroupId ?? '').filter((id) => id !== '')
}

async function readCache(clients: DoctorClients, config: HactlConfig, names: SiteNames): Promise<CacheFacts | undefined> {
  const cache = await clients.elasticache()
  if (config.cache.engine === 'redis') {
    const group = await cache.describeReplicationGroup(names.cache)
    if (!group) return undefined
    const members = group.MemberClusters ?? []
    const groups = await Promise.all(members.map(async (id) => [id, await memberClusterGroups(cache, id)] as const))
    return {group, kind: 'redis', memberGroups: Object.fromEntries(groups)}
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

/** Groups attached to the site's resources that the tag lookup did not return. */
async function readAttachedGroups(clients: DoctorClients, facts: SiteFacts): Promise<SecurityGroup[]> {
  const known = new Set(facts.securityGroups.map((group) => group.GroupId))
  const missing = [...new Set(attachmentsOf(facts).flatMap((attachment) => attachment.groupIds))].filter((id) => !known.has(id)).sort()
  if (missing.length === 0) return []
  return (await clients.ec2()).describeSecurityGroups({groupIds: missing})
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
  const read: SiteFacts = {cache, config, database, environment, environmentImageId, fileSystem, images: taggedImages, network, securityGroups, siteInstances}
  const [environmentImage, attachedGroups] = await Promise.all([
    readEnvironmentImage(clients, environmentImageId, taggedImages),
    readAttachedGroups(clients, read),
  ])
  return {...read, images: [...taggedImages, ...environmentImage], securityGroups: [...securityGroups, ...attachedGroups]}
}

// ---------------------------------------------------------------------------
// Which security groups each resource carries

/** What AWS attaches security groups to, as far as the site goes. */
export type AttachmentKind = 'cache-cluster' | 'db-cluster' | 'db-instance' | 'instance' | 'mount-target'

/** One resource of the site and the security groups AWS says it carries. */
export interface Attachment {
  readonly kind: AttachmentKind
  /** Instance id, DB instance or cluster identifier, cache cluster id, mount target id. */
  readonly id: string
  /** The hactl group it must carry; undefined for an instance of the site that is neither web nor seed. */
  readonly role?: SecurityGroupRole
  readonly groupIds: readonly string[]
  /** A Redis member cluster's replication group (where its groups are changed); a web instance's environment. */
  readonly parent?: string
}

function tagOf(tags: ReadonlyArray<{Key?: string; Value?: string}> | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value
}

function instanceAttachments(facts: SiteFacts, names: SiteNames): Attachment[] {
  const inEnvironment = new Set((facts.environment?.instances ?? []).map((instance) => instance.InstanceId))
  return uniqueInstances([...(facts.environment?.instances ?? []), ...facts.siteInstances]).map((instance) => {
    const id = instance.InstanceId ?? '?'
    const tagged = tagOf(instance.Tags, 'hactl:role')
    const web = inEnvironment.has(instance.InstanceId) || tagged === 'environment'
    const role: SecurityGroupRole | undefined = tagged === 'seed' ? 'seed' : web ? 'web' : undefined
    const groupIds = (instance.SecurityGroups ?? []).map((group) => group.GroupId ?? '')
    return {groupIds, id, kind: 'instance', parent: role === 'web' ? names.environment : undefined, role}
  })
}

function databaseAttachments(db: DatabaseFacts | undefined): Attachment[] {
  if (!db) return []
  const ids = (groups: DBInstance['VpcSecurityGroups']): string[] => (groups ?? []).map((group) => group.VpcSecurityGroupId ?? '')
  // Aurora instances carry the cluster's groups, and are changed only through it.
  if (db.kind === 'cluster') return [{groupIds: ids(db.cluster.VpcSecurityGroups), id: db.cluster.DBClusterIdentifier ?? '?', kind: 'db-cluster', role: 'db'}]
  return [{groupIds: ids(db.instance.VpcSecurityGroups), id: db.instance.DBInstanceIdentifier ?? '?', kind: 'db-instance', role: 'db'}]
}

function cacheAttachments(cache: CacheFacts | undefined): Attachment[] {
  if (!cache) return []
  if (cache.kind === 'memcached') {
    const groupIds = (cache.cluster.SecurityGroups ?? []).map((group) => group.SecurityGroupId ?? '')
    return [{groupIds, id: cache.cluster.CacheClusterId ?? '?', kind: 'cache-cluster', role: 'cache'}]
  }

  return Object.entries(cache.memberGroups).map(([id, groupIds]) => ({groupIds, id, kind: 'cache-cluster', parent: cache.group.ReplicationGroupId, role: 'cache'}))
}

function mountTargetAttachments(fs: FileSystemFacts | undefined): Attachment[] {
  return Object.entries(fs?.mountTargetGroups ?? {}).map(([id, groupIds]) => ({groupIds, id, kind: 'mount-target', role: 'efs'}))
}

/**
 * Every resource of the site with the groups it carries. A resource AWS
 * reports with no group at all is left out: in a VPC each has at least one,
 * so none means it went away between two reads.
 */
export function attachmentsOf(facts: SiteFacts): Attachment[] {
  const names = siteNames(facts.config.site)
  return [
    ...instanceAttachments(facts, names),
    ...databaseAttachments(facts.database),
    ...cacheAttachments(facts.cache),
    ...mountTargetAttachments(facts.fileSystem),
  ]
    .map((attachment) => ({...attachment, groupIds: attachment.groupIds.filter((id) => id !== '')}))
    .filter((attachment) => attachment.groupIds.length > 0)
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

/** The parts of an IAM policy statement the EFS policy check reads. */
interface PolicyStatement {
  readonly Effect?: string
  readonly Principal?: unknown
  readonly Action?: string | readonly string[]
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

/** The policy's statements; undefined when it is not JSON with a Statement. */
function statementsOf(policy: string): PolicyStatement[] | undefined {
  try {
    const parsed = JSON.parse(policy) as {Statement?: PolicyStatement | PolicyStatement[]}
    if (!parsed?.Statement) return undefined
    return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]
  } catch {
    return undefined
  }
}

/** `*` or `{AWS: '*'}` (or a list holding it): the statement binds every client. */
function bindsEveryone(principal: unknown): boolean {
  const values = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value])
  if (principal === '*') return true
  if (typeof principal !== 'object' || principal === null) return false
  return values((principal as Record<string, unknown>).AWS).includes('*')
}

/** The statement's Action covers `action` (IAM wildcards, case-insensitive). */
function coversAction(statement: PolicyStatement, action: string): boolean {
  const patterns = typeof statement.Action === 'string' ? [statement.Action] : (statement.Action ?? [])
  return patterns.some((pattern) => new RegExp(`^${pattern.replaceAll(/[.+^${}()|[\]\\]/g, String.raw`\$&`).replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i').test(action))
}

/** The values a condition block gives a key (keys compared case-insensitively, as IAM does). */
function conditionValues(statement: PolicyStatement, operators: readonly string[], key: string): string[] {
  const values: string[] = []
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    if (!operators.includes(operator)) continue
    for (const [name, value] of Object.entries(block)) {
      if (name.toLowerCase() === key.toLowerCase()) values.push(...(Array.isArray(value) ? value : [value]).map(String))
    }
  }

  return values
}

/** A Deny for every client, covering ClientMount: the only kind of statement that enforces anything. */
function denyingMounts(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.filter((s) => s.Effect === 'Deny' && bindsEveryone(s.Principal) && coversAction(s, 'elasticfilesystem:ClientMount'))
}

/** Denies a mount without TLS: `Bool: {aws:SecureTransport: false}`. */
function deniesPlainText(statements: readonly PolicyStatement[]): boolean {
  return denyingMounts(statements).some((s) => conditionValues(s, ['Bool'], 'aws:SecureTransport').some((value) => value.toLowerCase() === 'false'))
}

/** Denies a mount that does not name an access point (StringNotEquals / ArnNotEquals … on AccessPointArn, or Null on it). */
function deniesOutsideAccessPoint(statements: readonly PolicyStatement[]): boolean {
  const key = 'elasticfilesystem:AccessPointArn'
  return denyingMounts(statements).some(
    (s) =>
      conditionValues(s, ['StringNotEquals', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike'], key).some((value) => value.includes(':access-point/')) ||
      conditionValues(s, ['Null'], key).some((value) => value.toLowerCase() === 'true'),
  )
}

/**
 * The file system policy denies a mount without TLS and one that bypasses
 * the access point: reaching a mount target is not enough to read the root.
 */
function checkEfsPolicy(facts: SiteFacts, names: SiteNames): Verdict {
  const fs = facts.fileSystem
  if (!fs) return skip(`no EFS file system ${names.efsCreationToken} yet`)
  const id = fs.description.FileSystemId
  const remedy = 'Run `hactl env create`: it puts back the policy that denies mounts without TLS or outside the access point.'
  if (fs.policy === undefined) return fail(`${id} has no file system policy: a client that reaches a mount target can mount it without TLS`, remedy)
  const statements = statementsOf(fs.policy)
  if (!statements) return fail(`${id} has a file system policy hactl cannot read (no Statement)`, remedy)
  const problems = [
    ...(deniesPlainText(statements) ? [] : ['does not deny mounts without TLS (a Deny on aws:SecureTransport false)']),
    ...(deniesOutsideAccessPoint(statements) ? [] : ['does not deny mounts outside the access point']),
  ]
  if (problems.length > 0) return fail(`${id}'s policy ${problems.join(' and ')}`, remedy)
  return pass(`${id}'s policy denies mounts without TLS and outside the access point`)
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

/** Values that turn the TLS parameter on: MySQL takes 1 or ON; PostgreSQL's rds.force_ssl is 0 or 1. */
function tlsEnforced(parameter: string, value: string | undefined): boolean {
  const normalized = value?.trim().toUpperCase()
  return normalized === '1' || (parameter === 'require_secure_transport' && normalized === 'ON')
}

function rebootCommand(db: DatabaseFacts, names: SiteNames): string {
  const ids = dbInstances(db).map((instance) => instance.DBInstanceIdentifier ?? '?')
  const targets = db.kind === 'instance' ? [names.db] : ids
  return `aws rds reboot-db-instance --db-instance-identifier ${targets[0] ?? names.auroraInstance(0)}${targets.length > 1 ? ' (each instance)' : ''}`
}

/** The group has the value but RDS applies it only at the next reboot. */
function tlsPendingReboot(db: DatabaseFacts): boolean {
  if (db.kind === 'instance') return db.instance.DBParameterGroups?.[0]?.ParameterApplyStatus === 'pending-reboot'
  return (db.cluster.DBClusterMembers ?? []).some((member) => member.DBClusterParameterGroupStatus === 'pending-reboot')
}

/**
 * The database refuses plain-text connections: the TLS parameter is on in
 * its (cluster) parameter group, and in effect.
 */
function checkDbTls(facts: SiteFacts, names: SiteNames): Verdict {
  const db = facts.database
  if (!db) return skip(`no database ${names.db} yet`)
  const parameter = tlsParameterOf(facts.config)
  const what = db.kind === 'instance' ? `RDS instance ${names.db}` : `Aurora cluster ${names.db}`
  const groupKind = db.kind === 'instance' ? 'DB parameter group' : 'DB cluster parameter group'
  const group = db.tls?.parameterGroup
  const value = db.tls?.values[parameter]
  const reboot = rebootCommand(db, names)
  if (group && tlsEnforced(parameter, value)) {
    if (tlsPendingReboot(db)) return fail(`${what} has ${parameter}=${value} in ${group}, but it waits for a reboot (pending-reboot)`, reboot)
    return pass(`${what} refuses connections without TLS (${parameter}=${value} in ${groupKind} ${group})`)
  }

  const attach =
    db.kind === 'instance'
      ? `aws rds modify-db-instance --db-instance-identifier ${names.db} --db-parameter-group-name ${names.dbParameterGroup} --apply-immediately`
      : `aws rds modify-db-cluster --db-cluster-identifier ${names.db} --db-cluster-parameter-group-name ${names.dbParameterGroup} --apply-immediately`
  const remedy =
    group === names.dbParameterGroup
      ? `Run \`hactl env create\`: it sets ${parameter}=1 in ${group}; then ${reboot}`
      : `Run \`hactl env create\` (it makes ${groupKind} ${names.dbParameterGroup} with ${parameter}=1), then ${attach}; then ${reboot}`
  const found = group ? `${parameter} is ${value ?? 'not set'} in ${groupKind} ${group}` : `it reports no ${groupKind}`
  return fail(`${what} accepts connections without TLS: ${found}`, remedy)
}

/** What is wrong with a cache's encryption in transit, or undefined. `mode` absent: older engines do not report it. */
function transitProblem(enabled: boolean | undefined, mode: string | undefined): string | undefined {
  if (!enabled) return 'is not encrypted in transit'
  if (mode !== undefined && mode !== 'required') return `accepts plain-text connections too (TransitEncryptionMode ${mode})`
  return undefined
}

const RECREATE_CACHE =
  'ElastiCache fixes at-rest encryption at creation: create an encrypted cache (at rest and in transit), switch the site to it, then delete this one.'

/**
 * ElastiCache changes TLS on an existing group in two steps (off → preferred
 * → required), and not at all on a group with an AUTH token.
 */
function transitRemedy(group: ReplicationGroup, modify: string): string {
  if (group.AuthTokenEnabled) {
    return 'ElastiCache cannot change TLS on a group with an AUTH token: create a group with TLS required and AUTH on, switch the site to it, then delete this one.'
  }

  return group.TransitEncryptionEnabled
    ? `${modify} --transit-encryption-mode required --apply-immediately`
    : `${modify} --transit-encryption-enabled --transit-encryption-mode preferred --apply-immediately, then (clients on TLS) ${modify} --transit-encryption-mode required --apply-immediately`
}

interface CacheProblem {
  readonly problem: string
  readonly remedy: string
}

function redisProblems(group: ReplicationGroup, id: string, names: SiteNames): CacheProblem[] {
  const modify = `aws elasticache modify-replication-group --replication-group-id ${id}`
  const problems: CacheProblem[] = []
  if (!group.AtRestEncryptionEnabled) problems.push({problem: 'is not encrypted at rest', remedy: RECREATE_CACHE})
  const transit = transitProblem(group.TransitEncryptionEnabled, group.TransitEncryptionMode)
  if (transit) problems.push({problem: transit, remedy: transitRemedy(group, modify)})
  if (!group.AuthTokenEnabled) {
    // AWS turns AUTH on for an existing group with the ROTATE strategy (and only with TLS on).
    problems.push({
      problem: 'lets clients in without the AUTH token (AuthTokenEnabled false)',
      remedy: `${modify} --auth-token "$(aws secretsmanager get-secret-value --secret-id ${names.cacheSecret} --query SecretString --output text)" --auth-token-update-strategy ROTATE --apply-immediately`,
    })
  }

  return problems
}

/**
 * Redis: encrypted at rest and in transit, TLS required (a "preferred" mode
 * still takes plain-text clients), AUTH on. Memcached: TLS (it has neither
 * at-rest encryption nor AUTH).
 */
function checkCacheEncrypted(facts: SiteFacts, names: SiteNames): Verdict {
  const cache = facts.cache
  if (!cache) return skip(`no cache ${names.cache} yet`)
  const what = cache.kind === 'redis' ? `Redis replication group ${names.cache}` : `Memcached cluster ${names.cache}`
  const mode = cache.kind === 'redis' ? cache.group.TransitEncryptionMode : cache.cluster.TransitEncryptionMode
  const problems: CacheProblem[] =
    cache.kind === 'redis'
      ? redisProblems(cache.group, cache.group.ReplicationGroupId ?? names.cache, names)
      : [transitProblem(cache.cluster.TransitEncryptionEnabled, mode)]
          .filter((problem) => problem !== undefined)
          .map((problem) => ({problem, remedy: 'ElastiCache fixes Memcached\'s encryption in transit at creation: create a cluster with it, switch the site to it, then delete this one.'}))
  const unreported = mode === undefined ? ' (mode not reported)' : ''
  if (problems.length === 0) {
    return pass(
      cache.kind === 'redis'
        ? `${what} is encrypted at rest and in transit${unreported || ', TLS required'}, AUTH on`
        : `${what} is encrypted in transit${unreported}; Memcached cannot encrypt at rest (it holds only caches and sessions; choose redis for that)`,
    )
  }

  // "not encrypted at rest" and "not encrypted in transit" read as one phrase.
  const notEncrypted = problems.filter((p) => p.problem.startsWith('is not encrypted ')).map((p) => p.problem.slice('is not encrypted '.length))
  const others = problems.filter((p) => !p.problem.startsWith('is not encrypted ')).map((p) => p.problem)
  const phrases = [...(notEncrypted.length > 0 ? [`is not encrypted ${notEncrypted.join(' or ')}`] : []), ...others]
  return fail(`${what} ${phrases.join(' and ')}`, [...new Set(problems.map((p) => p.remedy))].join('; '))
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
  /** The group is not one of the site's own (EB's instance group, a `default` group …). */
  readonly foreign: boolean
  readonly group: SecurityGroup
  readonly permission: IpPermission
  readonly source: RuleSource
  readonly why: string
}

/** A group's role, when it is one of the site's own groups (by tag, else by name). */
function roleOf(group: SecurityGroup, names: SiteNames, site: string): SecurityGroupRole | undefined {
  const tagged = tagOf(group.Tags, 'hactl:site') === site ? tagOf(group.Tags, 'hactl:role') : undefined
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

/** The id of the site's own group of each role. */
function siteGroupIds(facts: SiteFacts, names: SiteNames): Partial<Record<SecurityGroupRole, string>> {
  const ids: Partial<Record<SecurityGroupRole, string>> = {}
  for (const group of facts.securityGroups) {
    const role = roleOf(group, names, facts.config.site)
    if (role && group.GroupId && !ids[role]) ids[role] = group.GroupId
  }

  return ids
}

/**
 * The roles a group's rules are judged as: its own, for one of the site's
 * groups; else the roles of the resources that carry it, so a group someone
 * added to the database is held to the database's rules.
 */
function judgedRoles(group: SecurityGroup, own: SecurityGroupRole | undefined, attachments: readonly Attachment[]): Array<SecurityGroupRole | undefined> {
  if (own) return [own]
  const carried = new Set(attachments.filter((a) => a.groupIds.includes(group.GroupId ?? '')).map((a) => a.role))
  return carried.size > 0 ? [...carried] : [undefined]
}

function securityGroupFindings(facts: SiteFacts, names: SiteNames, attachments: readonly Attachment[]): GroupFinding[] {
  const ids = siteGroupIds(facts, names)
  const clients = new Set([ids.web, ids.seed].filter((id): id is string => Boolean(id)))
  const ports = {cache: cachePort(facts.config), db: dbPort(facts.config), efs: 2049}
  const findings: GroupFinding[] = []
  const seen = new Set<string>()
  for (const group of facts.securityGroups) {
    const own = roleOf(group, names, facts.config.site)
    for (const role of judgedRoles(group, own, attachments)) {
      for (const permission of group.IpPermissions ?? []) {
        for (const source of sourcesOf(permission)) {
          const why = judgeRule(role, permission, source, {clients, ports})
          const key = `${group.GroupId}|${describePermission(permission)}|${source.value}`
          if (!why || seen.has(key)) continue
          seen.add(key)
          findings.push({foreign: own === undefined, group, permission, source, why})
        }
      }
    }
  }

  return findings
}

/** A resource without its role's group (it may carry others instead, or besides). */
interface MissingGroup {
  readonly attachment: Attachment
  readonly role: SecurityGroupRole
  /** The site's group of that role; undefined when it does not exist. */
  readonly groupId?: string
}

function missingGroups(facts: SiteFacts, names: SiteNames, attachments: readonly Attachment[]): MissingGroup[] {
  const ids = siteGroupIds(facts, names)
  const missing: MissingGroup[] = []
  for (const attachment of attachments) {
    const {role} = attachment
    if (!role) continue
    const groupId = ids[role]
    if (!groupId || !attachment.groupIds.includes(groupId)) missing.push({attachment, groupId, role})
  }

  return missing
}

const RESOURCE_LABELS: Readonly<Record<AttachmentKind, string>> = {
  'cache-cluster': 'cache cluster',
  'db-cluster': 'Aurora cluster',
  'db-instance': 'RDS instance',
  instance: 'instance',
  'mount-target': 'mount target',
}

function groupLabel(facts: SiteFacts, id: string): string {
  const name = facts.securityGroups.find((group) => group.GroupId === id)?.GroupName
  return name ? `${id} (${name})` : id
}

function describeMissing(facts: SiteFacts, names: SiteNames, missing: MissingGroup): string {
  const {attachment, groupId, role} = missing
  const wanted = `${names.securityGroup[role]}${groupId ? '' : ', which does not exist'}`
  return `${RESOURCE_LABELS[attachment.kind]} ${attachment.id} does not carry ${wanted} (it has ${listOf(attachment.groupIds.map((id) => groupLabel(facts, id)), 2)})`
}

/** The command that gives a resource its own group, and only that. */
function attachRemedy(missing: MissingGroup, names: SiteNames): string {
  const {attachment, groupId} = missing
  if (!groupId) return `Run \`hactl env create\`: it creates ${names.securityGroup[missing.role]}.`
  const {id, parent} = attachment
  switch (attachment.kind) {
    case 'cache-cluster': {
      return parent
        ? `aws elasticache modify-replication-group --replication-group-id ${parent} --security-group-ids ${groupId} --apply-immediately`
        : `aws elasticache modify-cache-cluster --cache-cluster-id ${id} --security-group-ids ${groupId} --apply-immediately`
    }

    case 'db-cluster': {
      return `aws rds modify-db-cluster --db-cluster-identifier ${id} --vpc-security-group-ids ${groupId} --apply-immediately`
    }

    case 'db-instance': {
      return `aws rds modify-db-instance --db-instance-identifier ${id} --vpc-security-group-ids ${groupId} --apply-immediately`
    }

    case 'instance': {
      return parent ? ebSetting(parent, NS.launch, 'SecurityGroups', groupId) : `aws ec2 modify-instance-attribute --instance-id ${id} --groups ${groupId}`
    }

    case 'mount-target': {
      return `aws efs modify-mount-target-security-groups --mount-target-id ${id} --security-groups ${groupId}`
    }
  }
}

/** Where a group hactl did not make is attached: `i-0aaa, hactl-demo-db`. */
function carriers(group: SecurityGroup, attachments: readonly Attachment[]): string[] {
  return attachments.filter((a) => a.groupIds.includes(group.GroupId ?? '')).map((a) => a.id)
}

/**
 * One phrase per group, its offending rules together: `sg-1 (web) admits
 * tcp/22 from 0.0.0.0/0, tcp/80 from ::/0`; the first rule's reason follows it.
 */
function describeFindings(findings: readonly GroupFinding[], attachments: readonly Attachment[]): string[] {
  const byGroup = new Map<string, GroupFinding[]>()
  for (const finding of findings) byGroup.set(finding.group.GroupId ?? '?', [...(byGroup.get(finding.group.GroupId ?? '?') ?? []), finding])
  return [...byGroup.values()].map((list, index) => {
    const [{foreign, group, why}] = list
    const on = foreign ? carriers(group, attachments) : []
    const label = `${group.GroupName ?? '?'}${on.length > 0 ? `, on ${listOf(on, 2)}` : ''}`
    const rules = list.map((f) => `${describePermission(f.permission)} from ${f.source.value}`)
    return `${group.GroupId} (${label}) admits ${listOf(rules, 3)}${index === 0 ? ` (${why})` : ''}`
  })
}

/**
 * EB's own instance group (`…-AWSEBSecurityGroup-…`, open to the world on 22
 * and 80) goes away with one setting rather than by revoking its rules, which
 * EB would put back.
 */
function ruleRemedies(findings: readonly GroupFinding[], attachments: readonly Attachment[]): string[] {
  const remedies: string[] = []
  const revokes: string[] = []
  for (const finding of findings) {
    const ebGroup = /AWSEBSecurityGroup/.test(finding.group.GroupName ?? '')
    const environment = attachments.find((a) => a.kind === 'instance' && a.parent && a.groupIds.includes(finding.group.GroupId ?? ''))?.parent
    if (ebGroup && environment) remedies.push(ebSetting(environment, NS.launch, 'DisableDefaultEC2SecurityGroup', 'true'))
    else revokes.push(revokeCommand(finding))
  }

  const shown = revokes.slice(0, 3)
  if (shown.length > 0) remedies.push(`Remove the rule${revokes.length > 1 ? 's' : ''}: ${shown.join('; ')}${revokes.length > 3 ? '; …' : ''}`)
  return [...new Set(remedies)]
}

/**
 * Every group of the site and every group attached to one of its resources
 * admits only what it must, and each resource carries its own hactl group.
 */
function checkSecurityGroups(facts: SiteFacts, names: SiteNames): Verdict {
  if (facts.securityGroups.length === 0) return skip(`no security groups tagged hactl:site=${facts.config.site} yet`)
  const attachments = attachmentsOf(facts)
  const missing = missingGroups(facts, names, attachments)
  const findings = securityGroupFindings(facts, names, attachments)
  if (missing.length === 0 && findings.length === 0) {
    const roled = attachments.filter((a) => a.role).length
    return pass(
      `${plural(facts.securityGroups.length, 'group')}: only the load balancer's listener is public; the data tier admits only web and seed; each of ${plural(roled, 'resource')} carries its own group`,
    )
  }

  const problems = [
    ...missing.map((m) => describeMissing(facts, names, m)),
    ...describeFindings(findings, attachments),
  ]
  const remedies = [...new Set(missing.map((m) => attachRemedy(m, names)))].slice(0, 2)
  return fail(listOf(problems, 2), [...remedies, ...ruleRemedies(findings, attachments)].join('; '))
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

  return checkAuroraZones(db, facts, names)
}

/** The writer's id and the readers' ids; without DBClusterMembers, the first instance counts as the writer. */
function auroraRoles(db: Extract<DatabaseFacts, {kind: 'cluster'}>): {readonly writer?: string; readonly readers: string[]} {
  const members = db.cluster.DBClusterMembers ?? []
  if (members.length === 0) {
    const [writer, ...readers] = db.instances.map((instance) => instance.DBInstanceIdentifier ?? '?')
    return {readers, writer}
  }

  return {
    readers: members.filter((member) => !member.IsClusterWriter).map((member) => member.DBInstanceIdentifier ?? '?'),
    writer: members.find((member) => member.IsClusterWriter)?.DBInstanceIdentifier,
  }
}

/** A zone of the site other than `zone`, for the remedy; a placeholder when the network is unknown. */
function otherZone(facts: SiteFacts, zone: string | undefined): string {
  const network = facts.network
  if (!('subnets' in network)) return '<another zone>'
  return network.subnets.map((subnet) => network.zoneOf[subnet]).find((candidate) => candidate && candidate !== zone) ?? '<another zone>'
}

/**
 * Aurora survives the loss of the writer's zone only through a reader in
 * another zone: a reader beside the writer goes down with it.
 */
function checkAuroraZones(db: Extract<DatabaseFacts, {kind: 'cluster'}>, facts: SiteFacts, names: SiteNames): Verdict {
  const {readers, writer} = auroraRoles(db)
  if (readers.length === 0) {
    return fail(
      `Aurora cluster ${names.db} has no reader: losing the writer's Availability Zone takes the site down`,
      'Set database.readers: 1 (or more) in hactl.yml and run `hactl env create`: it adds the missing reader.',
    )
  }

  const zoneOf = (id: string | undefined): string | undefined => db.instances.find((instance) => instance.DBInstanceIdentifier === id)?.AvailabilityZone
  const writerZone = zoneOf(writer)
  const elsewhere = readers.filter((reader) => writerZone && zoneOf(reader) && zoneOf(reader) !== writerZone)
  if (elsewhere.length > 0) {
    return pass(`Aurora cluster ${names.db} has ${plural(elsewhere.length, 'reader')} outside the writer's zone ${writerZone} (${listOf(elsewhere.map((id) => `${id} in ${zoneOf(id)}`), 2)}) to fail over to`)
  }

  const taken = new Set(db.instances.map((instance) => instance.DBInstanceIdentifier))
  let index = 1
  while (taken.has(names.auroraInstance(index))) index++
  const writerInstance = db.instances.find((instance) => instance.DBInstanceIdentifier === writer)
  const add = `aws rds create-db-instance --db-cluster-identifier ${names.db} --db-instance-identifier ${names.auroraInstance(index)} --engine ${db.cluster.Engine ?? facts.config.database.engine} --db-instance-class ${writerInstance?.DBInstanceClass ?? facts.config.database.instanceClass} --availability-zone ${otherZone(facts, writerZone)} --no-publicly-accessible`
  const where = writerZone ? `in the writer's zone ${writerZone}` : 'in a zone RDS does not report for the writer'
  return fail(
    `Aurora cluster ${names.db} has ${readers.length === 1 ? 'its only reader' : 'every reader'} (${listOf(readers, 2)}) ${where}: losing that zone takes the site down`,
    `Add a reader in another zone: ${add}; then delete ${readers[0]} if one reader is enough.`,
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
  'db-tls': checkDbTls,
  'efs-backups': checkEfsBackups,
  'efs-encrypted': checkEfsEncrypted,
  'efs-mount-targets': checkEfsMountTargets,
  'efs-policy': checkEfsPolicy,
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
