/**
 * `hactl env status`: the environment's status and health with causes, its
 * instances and the AMI each runs, its endpoints, and the data tier's states.
 * Everything read from AWS in one site inventory (site/inventory), side by side.
 */
import type {Instance} from '@aws-sdk/client-ec2'

import type {AwsClients} from '../aws/clients'
import {settingOf} from '../aws/eb-options'
import type {HactlConfig} from '../config/schema'
import {HTTPS_LISTENER} from './https'
import {readSite, type InventoryClients, type SiteInventory} from '../site/inventory'
import {siteNames} from '../site/names'

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
  /** With a domain: the HTTPS listener's certificate, its status and expiry. */
  readonly https?: {
    readonly domain: string
    readonly certificateArn?: string
    /** ACM's status (ISSUED, PENDING_VALIDATION, …); undefined when the listener names no certificate yet. */
    readonly status?: string
    readonly notAfter?: string
    readonly renewalEligibility?: string
  }
  /** True when nothing of the site exists yet. */
  readonly empty: boolean
}

export interface EnvStatusOptions {
  readonly config: HactlConfig
  /** With `acm`, the certificate's status and expiry are read too. */
  readonly clients: InventoryClients & Partial<Pick<AwsClients, 'acm'>>
}

export async function getEnvStatus(options: EnvStatusOptions): Promise<EnvStatusResult> {
  const {clients, config} = options
  const inventory = await readSite({
    clients,
    config,
    want: {cache: true, database: true, environment: {health: true, instances: true, settings: config.domain !== undefined}, secrets: config.cache.engine === 'redis', uploads: true},
  })
  const environment = environmentStatus(inventory)
  const uploads = uploadsStatus(inventory, config)
  const database = databaseStatus(inventory, config)
  const cache = cacheStatus(inventory, config)
  const https = await httpsStatus(options, inventory)
  return {
    cache,
    https,
    database,
    empty: !environment && !uploads && !database && !cache,
    environment,
    instances: (inventory.environment?.instances ?? []).map(instanceStatus),
    site: config.site,
    uploads,
  }
}

async function httpsStatus({clients, config}: EnvStatusOptions, inventory: SiteInventory): Promise<EnvStatusResult['https']> {
  if (!config.domain) return undefined
  const certificateArn = settingOf(inventory.environment?.settings ?? [], HTTPS_LISTENER.namespace, HTTPS_LISTENER.SSLCertificateArns)
  if (!certificateArn || !clients.acm) return {certificateArn, domain: config.domain}
  const cert = await (await clients.acm()).describeCertificate(certificateArn)
  return {certificateArn, domain: config.domain, notAfter: cert?.notAfter?.toISOString(), renewalEligibility: cert?.renewalEligibility, status: cert?.status ?? 'not found in ACM'}
}

function environmentStatus({environment, site}: SiteInventory): EnvStatusResult['environment'] {
  const env = environment?.description
  if (!env) return undefined
  const health = environment.health
  return {
    causes: health?.causes ?? [],
    cname: env.CNAME,
    endpointUrl: env.EndpointURL,
    health: env.Health ?? 'Grey',
    healthStatus: health?.healthStatus ?? env.HealthStatus,
    id: env.EnvironmentId ?? '',
    name: env.EnvironmentName ?? `hactl-${site}`,
    platformArn: env.PlatformArn,
    status: env.Status ?? 'Unknown',
    updatedAt: env.DateUpdated?.toISOString(),
    versionLabel: env.VersionLabel,
  }
}

function instanceStatus(instance: Instance): InstanceStatus {
  return {
    id: instance.InstanceId ?? '',
    imageId: instance.ImageId ?? '',
    imdsv2: instance.MetadataOptions?.HttpTokens === 'required',
    instanceType: instance.InstanceType ?? '',
    state: instance.State?.Name ?? 'unknown',
    zone: instance.Placement?.AvailabilityZone ?? '',
  }
}

function uploadsStatus({uploads}: SiteInventory, config: HactlConfig): EnvStatusResult['uploads'] {
  const fs = uploads?.fileSystem
  if (!uploads || !fs?.FileSystemId) return undefined
  return {
    accessPointId: uploads.accessPoints[0]?.AccessPointId,
    dnsName: `${fs.FileSystemId}.efs.${config.region}.amazonaws.com`,
    encrypted: fs.Encrypted === true,
    fileSystemId: fs.FileSystemId,
    mountTargets: uploads.mountTargets.map((target) => ({state: target.LifeCycleState ?? 'unknown', zone: target.AvailabilityZoneName ?? ''})),
    state: fs.LifeCycleState ?? 'unknown',
  }
}

function databaseStatus({database}: SiteInventory, config: HactlConfig): EnvStatusResult['database'] {
  const id = siteNames(config.site, config.region).db
  const cluster = database?.cluster
  if (cluster) {
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

  const instance = database?.instance
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

function cacheStatus({cache, secrets}: SiteInventory, config: HactlConfig): EnvStatusResult['cache'] {
  const id = siteNames(config.site, config.region).cache
  const group = cache?.replicationGroup
  if (group) {
    const endpoint = group.NodeGroups?.[0]?.PrimaryEndpoint
    return {
      encryptedAtRest: group.AtRestEncryptionEnabled === true,
      encryptedInTransit: group.TransitEncryptionEnabled === true,
      endpoint: endpoint?.Address,
      engine: 'redis',
      id,
      port: endpoint?.Port,
      secretArn: secrets?.cacheAuth?.arn,
      status: group.Status ?? 'unknown',
    }
  }

  const cluster = cache?.cluster
  if (!cluster) return undefined
  return {
    encryptedAtRest: cluster.AtRestEncryptionEnabled === true,
    encryptedInTransit: cluster.TransitEncryptionEnabled === true,
    endpoint: cluster.ConfigurationEndpoint?.Address,
    engine: 'memcached',
    id,
    port: cluster.ConfigurationEndpoint?.Port,
    status: cluster.CacheClusterStatus ?? 'unknown',
  }
}
