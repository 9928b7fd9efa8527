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

import type {AwsClients} from '../aws/clients'
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

export type InventoryClients = Pick<AwsClients, 'eb' | 'ec2' | 'efs' | 'elasticache' | 'iam' | 'rds' | 's3' | 'secrets' | 'ssm'> & {
  /** The clock a held lock's age is judged on (only the lock part uses it). @default systemClock */
  readonly clock?: Clock
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
  const reader: Reader = {clients: options.clients, config, names: siteNames(config.site)}
  // Pointers and lock both wanted: one GetParametersByPath answers both (the lock is a parameter under the same path).
  const listing = want.pointers && want.lock ? listSiteParameters(reader) : undefined
  const part = <T>(wanted: unknown, read: () => Promise<T>): Promise<T | undefined> => (wanted ? read() : Promise.resolve(undefined))
  const [application, environment, securityGroups, iam, uploads, database, cache, secrets, bundle, seed, images, pointers, lock] = await Promise.all([
    part(want.application, () => readApplication(reader)),
    part(want.environment, () => readEnvironment(reader, want.environment === true ? {} : want.environment || {})),
    part(want.securityGroups, () => readSecurityGroups(reader, want.securityGroups?.vpcId ?? '')),
    part(want.iam, () => readIam(reader)),
    part(want.uploads, () => readUploads(reader, typeof want.uploads === 'object' && want.uploads.policy === true)),
    part(want.database, () => readDatabase(reader, want.database === true ? {} : want.database || {})),
    part(want.cache, () => readCache(reader, typeof want.cache === 'object' && want.cache.supporting === true)),
    part(want.secrets, () => readSecrets(reader)),
    part(want.bundle, () => readBundle(reader, want.bundle?.versionLabel ?? '')),
    part(want.seed, () => readSeed(reader)),
    part(want.images, () => readImages(reader)),
    part(want.pointers, async () => pointersOf(await (listing ?? listSiteParameters(reader)), config.site)),
    part(want.lock, async () => readSiteLock(reader, listing)),
  ])
  return {application, bundle, cache, database, environment, iam, images, lock, pointers, secrets, securityGroups, seed, site: config.site, uploads}
}

async function readApplication({clients, names}: Reader): Promise<ApplicationFacts> {
  return {application: await (await clients.eb()).describeApplication(names.application)}
}

async function readEnvironment(reader: Reader, want: {settings?: boolean; health?: boolean; instances?: boolean}): Promise<EnvironmentFacts> {
  const {clients, names} = reader
  const eb = await clients.eb()
  const description = await eb.describeEnvironment(names.environment)
  if (!description) return {instances: [], settings: []}
  const [settings, health, resources] = await Promise.all([
    want.settings ? eb.configurationSettings(names.application, names.environment) : [],
    // EB answers enhanced health only for a Ready environment.
    want.health && description.Status === 'Ready' ? eb.environmentHealth(names.environment) : undefined,
    want.instances ? eb.environmentResources(names.environment) : undefined,
  ])
  const ids = resources?.instanceIds ?? []
  const instances = ids.length === 0 ? [] : await (await clients.ec2()).describeInstances({instanceIds: ids})
  return {
    description,
    health,
    instances: [...instances].sort((a, b) => (a.InstanceId ?? '').localeCompare(b.InstanceId ?? '')),
    resources,
    settings,
  }
}

async function readSecurityGroups({clients, names}: Reader, vpcId: string): Promise<SecurityGroupFacts> {
  const found = await (await clients.ec2()).findSecurityGroups(vpcId, Object.values(names.securityGroup))
  const byRole: Partial<Record<SecurityGroupRole, SecurityGroup>> = {}
  for (const role of SECURITY_GROUP_ROLES) {
    const group = found.get(names.securityGroup[role])
    if (group) byRole[role] = group
  }

  return {byRole, vpcId}
}

async function readIam({clients, names}: Reader): Promise<IamFacts> {
  const iam = await clients.iam()
  const [instanceRole, serviceRole, instanceProfile] = await Promise.all([
    iam.getRole(names.instanceRole),
    iam.getRole(names.serviceRole),
    iam.getInstanceProfile(names.instanceProfile),
  ])
  return {instanceProfile, instanceRole, serviceRole}
}

