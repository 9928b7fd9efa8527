/**
 * One reader of "what exists for this site", for `plan --live`, `env status`,
 * `hactl status` (and, as they move over, doctor, the create preflight and
 * `up`'s "already done?" checks). It finds each resource by the name
 * `env create` gives it (site/names), so every command sees the same site.
 *
 *   want ─► readSite ─┬ application ──────────────┐
 *                     ├ environment ─► settings, health, resources ─► instances
 *                     ├ security groups (by name, in the VPC)       │
 *                     ├ IAM roles, instance profile                 │
 *                     ├ EFS ─► mount targets, access points, policy ├─► SiteInventory
 *                     ├ database ─► cluster instances, subnet/param │
 *                     ├ cache ─► subnet group                       │
 *                     ├ secrets, bundle ─► S3 object                │
 *                     └ seed, images, lock, pointers under /hactl/<site>/ ┘
 *
 * Parts run side by side, and each part makes each of its reads once, so a
 * call reads each resource at most once (a test counts the requests).
 */
import type {SecurityGroup} from '@aws-sdk/client-ec2'
import type {MountTargetDescription} from '@aws-sdk/client-efs'

import type {AwsClients} from '../aws/clients'
import type {EfsApi} from '../aws/efs'
import type {ElastiCacheApi} from '../aws/elasticache'
import {hasAwsCode} from '../aws/errors'
import type {Parameter} from '../aws/ssm'
import type {HactlConfig} from '../config/schema'
import {isAuroraEngine} from '../config/constants'
import {systemClock, type Clock} from '../core/clock'
import {lockParameterName, lockStateOf, readLock, type LockState} from './lock'
import {SECURITY_GROUP_ROLES, siteNames, type SecurityGroupRole, type SiteNames} from './names'
import type {
  ApplicationFacts,
  BundleFacts,
  CacheFacts,
  DatabaseFacts,
  EnvironmentFacts,
  IamFacts,
  ImageFacts,
  PointerFacts,
  SecretFacts,
  SecurityGroupFacts,
  SeedFacts,
  SiteInventory,
  SiteWant,
  UploadsFacts,
} from './inventory-facts'

export type * from './inventory-facts'

type InventoryApis = Pick<AwsClients, 'eb' | 'ec2' | 'efs' | 'elasticache' | 'iam' | 'rds' | 's3' | 'secrets' | 'ssm'>

/**
 * The APIs of the parts wanted (a caller that reads only the data tier passes
 * only those; asking for a part without its API fails loudly, not silently).
 */
export type InventoryClients = Partial<InventoryApis> & {
  /** The clock a held lock's age is judged on (only the lock part uses it). @default systemClock */
  readonly clock?: Clock
}

async function api<K extends keyof InventoryApis>({clients}: Reader, key: K): Promise<Awaited<ReturnType<InventoryApis[K]>>> {
  const get = clients[key] as (() => Promise<Awaited<ReturnType<InventoryApis[K]>>>) | undefined
  if (!get) throw new Error(`readSite: a wanted part reads ${key}, but no ${key} client was given`)
  return get.call(clients)
}

/** `want.x` as its options object: `true` → `{}`, absent or false → undefined. */
function optionsOf<T extends object>(wanted: boolean | T | undefined): T | undefined {
  if (!wanted) return undefined
  return wanted === true ? ({} as T) : wanted
}

export interface ReadSiteOptions {
  /** The APIs read from; only Describe/Get/List/Head operations are called. */
  readonly clients: InventoryClients
  /** hactl.yml, resolved: the site's name and which engines to look for. */
  readonly config: HactlConfig
  /** The parts to read. */
  readonly want: SiteWant
}

interface Reader {
  readonly clients: InventoryClients
  readonly config: HactlConfig
  readonly names: SiteNames
}

/** Reads the wanted parts of the site; parts not wanted are absent from the answer. */
export async function readSite(options: ReadSiteOptions): Promise<SiteInventory> {
  const {config, want} = options
  const reader: Reader = {clients: options.clients, config, names: siteNames(config.site, config.region)}
  // Pointers and lock both wanted: one GetParametersByPath answers both (the lock is a parameter under the same path).
  const listing = want.pointers && want.lock ? listSiteParameters(reader) : undefined
  const part = <T>(wanted: unknown, read: () => Promise<T>): Promise<T | undefined> => (wanted ? read() : Promise.resolve(undefined))
  const [application, environment, securityGroups, iam, uploads, database, cache, secrets, bundle, seed, siteInstances, taggedSecurityGroups, images, pointers, lock] = await Promise.all([
    part(want.application, () => readApplication(reader)),
    part(want.environment, () => readEnvironment(reader, optionsOf(want.environment) ?? {})),
    part(want.securityGroups, () => readSecurityGroups(reader, want.securityGroups?.vpcId ?? '')),
    part(want.iam, () => readIam(reader)),
    part(want.uploads, () => readUploads(reader, optionsOf(want.uploads) ?? {})),
    part(want.database, () => readDatabase(reader, optionsOf(want.database) ?? {})),
    part(want.cache, () => readCache(reader, optionsOf(want.cache) ?? {})),
    part(want.secrets, () => readSecrets(reader)),
    part(want.bundle, () => readBundle(reader, want.bundle?.versionLabel ?? '')),
    part(want.seed, () => readSeed(reader)),
    part(want.siteInstances, async () => (await api(reader, 'ec2')).describeInstances({states: ['running'], tags: siteTag(config.site)})),
    part(want.taggedSecurityGroups, async () => (await api(reader, 'ec2')).describeSecurityGroups({tags: siteTag(config.site)})),
    part(want.images, () => readImages(reader)),
    part(want.pointers, async () => pointersOf(await (listing ?? listSiteParameters(reader)), config.site)),
    part(want.lock, async () => readSiteLock(reader, listing)),
  ])
  return {
    application,
    bundle,
    cache,
    database,
    environment,
    iam,
    images,
    lock,
    pointers,
    secrets,
    securityGroups,
    seed,
    site: config.site,
    siteInstances,
    taggedSecurityGroups,
    uploads,
  }
}

