/**
 * `hactl status`: one screen of truth read from AWS. Who we are (account,
 * region, sandbox or not), the config in use, the site lock, and from the
 * site inventory the environment and the pointers later features keep under
 * /hactl/<site>/. Later issues add the live AMI, the seed and the last test
 * and bake (each a part the inventory already has a slot for).
 */
import type {AwsClients} from '../aws/clients'
import type {LoadedConfig} from '../config/load'
import {readSite, type SiteInventory} from '../site/inventory'
import {readLock} from '../site/lock'

export interface StatusOptions {
  /** The APIs status reads from. */
  readonly clients: AwsClients
  /** The hactl.yml in use, if any. */
  readonly config?: LoadedConfig
}

export interface SiteStatus {
  readonly environment?: {
    readonly name: string
    readonly status: string
    readonly health: string
    readonly versionLabel?: string
  }
  /** SSM parameters under /hactl/<site>/ (the lock aside), by name below that path. */
  readonly pointers: Readonly<Record<string, string>>
}

export interface StatusResult {
  readonly identity: {
    readonly account: string
    readonly arn: string
    readonly region: string
    readonly sandbox: boolean
    readonly endpoint?: string
  }
  readonly config?: {
    readonly path: string
    readonly site: string
    readonly app: string
    readonly region: string
  }
  readonly lock?: {
    readonly held: boolean
    readonly holder?: string
    readonly operation?: string
    readonly since?: string
    readonly stale?: boolean
  }
  /** What exists of the site; absent when nothing does yet (or no site is configured). */
  readonly site?: SiteStatus
}

export async function getStatus(options: StatusOptions): Promise<StatusResult> {
  const {clients, config} = options
  const sts = await clients.sts()
  // The lock and the site live in SSM and EB; read them alongside the identity call.
  const [identity, lock, inventory] = await Promise.all([
    sts.getCallerIdentity(),
    config ? clients.ssm().then((ssm) => readLock({clock: clients.clock, site: config.config.site, ssm})) : undefined,
    config ? readSite({clients, config: config.config, want: {environment: true, pointers: true}}) : undefined,
  ])

  return {
    config: config
      ? {app: config.config.app, path: config.path, region: config.config.region, site: config.config.site}
      : undefined,
    identity: {
      account: identity.account,
      arn: identity.arn,
      endpoint: clients.endpointUrl,
      region: clients.configuredRegion ?? (await sts.region()),
      sandbox: clients.isSandbox,
    },
    lock: lock
      ? {
          held: lock.held,
          holder: lock.record?.holder,
          operation: lock.record?.operation,
          since: lock.record?.since,
          stale: lock.stale,
        }
      : undefined,
    site: inventory && siteStatus(inventory),
  }
}

function siteStatus(inventory: SiteInventory): SiteStatus | undefined {
  const env = inventory.environment?.description
  const pointers = inventory.pointers?.values ?? {}
  if (!env && Object.keys(pointers).length === 0) return undefined
  return {
    environment: env && {
      health: env.Health ?? 'Grey',
      name: env.EnvironmentName ?? '',
      status: env.Status ?? 'Unknown',
      versionLabel: env.VersionLabel,
    },
    pointers,
  }
}
