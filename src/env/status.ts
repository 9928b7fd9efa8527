/**
 * `hactl env status`: the environment's status and health with causes, its
 * instances and the AMI each runs, its endpoints, and the data tier's states.
 * Everything read from AWS, side by side.
 */
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config/schema'
import {siteNames} from '../site/names'
import {isAurora} from './spec'

export interface InstanceStatus {
  readonly id: string
  readonly state: string
  readonly imageId: string
  readonly instanceType: string
  readonly zone: string
  readonly imdsv2: boolean
}

export interface EnvStatusResult {
  readonly site: string
  readonly environment?: {
    readonly name: string
    readonly id: string
    readonly status: string
    readonly health: string
    readonly healthStatus?: string
    readonly causes: readonly string[]
    readonly cname?: string
    readonly endpointUrl?: string
    readonly versionLabel?: string
    readonly platformArn?: string
    readonly updatedAt?: string
  }
  readonly instances: readonly InstanceStatus[]
  readonly uploads?: {
    readonly fileSystemId: string
    /** The file system's DNS name (what `mount -t efs` resolves). */
    readonly dnsName: string
    readonly state: string
    readonly encrypted: boolean
    readonly mountTargets: ReadonlyArray<{readonly zone: string; readonly state: string}>
    readonly accessPointId?: string
  }
  readonly database?: {
    readonly id: string
    readonly engine: string
    readonly status: string
    readonly endpoint?: string
    readonly readerEndpoint?: string
    readonly port?: number
    readonly multiAz: boolean
    readonly encrypted: boolean
    readonly secretArn?: string
  }
  readonly cache?: {
    readonly id: string
    readonly engine: string
    readonly status: string
    readonly endpoint?: string
    readonly port?: number
    readonly encryptedAtRest: boolean
    readonly encryptedInTransit: boolean
    readonly secretArn?: string
  }
  /** True when nothing of the site exists yet. */
  readonly empty: boolean
}

export interface EnvStatusOptions {
  readonly config: HactlConfig
  readonly clients: AwsClients
}

export async function getEnvStatus(options: EnvStatusOptions): Promise<EnvStatusResult> {
  const {clients, config} = options
  const [environment, uploads, database, cache] = await Promise.all([
    environmentStatus(options),
    uploadsStatus(options),
    databaseStatus(options),
    cacheStatus(options),
  ])
  const instances = environment ? await instanceStatuses(clients, environment.name) : []
  return {
    cache,
    database,
    empty: !environment && !uploads && !database && !cache,
    environment,
    instances,
    site: config.site,
    uploads,
  }
}

async function environmentStatus({clients, config}: EnvStatusOptions): Promise<EnvStatusResult['environment']> {
  const eb = await clients.eb()
  const name = siteNames(config.site).environment
  const env = await eb.describeEnvironment(name)
  if (!env) return undefined
  const health = env.Status === 'Ready' ? await eb.environmentHealth(name) : undefined
  return {
    causes: health?.causes ?? [],
    cname: env.CNAME,
    endpointUrl: env.EndpointURL,
    health: env.Health ?? 'Grey',
    healthStatus: health?.healthStatus ?? env.HealthStatus,
    id: env.EnvironmentId ?? '',
    name,
    platformArn: env.PlatformArn,
    status: env.Status ?? 'Unknown',
    updatedAt: env.DateUpdated?.toISOString(),
    versionLabel: env.VersionLabel,
  }
}

async function instanceStatuses(clients: AwsClients, environment: string): Promise<InstanceStatus[]> {
  const [eb, ec2] = await Promise.all([clients.eb(), clients.ec2()])
  const resources = await eb.environmentResources(environment)
  if (resources.instanceIds.length === 0) return []
  const instances = await ec2.describeInstances({instanceIds: resources.instanceIds})
  return instances
    .map((instance) => ({
      id: instance.InstanceId ?? '',
      imageId: instance.ImageId ?? '',
      imdsv2: instance.MetadataOptions?.HttpTokens === 'required',
      instanceType: instance.InstanceType ?? '',
      state: instance.State?.Name ?? 'unknown',
      zone: instance.Placement?.AvailabilityZone ?? '',
    }))
    .sort((a, b) => a.id.localeCompare(b.id))
}