async function readApplication(reader: Reader): Promise<ApplicationFacts> {
  return {application: await (await api(reader, 'eb')).describeApplication(reader.names.application)}
}

type EnvironmentWant = Exclude<SiteWant['environment'], boolean | undefined>

async function readEnvironment(reader: Reader, want: EnvironmentWant): Promise<EnvironmentFacts> {
  const eb = await api(reader, 'eb')
  const description = await eb.describeEnvironment(reader.names.environment)
  if (!description) return {instances: [], settings: []}
  const [settings, health, resources] = await Promise.all([
    want.settings ? eb.configurationSettings(reader.names.application, reader.names.environment) : [],
    // EB answers enhanced health only for a Ready environment.
    want.health && description.Status === 'Ready' ? eb.environmentHealth(reader.names.environment) : undefined,
    want.instances ? eb.environmentResources(reader.names.environment) : undefined,
  ])
  const ids = resources?.instanceIds ?? []
  const states = typeof want.instances === 'object' ? [...want.instances.states] : undefined
  const instances = ids.length === 0 ? [] : await (await api(reader, 'ec2')).describeInstances({instanceIds: ids, states})
  return {
    description,
    health,
    instances: [...instances].sort((a, b) => (a.InstanceId ?? '').localeCompare(b.InstanceId ?? '')),
    resources,
    settings,
  }
}

async function readSecurityGroups(reader: Reader, vpcId: string): Promise<SecurityGroupFacts> {
  const found = await (await api(reader, 'ec2')).findSecurityGroups(vpcId, Object.values(reader.names.securityGroup))
  const byRole: Partial<Record<SecurityGroupRole, SecurityGroup>> = {}
  for (const role of SECURITY_GROUP_ROLES) {
    const group = found.get(reader.names.securityGroup[role])
    if (group) byRole[role] = group
  }

  return {byRole, vpcId}
}

async function readIam(reader: Reader): Promise<IamFacts> {
  const iam = await api(reader, 'iam')
  const [instanceRole, serviceRole, instanceProfile] = await Promise.all([
    iam.getRole(reader.names.instanceRole),
    iam.getRole(reader.names.serviceRole),
    iam.getInstanceProfile(reader.names.instanceProfile),
  ])
  return {instanceProfile, instanceRole, serviceRole}
}

type UploadsWant = Exclude<SiteWant['uploads'], boolean | undefined>