async function readUploads({clients, names}: Reader, policy: boolean): Promise<UploadsFacts> {
  const efs = await clients.efs()
  const fileSystem = await efs.findFileSystem(names.efsCreationToken)
  const id = fileSystem?.FileSystemId
  if (!id) return {accessPoints: [], mountTargets: []}
  const [mountTargets, accessPoints, policyText] = await Promise.all([
    efs.describeMountTargets(id),
    efs.describeAccessPoints(id),
    policy ? efs.fileSystemPolicy(id) : undefined,
  ])
  return {
    accessPoints,
    fileSystem,
    mountTargets: [...mountTargets].sort((a, b) => (a.AvailabilityZoneName ?? '').localeCompare(b.AvailabilityZoneName ?? '')),
    policy: policyText,
  }
}

async function readDatabase({clients, config, names}: Reader, want: {members?: boolean; supporting?: boolean}): Promise<DatabaseFacts> {
  const supporting = want.supporting === true
  const rds = await clients.rds()
  const aurora = isAuroraEngine(config.database.engine)
  const [instance, cluster, clusterInstances, subnetGroup, parameterGroupExists] = await Promise.all([
    aurora ? undefined : rds.describeInstance(names.db),
    aurora ? rds.describeCluster(names.db) : undefined,
    aurora && want.members ? rds.describeClusterInstances(names.db) : [],
    supporting ? rds.describeSubnetGroup(names.dbSubnetGroup) : undefined,
    supporting ? rds.parameterGroupExists(names.dbParameterGroup, aurora) : undefined,
  ])
  return {cluster, clusterInstances, instance, parameterGroupExists, subnetGroup}
}

async function readCache({clients, config, names}: Reader, supporting: boolean): Promise<CacheFacts> {
  const cache = await clients.elasticache()
  const redis = config.cache.engine === 'redis'
  const [replicationGroup, cluster, subnetGroup] = await Promise.all([
    redis ? cache.describeReplicationGroup(names.cache) : undefined,
    redis ? undefined : cache.describeCacheCluster(names.cache),
    supporting ? cache.describeSubnetGroup(names.cacheSubnetGroup) : undefined,
  ])
  return {cluster, replicationGroup, subnetGroup}
}

async function readSecrets({clients, names}: Reader): Promise<SecretFacts> {
  return {cacheAuth: await (await clients.secrets()).describeSecret(names.cacheSecret)}
}

async function readBundle({clients, names}: Reader, versionLabel: string): Promise<BundleFacts> {
  const version = await (await clients.eb()).describeApplicationVersion(names.application, versionLabel)
  const bucket = version?.SourceBundle?.S3Bucket
  const key = version?.SourceBundle?.S3Key
  // Without a version there is no bucket to look in: EB's storage bucket is only known once made.
  const objectExists = bucket && key ? await (await clients.s3()).objectExists(bucket, key) : undefined
  return {objectExists, version, versionLabel}
}

async function readSeed({clients, config}: Reader): Promise<SeedFacts> {
  const states = ['pending', 'running', 'stopping', 'stopped']
  const instances = await (await clients.ec2()).describeInstances({states, tags: {'hactl:role': 'seed', 'hactl:site': config.site}})
  return {instances}
}

async function readImages({clients, config}: Reader): Promise<ImageFacts> {
  return {images: await (await clients.ec2()).describeImages({owners: ['self'], tags: {'hactl:site': config.site}})}
}

/** The lock and its break records live under the same path; site/lock reads those, so they are left out here. */
const LOCK_ENTRIES = /^lock(-breaks\/.*)?$/

function sitePrefix(site: string): string {
  return `/hactl/${site}/`
}

/** Every parameter under /hactl/<site>/, the lock included, in one paged read. */
async function listSiteParameters({clients, config}: Reader): Promise<readonly Parameter[]> {
  return (await clients.ssm()).getParametersByPath(sitePrefix(config.site), {recursive: true})
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
async function readSiteLock({clients, config}: Reader, listing: Promise<readonly Parameter[]> | undefined): Promise<LockState> {
  const clock = clients.clock ?? systemClock
  if (!listing) return readLock({clock, site: config.site, ssm: await clients.ssm()})
  const name = lockParameterName(config.site)
  return lockStateOf((await listing).find((parameter) => parameter.name === name), {clock})
}
