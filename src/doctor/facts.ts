/**
 * What AWS says about a site: the facts doctor's checks judge. Each check
 * declares the facts it `needs`; the loader asks the site inventory
 * (src/site/inventory.ts, the one reader of what exists for a site) for only
 * those (and what they depend on), and shapes its answer for the judges.
 *
 *   read (in parallel)                                      judge (pure)
 *   ┌ environment ─► settings, resources ─► instances       ┐
 *   ├ fileSystem ─► mount targets (+ their groups),         │
 *   │               backup policy, file system policy       │
 *   ├ database: RDS instance / Aurora cluster + instances   ├─► SiteFacts ─► checks
 *   │               ─► TLS parameter of its group           │
 *   ├ cache: Redis group (+ member clusters' groups) / Memcached
 *   ├ securityGroups, images, siteInstances (by tag)        │
 *   │   images ─► their snapshots; rollout record ─► its     │
 *   │             rollback target (when not one of the images)
 *   └ network (subnets and their AZs) ─► vpc (DNS, routes,  ┘
 *                                         endpoints)
 *   then: every security group attached to any of them that is not tagged
 *   with the site (EB's own instance group, a `default` group …), so a rule
 *   cannot hide in a group hactl did not make.
 */
import type {ConfigurationOptionSetting, EnvironmentDescription} from '@aws-sdk/client-elastic-beanstalk'
import type {Image, Instance, SecurityGroup, Snapshot} from '@aws-sdk/client-ec2'
import type {FileSystemDescription, MountTargetDescription} from '@aws-sdk/client-efs'
import type {CacheCluster, ReplicationGroup} from '@aws-sdk/client-elasticache'
import type {DBCluster, DBInstance} from '@aws-sdk/client-rds'

import type {AwsClients} from '../aws/clients'
import {EB, settingOf} from '../aws/eb-options'
import type {SharePermission} from '../aws/ec2'
import {hasAwsCode} from '../aws/errors'
import type {HactlConfig} from '../config/schema'
import {systemClock} from '../core/clock'
import {type HactlError, UserError} from '../core/errors'
import {readSite, type DatabaseTls, type SiteInventory, type SiteWant} from '../site/inventory'
import {checkEgress, resolveNetwork, type EgressVerdict, type SiteNetwork} from '../env/network'
import {dbTlsParameters} from '../env/spec'
import {findSeeds, readCronHeartbeat, type CronHeartbeat} from '../seed/state'
import {attachmentsOf} from './attachments'
import {readHttpsFacts, type HttpsFacts} from './https-facts'
import {readStagingFacts, type StagingFacts} from '../staging/facts'
import {BAKE_TAGS, lastRolloutParameterName, parseRolloutRecord, type RolloutRecord} from '../bake/record'
import {liveBakeOf, readDrift, type DriftReport} from './drift-facts'

/** ACM, SSM and the clock are optional: without ACM the HTTPS checks see no certificate; without SSM the seed is not read and its checks are skipped. */
export type DoctorClients = Pick<AwsClients, 'eb' | 'ec2' | 'efs' | 'elasticache' | 'rds'> & Partial<Pick<AwsClients, 'acm' | 'clock' | 'scheduler' | 'ssm'>>

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

/** The last rollout (/hactl/<site>/rollout/last) and the image it names as the rollback target. */
export interface RolloutFacts {
  /** The record; absent before the first rollout. */
  readonly record?: RolloutRecord
  /** Why the parameter is not a rollout record, when it is not. */
  readonly unreadable?: string
  /**
   * The rollback target, when it is not one of `images` (the platform's AMI
   * before the first bake, or an image of the site gone since): absent when
   * EC2 does not know it.
   */
  readonly targetImage?: Image
}

export interface EnvironmentFacts {
  readonly description: EnvironmentDescription
  readonly settings: readonly ConfigurationOptionSetting[]
  /** Running instances of the environment (DescribeEnvironmentResources → DescribeInstances). */
  readonly instances: readonly Instance[]
}