async function readUploads(reader: Reader, want: UploadsWant): Promise<UploadsFacts> {
  const efs = await api(reader, 'efs')
  const fileSystem = await efs.findFileSystem(reader.names.efsCreationToken)
  const id = fileSystem?.FileSystemId
  if (!id) return {accessPoints: [], mountTargets: []}
  const [mountTargets, accessPoints, policy, backup] = await Promise.all([
    efs.describeMountTargets(id),
    want.accessPoints === false ? [] : efs.describeAccessPoints(id),
    want.policy ? efs.fileSystemPolicy(id) : undefined,
    want.backup ? efs.backupPolicyStatus(id) : undefined,
  ])
  const mountTargetGroups = want.mountTargetGroups ? await readMountTargetGroups(efs, mountTargets) : undefined
  return {
    accessPoints,
    backup,
    fileSystem,
    mountTargetGroups,
    mountTargets: [...mountTargets].sort((a, b) => (a.AvailabilityZoneName ?? '').localeCompare(b.AvailabilityZoneName ?? '')),
    policy,
  }
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

type DatabaseWant = Exclude<SiteWant['database'], boolean | undefined>

async function readDatabase(reader: Reader, want: DatabaseWant): Promise<DatabaseFacts> {
  const {names} = reader
  const supporting = want.supporting === true
  const rds = await api(reader, 'rds')
  const aurora = isAuroraEngine(reader.config.database.engine)
  const [instance, cluster, clusterInstances, subnetGroup, parameterGroupExists] = await Promise.all([
    aurora ? undefined : rds.describeInstance(names.db),
    aurora ? rds.describeCluster(names.db) : undefined,
    aurora && want.members ? rds.describeClusterInstances(names.db) : [],
    supporting ? rds.describeSubnetGroup(names.dbSubnetGroup) : undefined,
    supporting ? rds.parameterGroupExists(names.dbParameterGroup, aurora) : undefined,
  ])
  const parameterGroup = aurora ? cluster?.DBClusterParameterGroup : instance?.DBParameterGroups?.[0]?.DBParameterGroupName
  const tls =
    want.tlsParameters && parameterGroup
      ? {parameterGroup, values: await rds.parameterValues(parameterGroup, aurora, want.tlsParameters)}
      : undefined
  return {cluster, clusterInstances, instance, parameterGroupExists, subnetGroup, tls}
}

type CacheWant = Exclude<SiteWant['cache'], boolean | undefined>

async function readCache(reader: Reader, want: CacheWant): Promise<CacheFacts> {
  const {names} = reader
  const cache = await api(reader, 'elasticache')
  const redis = reader.config.cache.engine === 'redis'
  const [replicationGroup, cluster, subnetGroup] = await Promise.all([
    redis ? cache.describeReplicationGroup(names.cache) : undefined,
    redis ? undefined : cache.describeCacheCluster(names.cache),
    want.supporting ? cache.describeSubnetGroup(names.cacheSubnetGroup) : undefined,
  ])
  const members = want.memberGroups ? (replicationGroup?.MemberClusters ?? []) : []
  const memberGroups = want.memberGroups
    ? Object.fromEntries(await Promise.all(members.map(async (id) => [id, await memberClusterGroups(cache, id)] as const)))
    : undefined
  return {cluster, memberGroups, replicationGroup, subnetGroup}
}

/** A member cluster's groups: `securityGroupIdsOf` where the API has it, else the cluster's own description. */
async function memberClusterGroups(cache: ElastiCacheApi, clusterId: string): Promise<string[]> {
  if (cache.securityGroupIdsOf) return cache.securityGroupIdsOf(clusterId)
  const cluster = await cache.describeCacheCluster(clusterId)
  return (cluster?.SecurityGroups ?? []).map((group) => group.SecurityGroupId ?? '').filter((id) => id !== '')
}

async function readSecrets(reader: Reader): Promise<SecretFacts> {
  const secrets = await api(reader, 'secrets')
  const [cacheAuth, appDb] = await Promise.all([secrets.describeSecret(reader.names.cacheSecret), secrets.describeSecret(reader.names.appDbSecret)])
  return {appDb, cacheAuth}
}

async function readBundle(reader: Reader, versionLabel: string): Promise<BundleFacts> {
  const version = await (await api(reader, 'eb')).describeApplicationVersion(reader.names.application, versionLabel)
  const bucket = version?.SourceBundle?.S3Bucket
  const key = version?.SourceBundle?.S3Key
  // Without a version there is no bucket to look in: EB's storage bucket is only known once made.
  const objectExists = bucket && key ? await (await api(reader, 's3')).objectExists(bucket, key) : undefined
  return {objectExists, version, versionLabel}
}

async function readSeed(reader: Reader): Promise<SeedFacts> {
  const states = ['pending', 'running', 'stopping', 'stopped']
  const instances = await (await api(reader, 'ec2')).describeInstances({states, tags: {...siteTag(reader.config.site), 'hactl:role': 'seed'}})
  return {instances}
}

async function readImages(reader: Reader): Promise<ImageFacts> {
  return {images: await (await api(reader, 'ec2')).describeImages({owners: ['self'], tags: siteTag(reader.config.site)})}
}

/** The lock and its break records live under the same path; site/lock reads those, so they are left out here. */
const LOCK_ENTRIES = /^lock(-breaks\/.*)?$/

function sitePrefix(site: string): string {
  return `/hactl/${site}/`
}

/** Every parameter under /hactl/<site>/, the lock included, in one paged read. */
async function listSiteParameters(reader: Reader): Promise<readonly Parameter[]> {
  return (await api(reader, 'ssm')).getParametersByPath(sitePrefix(reader.config.site), {recursive: true})
}

function pointersOf(parameters: readonly Parameter[], site: string): PointerFacts {
  const prefix = sitePrefix(site)
  const entries = parameters
    .map((parameter) => [parameter.name.slice(prefix.length), parameter.value] as const)
    .filter(([name]) => !LOCK_ENTRIES.test(name))
    .sort(([a], [b]) => a.localeCompare(b))
  return {values: Object.fromEntries(entries)}
}

/** The lock from a listing already made, else with its own GetParameter. */
async function readSiteLock(reader: Reader, listing: Promise<readonly Parameter[]> | undefined): Promise<LockState> {
  const clock = reader.clients.clock ?? systemClock
  if (!listing) return readLock({clock, site: reader.config.site, ssm: await api(reader, 'ssm')})
  const name = lockParameterName(reader.config.site)
  return lockStateOf((await listing).find((parameter) => parameter.name === name), {clock})
}

/** The tag every resource hactl makes for a site carries. */
function siteTag(site: string): Record<string, string> {
  return {'hactl:site': site}
}
