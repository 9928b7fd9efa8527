/**
 * What AWS says about a site: the facts doctor's checks judge, and the one
 * module that reads them. Each check declares the facts it `needs`; the
 * loader reads only those (and what they depend on), so a reader can later be
 * swapped for a shared site inventory without touching a judge.
 *
 *   read (in parallel)                                      judge (pure)
 *   ┌ environment ─► settings, resources ─► instances       ┐
 *   ├ fileSystem ─► mount targets (+ their groups),         │
 *   │               backup policy, file system policy       │
 *   ├ database: RDS instance / Aurora cluster + instances   ├─► SiteFacts ─► checks
 *   │               ─► TLS parameter of its group           │
 *   ├ cache: Redis group (+ member clusters' groups) / Memcached
 *   ├ securityGroups, images, siteInstances (by tag)        │
 *   └ network (subnets and their AZs) ─► vpc (DNS, routes,  ┘
 *                                         endpoints)
 *   then: every security group attached to any of them that is not tagged
 *   with the site (EB's own instance group, a `default` group …), so a rule
 *   cannot hide in a group hactl did not make.
 */
import type {ConfigurationOptionSetting, EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'
import type {Image, Instance, SecurityGroup} from '@aws-sdk/client-ec2'
import type {FileSystemDescription, MountTargetDescription} from '@aws-sdk/client-efs'
import type {CacheCluster, ReplicationGroup} from '@aws-sdk/client-elasticache'
import type {DBCluster, DBInstance} from '@aws-sdk/client-rds'

import type {AwsClients} from '../aws/clients'
import {EB, settingOf} from '../aws/eb-options'
import type {EfsApi} from '../aws/efs'
import type {ElastiCacheApi} from '../aws/elasticache'
import {hasAwsCode} from '../aws/errors'
import type {RdsApi} from '../aws/rds'
import type {HactlConfig} from '../config/schema'
import {systemClock} from '../core/clock'
import {type HactlError, UserError} from '../core/errors'
import {siteNames, type SiteNames} from '../site/names'
import {checkEgress, resolveNetwork, type EgressVerdict, type SiteNetwork} from '../env/network'
import {dbTlsParameters, isAurora} from '../env/spec'
import {findSeeds, readCronHeartbeat, type CronHeartbeat} from '../seed/state'
import {attachmentsOf} from './attachments'
import {readHttpsFacts, type HttpsFacts} from './https-facts'

/** ACM, SSM and the clock are optional: without ACM the HTTPS checks see no certificate; without SSM the seed is not read and its checks are skipped. */
export type DoctorClients = Pick<AwsClients, 'eb' | 'ec2' | 'efs' | 'elasticache' | 'rds'> & Partial<Pick<AwsClients, 'acm' | 'clock' | 'ssm'>>

/** The site's seed as doctor judges it. */
export interface SeedFacts {
  /** Pending or running instances tagged as the site's seed. */
  readonly instances: readonly Instance[]
  /** The first seed's user data, as text. */
  readonly userData?: string
  /** The first seed's security groups. */
  readonly groups: readonly SecurityGroup[]
  /** The last cron heartbeat (/hactl/<site>/seed/cron), if any. */
  readonly heartbeat?: CronHeartbeat
  /** When the facts were read (ms, the clients' clock): the heartbeat's age is judged against it. */
  readonly readAt: number
}

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

/**
 * Everything the checks judge, read once. A fact no registered check needs
 * is not read: it is then absent (or empty), as if the resource did not exist.
 */
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
  /** The site's subnets, or why they could not be resolved; absent when no check needs it. */
  readonly network?: SiteNetwork | HactlError
  /** The site VPC's DNS attributes and way out; absent when no check needs it or the network did not resolve. */
  readonly vpc?: VpcFacts
  /** The HTTPS listener's certificate and the redirect's bundle (https-facts.ts); absent when no check needs it. */
  readonly https?: HttpsFacts
  /** The seed; absent when not read (no SSM client given). */
  readonly seed?: SeedFacts
}

export interface VpcFacts {
  readonly vpcId: string
  readonly dns: {readonly support: boolean; readonly hostnames: boolean}
  /** Whether the instance subnets reach the internet or the endpoints the instances need (src/env/network.ts judgeEgress). */
  readonly egress: EgressVerdict
}

/** A fact a check can declare in its `needs`. */
export type FactKey = 'cache' | 'database' | 'environment' | 'fileSystem' | 'https' | 'images' | 'network' | 'securityGroups' | 'seed' | 'siteInstances' | 'vpc'

export const FACT_KEYS: readonly FactKey[] = ['environment', 'siteInstances', 'fileSystem', 'database', 'cache', 'securityGroups', 'images', 'network', 'vpc', 'https', 'seed']

/**
 * Facts that another fact is read from: the groups attached to the site's
 * resources are found through those resources, and the environment's AMI
 * through its settings.
 */
const READ_THROUGH: Readonly<Partial<Record<FactKey, readonly FactKey[]>>> = {
  https: ['environment'],
  images: ['environment'],
  vpc: ['network'],
  securityGroups: ['environment', 'siteInstances', 'fileSystem', 'database', 'cache'],
}