/** The database's (cluster) parameter group and the TLS parameter's value in it, as the inventory reads it. */
export type {DatabaseTls} from '../site/inventory'

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
  /** The snapshots behind `images` (their block devices), as DescribeSnapshots reports them. */
  readonly snapshots: readonly Snapshot[]
  /**
   * Who besides the owner may use each of the account's own `images`
   * (launchPermission) and `snapshots` (createVolumePermission), by id;
   * absent when not read.
   */
  readonly sharing?: Readonly<Record<string, readonly SharePermission[]>>
  /** The last rollout and its rollback target; absent when not read (no SSM client given). */
  readonly rollout?: RolloutFacts
  /** The site's subnets, or why they could not be resolved; absent when no check needs it. */
  readonly network?: SiteNetwork | HactlError
  /** The site VPC's DNS attributes and way out; absent when no check needs it or the network did not resolve. */
  readonly vpc?: VpcFacts
  /** The HTTPS listener's certificate and the redirect's bundle (https-facts.ts); absent when no check needs it. */
  readonly https?: HttpsFacts
  /** The seed; absent when not read (no SSM client given). */
  readonly seed?: SeedFacts
  /** The staging schedule and runs; absent when not read (no SSM or Scheduler client given). */
  readonly staging?: StagingFacts
  /** Web nodes' and the seed's change markers against the live bake's (drift-facts.ts); absent when not read (no SSM client given). */
  readonly drift?: DriftReport
}

export interface VpcFacts {
  readonly vpcId: string
  readonly dns: {readonly support: boolean; readonly hostnames: boolean}
  /** Whether the instance subnets reach the internet or the endpoints the instances need (src/env/network.ts judgeEgress). */
  readonly egress: EgressVerdict
}

/** A fact a check can declare in its `needs`. */
export type FactKey = 'cache' | 'database' | 'drift' | 'environment' | 'fileSystem' | 'https' | 'images' | 'network' | 'rollout' | 'securityGroups' | 'seed' | 'sharing' | 'siteInstances' | 'snapshots' | 'staging' | 'vpc'

export const FACT_KEYS: readonly FactKey[] = ['environment', 'siteInstances', 'fileSystem', 'database', 'cache', 'securityGroups', 'images', 'snapshots', 'sharing', 'rollout', 'network', 'vpc', 'https', 'seed', 'staging', 'drift']

/**
 * Facts that another fact is read from: the groups attached to the site's
 * resources are found through those resources, and the environment's AMI
 * through its settings.
 */