async function uploadsStatus({clients, config}: EnvStatusOptions): Promise<EnvStatusResult['uploads']> {
  const efs = await clients.efs()
  const fs = await efs.findFileSystem(siteNames(config.site).efsCreationToken)
  if (!fs?.FileSystemId) return undefined
  const [targets, points] = await Promise.all([efs.describeMountTargets(fs.FileSystemId), efs.describeAccessPoints(fs.FileSystemId)])
  return {
    accessPointId: points[0]?.AccessPointId,
    dnsName: `${fs.FileSystemId}.efs.${config.region}.amazonaws.com`,
    encrypted: fs.Encrypted === true,
    fileSystemId: fs.FileSystemId,
    mountTargets: targets
      .map((target) => ({state: target.LifeCycleState ?? 'unknown', zone: target.AvailabilityZoneName ?? ''}))
      .sort((a, b) => a.zone.localeCompare(b.zone)),
    state: fs.LifeCycleState ?? 'unknown',
  }
}

async function databaseStatus({clients, config}: EnvStatusOptions): Promise<EnvStatusResult['database']> {
  const rds = await clients.rds()
  const id = siteNames(config.site).db
  if (isAurora(config)) {
    const cluster = await rds.describeCluster(id)
    if (!cluster) return undefined
    const members = cluster.DBClusterMembers ?? []
    return {
      encrypted: cluster.StorageEncrypted === true,
      endpoint: cluster.Endpoint,
      engine: cluster.Engine ?? config.database.engine,
      id,
      multiAz: members.some((member) => !member.IsClusterWriter),
      port: cluster.Port,
      readerEndpoint: cluster.ReaderEndpoint,
      secretArn: cluster.MasterUserSecret?.SecretArn,
      status: cluster.Status ?? 'unknown',
    }
  }

  const instance = await rds.describeInstance(id)
  if (!instance) return undefined
  return {
    encrypted: instance.StorageEncrypted === true,
    endpoint: instance.Endpoint?.Address,
    engine: instance.Engine ?? config.database.engine,
    id,
    multiAz: instance.MultiAZ === true,
    port: instance.Endpoint?.Port,
    secretArn: instance.MasterUserSecret?.SecretArn,
    status: instance.DBInstanceStatus ?? 'unknown',
  }
}

async function cacheStatus({clients, config}: EnvStatusOptions): Promise<EnvStatusResult['cache']> {
  const cache = await clients.elasticache()
  const names = siteNames(config.site)
  if (config.cache.engine === 'redis') {
    const group = await cache.describeReplicationGroup(names.cache)
    if (!group) return undefined
    const secret = await (await clients.secrets()).describeSecret(names.cacheSecret)
    const endpoint = group.NodeGroups?.[0]?.PrimaryEndpoint
    return {
      encryptedAtRest: group.AtRestEncryptionEnabled === true,
      encryptedInTransit: group.TransitEncryptionEnabled === true,
      endpoint: endpoint?.Address,
      engine: 'redis',
      id: names.cache,
      port: endpoint?.Port,
      secretArn: secret?.arn,
      status: group.Status ?? 'unknown',
    }
  }

  const cluster = await cache.describeCacheCluster(names.cache)
  if (!cluster) return undefined
  return {
    encryptedAtRest: cluster.AtRestEncryptionEnabled === true,
    encryptedInTransit: cluster.TransitEncryptionEnabled === true,
    endpoint: cluster.ConfigurationEndpoint?.Address,
    engine: 'memcached',
    id: names.cache,
    port: cluster.ConfigurationEndpoint?.Port,
    status: cluster.CacheClusterStatus ?? 'unknown',
  }
}