/** The facts to read for checks that need `needs`: those, and what they are read through. */
export function factsToRead(needs: Iterable<FactKey>): ReadonlySet<FactKey> {
  const wanted = new Set<FactKey>()
  for (const key of needs) {
    wanted.add(key)
    for (const through of READ_THROUGH[key] ?? []) wanted.add(through)
  }

  return wanted
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
 * The parameter that makes the engine refuse plain-text connections: the one
 * `dbTlsParameters` (what env create sets) names, so the two cannot drift.
 */
export function tlsParameterOf(config: HactlConfig): string {
  const [parameter] = Object.keys(dbTlsParameters(config))
  return parameter
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

/**
 * A network that cannot be resolved (a VPC or subnet in hactl.yml that does
 * not exist: a UserError) is a finding of the mount-target check, not a
 * reason to stop the others. Any other failure goes through.
 */
async function readNetwork(clients: DoctorClients, config: HactlConfig): Promise<SiteNetwork | HactlError> {
  try {
    return await resolveNetwork(await clients.ec2(), config)
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
}

/** The VPC's DNS attributes, route tables and endpoints, read once the network resolved. */
async function readVpc(clients: DoctorClients, config: HactlConfig, network: SiteNetwork | HactlError | undefined): Promise<VpcFacts | undefined> {
  if (!network || !('subnets' in network)) return undefined
  const ec2 = await clients.ec2()
  const [dns, egress] = await Promise.all([ec2.describeVpcDns(network.vpcId), checkEgress(ec2, network, config)])
  return {dns, egress, vpcId: network.vpcId}
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

/** The seed, its user data, its groups and its last heartbeat; undefined when no SSM client was given. */
async function readSeed(clients: DoctorClients, config: HactlConfig): Promise<SeedFacts | undefined> {
  if (!clients.ssm) return undefined
  const [ec2, ssm] = await Promise.all([clients.ec2(), clients.ssm()])
  const instances = await findSeeds(ec2, config.site, ['pending', 'running'])
  const first = instances[0]
  const groupIds = (first?.SecurityGroups ?? []).map((group) => group.GroupId ?? '').filter(Boolean)
  // The heartbeat's age is judged from just before it was asked for: time spent reading is not its age.
  const readAt = (clients.clock ?? systemClock).now()
  const [userData, groups, heartbeat] = await Promise.all([
    first?.InstanceId ? ec2.instanceUserData(first.InstanceId) : undefined,
    groupIds.length > 0 ? ec2.describeSecurityGroups({groupIds}) : [],
    first ? readCronHeartbeat(ssm, config.site) : undefined,
  ])
  return {groups, heartbeat, instances, readAt, userData}
}

/**
 * Reads the facts that checks needing `needs` judge (every fact by default);
 * independent lookups run side by side.
 */
export async function readSiteFacts(clients: DoctorClients, config: HactlConfig, needs: Iterable<FactKey> = FACT_KEYS): Promise<SiteFacts> {
  const wanted = factsToRead(needs)
  const names = siteNames(config.site, config.region)
  const byTag = {'hactl:site': config.site}
  const ec2 = await clients.ec2()
  const when = async <T>(key: FactKey, read: () => Promise<T>, absent: T): Promise<T> => (wanted.has(key) ? read() : absent)
  const [environment, fileSystem, database, cache, securityGroups, taggedImages, siteInstances, network, seed] = await Promise.all([
    when('environment', () => readEnvironment(clients, names), undefined),
    when('fileSystem', () => readFileSystem(clients, names), undefined),
    when('database', () => readDatabase(clients, config, names), undefined),
    when('cache', () => readCache(clients, config, names), undefined),
    when('securityGroups', () => ec2.describeSecurityGroups({tags: byTag}), []),
    when('images', () => ec2.describeImages({owners: ['self'], tags: byTag}), []),
    when('siteInstances', () => ec2.describeInstances({states: ['running'], tags: byTag}), []),
    when('network', () => readNetwork(clients, config), undefined),
    when('seed', () => readSeed(clients, config), undefined),
  ])
  const environmentImageId = environment ? settingOf(environment.settings, EB.launch.namespace, EB.launch.ImageId) : undefined
  const read: SiteFacts = {cache, config, database, environment, environmentImageId, fileSystem, images: taggedImages, network, securityGroups, seed, siteInstances}
  const [environmentImage, attachedGroups, vpc, https] = await Promise.all([
    when('images', () => readEnvironmentImage(clients, environmentImageId, taggedImages), []),
    when('securityGroups', () => readAttachedGroups(clients, read), []),
    when('vpc', () => readVpc(clients, config, network), undefined),
    when('https', () => readHttpsFacts(config, environment?.settings, clients.acm?.bind(clients), clients.clock?.now() ?? Date.now()), undefined),
  ])
  return {...read, https, images: [...taggedImages, ...environmentImage], securityGroups: [...securityGroups, ...attachedGroups], vpc}
}