const READ_THROUGH: Readonly<Partial<Record<FactKey, readonly FactKey[]>>> = {
  drift: ['environment', 'images', 'seed'],
  https: ['environment'],
  images: ['environment'],
  rollout: ['images', 'environment'],
  snapshots: ['images', 'environment'],
  sharing: ['images', 'snapshots', 'environment'],
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

/**
 * The parameter that makes the engine refuse plain-text connections: the one
 * `dbTlsParameters` (what env create sets) names, so the two cannot drift.
 */
export function tlsParameterOf(config: HactlConfig): string {
  const [parameter] = Object.keys(dbTlsParameters(config))
  return parameter
}

/** What the inventory reads for the wanted facts: the same lookups doctor made itself before it read through the inventory. */
function inventoryWant(wanted: ReadonlySet<FactKey>, config: HactlConfig): SiteWant {
  return {
    cache: wanted.has('cache') && {memberGroups: true},
    database: wanted.has('database') && {members: true, tlsParameters: [tlsParameterOf(config)]},
    environment: wanted.has('environment') && {instances: {states: ['running']}, settings: true},
    images: wanted.has('images'),
    siteInstances: wanted.has('siteInstances'),
    taggedSecurityGroups: wanted.has('securityGroups'),
    uploads: wanted.has('fileSystem') && {accessPoints: false, backup: true, mountTargetGroups: true, policy: true},
  }
}

function environmentFacts(site: SiteInventory): EnvironmentFacts | undefined {
  const description = site.environment?.description
  return description ? {description, instances: site.environment?.instances ?? [], settings: site.environment?.settings ?? []} : undefined
}

function fileSystemFacts(site: SiteInventory): FileSystemFacts | undefined {
  const uploads = site.uploads
  if (!uploads?.fileSystem) return undefined
  return {
    backup: uploads.backup,
    description: uploads.fileSystem,
    mountTargetGroups: uploads.mountTargetGroups ?? {},
    mountTargets: uploads.mountTargets,
    policy: uploads.policy,
  }
}

function databaseFacts(site: SiteInventory): DatabaseFacts | undefined {
  const database = site.database
  if (database?.instance) return {instance: database.instance, kind: 'instance', tls: database.tls}
  if (database?.cluster) return {cluster: database.cluster, instances: database.clusterInstances, kind: 'cluster', tls: database.tls}
  return undefined
}

function cacheFacts(site: SiteInventory): CacheFacts | undefined {
  const cache = site.cache
  if (cache?.replicationGroup) return {group: cache.replicationGroup, kind: 'redis', memberGroups: cache.memberGroups ?? {}}
  if (cache?.cluster) return {cluster: cache.cluster, kind: 'memcached'}
  return undefined
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

/**
 * The snapshots behind the images, in one DescribeSnapshots. A registered
 * image's snapshot cannot be deleted (AWS-NOTES §4.3), but an image
 * deregistered between the two reads can take its snapshot with it: then
 * the site's tagged snapshots (every bake's carry the site tag) stand in.
 */
async function readSnapshots(clients: DoctorClients, site: string, images: readonly Image[]): Promise<Snapshot[]> {
  const ids = [...new Set(images.flatMap((image) => (image.BlockDeviceMappings ?? []).map((device) => device.Ebs?.SnapshotId ?? '')))].filter(Boolean).sort()
  if (ids.length === 0) return []
  const ec2 = await clients.ec2()
  try {
    return await ec2.describeSnapshots({snapshotIds: ids})
  } catch (error) {
    if (!hasAwsCode(error, 'InvalidSnapshot.NotFound')) throw error
    return ec2.describeSnapshots({tags: {[BAKE_TAGS.site]: site}})
  }
}

/** Who may use each of the account's own images and their snapshots besides the account: one attribute call each. */
async function readSharing(clients: DoctorClients, images: readonly Image[], snapshots: readonly Snapshot[]): Promise<Record<string, readonly SharePermission[]>> {
  const ec2 = await clients.ec2()
  const own = images.filter((image) => image.ImageOwnerAlias !== 'amazon' && image.ImageId)
  const entries = await Promise.all([
    ...own.map(async (image) => [image.ImageId ?? '', await ec2.imageLaunchPermissions(image.ImageId ?? '')] as const),
    ...snapshots.filter((snapshot) => snapshot.SnapshotId).map(async (snapshot) => [snapshot.SnapshotId ?? '', await ec2.snapshotVolumePermissions(snapshot.SnapshotId ?? '')] as const),
  ])
  return Object.fromEntries(entries)
}

/** An image by id, of any owner (the platform's AMI is Amazon's); undefined when EC2 does not know it. */
async function describeAnyImage(clients: DoctorClients, imageId: string): Promise<Image | undefined> {
  try {
    const [image] = await (await clients.ec2()).describeImages({imageIds: [imageId]})
    return image
  } catch (error) {
    if (hasAwsCode(error, 'InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable')) return undefined
    throw error
  }
}

/** The last rollout record and, when it is not among the images already read, its rollback target; undefined without SSM. */
async function readRollout(clients: DoctorClients, site: string, images: Promise<readonly Image[]>): Promise<RolloutFacts | undefined> {
  if (!clients.ssm) return undefined
  const parameter = await (await clients.ssm()).getParameter(lastRolloutParameterName(site))
  if (!parameter) return {}
  let record: RolloutRecord
  try {
    record = parseRolloutRecord(parameter.value)
  } catch (error) {
    return {unreadable: error instanceof Error ? error.message : String(error)}
  }

  const target = record.previousImageId
  const known = await images
  if (!target || known.some((image) => image.ImageId === target)) return {record}
  const targetImage = await describeAnyImage(clients, target)
  return targetImage ? {record, targetImage} : {record}
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

/** The staging schedule and runs; undefined when no SSM or Scheduler client was given. */
async function readStaging(clients: DoctorClients, config: HactlConfig): Promise<StagingFacts | undefined> {
  const {scheduler, ssm} = clients
  if (!scheduler || !ssm) return undefined
  return readStagingFacts({ec2: () => clients.ec2(), scheduler: () => scheduler.call(clients), ssm: () => ssm.call(clients)}, config, () => (clients.clock ?? systemClock).now())
}

/** The markers of the web nodes and the seed, once the live image is known; undefined without SSM. */
async function readDriftFacts(clients: DoctorClients, facts: SiteFacts, images: readonly Image[]): Promise<DriftReport | undefined> {
  if (!clients.ssm) return undefined
  const live = liveBakeOf(facts.environmentImageId, images.find((image) => image.ImageId === facts.environmentImageId))
  // Before the first bake there is nothing to compare the seed with: it is not asked.
  const seedInstanceId = live ? facts.seed?.instances[0]?.InstanceId : undefined
  return readDrift({clock: clients.clock ?? systemClock, live, seedInstanceId, ssm: await clients.ssm(), webInstances: facts.environment?.instances ?? []})
}

/**
 * Reads the facts that checks needing `needs` judge (every fact by default)
 * through the site inventory; independent lookups run side by side.
 */
export async function readSiteFacts(clients: DoctorClients, config: HactlConfig, needs: Iterable<FactKey> = FACT_KEYS): Promise<SiteFacts> {
  const wanted = factsToRead(needs)
  const when = async <T>(key: FactKey, read: () => Promise<T>, absent: T): Promise<T> => (wanted.has(key) ? read() : absent)
  const [site, network, seed, staging] = await Promise.all([
    readSite({clients, config, want: inventoryWant(wanted, config)}),
    when('network', () => readNetwork(clients, config), undefined),
    when('seed', () => readSeed(clients, config), undefined),
    when('staging', () => readStaging(clients, config), undefined),
  ])
  const environment = environmentFacts(site)
  const taggedImages = site.images?.images ?? []
  const environmentImageId = environment ? settingOf(environment.settings, EB.launch.namespace, EB.launch.ImageId) : undefined
  const read: SiteFacts = {
    cache: cacheFacts(site),
    config,
    database: databaseFacts(site),
    environment,
    environmentImageId,
    fileSystem: fileSystemFacts(site),
    images: [...taggedImages],
    network,
    securityGroups: [...(site.taggedSecurityGroups ?? [])],
    seed,
    siteInstances: site.siteInstances ?? [],
    snapshots: [],
    staging,
  }
  // The snapshots and the rollback target wait for the images (they skip a second read of any); the rest runs beside them.
  const reading = when('images', async () => [...taggedImages, ...(await readEnvironmentImage(clients, environmentImageId, taggedImages))], taggedImages)
  const snapshotsRead = when('snapshots', async () => readSnapshots(clients, config.site, await reading), [])
  const [images, snapshots, sharing, rollout, attachedGroups, vpc, https, drift] = await Promise.all([
    reading,
    snapshotsRead,
    when('sharing', async () => readSharing(clients, await reading, await snapshotsRead), undefined),
    when('rollout', () => readRollout(clients, config.site, reading), undefined),
    when('securityGroups', () => readAttachedGroups(clients, read), []),
    when('vpc', () => readVpc(clients, config, network), undefined),
    when('https', () => readHttpsFacts(config, environment?.settings, clients.acm?.bind(clients), clients.clock?.now() ?? Date.now()), undefined),
    when('drift', async () => readDriftFacts(clients, read, await reading), undefined),
  ])
  return {...read, drift, https, images, rollout, securityGroups: [...read.securityGroups, ...attachedGroups], sharing, snapshots, vpc}
}
