/**
 * `hactl status`: one screen of truth read from AWS: who we are (account,
 * region, sandbox or not), the config in use, and, for the configured site,
 * its lock, its pointers under /hactl/<site>/ and its environment with health,
 * all through the site inventory.
 *
 *   GetCallerIdentity ─┐
 *   GetParametersByPath /hactl/<site>/ (pointers + lock) ─┤ in parallel
 *                      └─► anything there? ─► environment (+ health when Ready)
 *
 * The environment is read only when something under /hactl/<site>/ says the
 * site was made (env create writes the `site` pointer; a command in progress
 * holds the lock), so status on an account without the site makes two calls.
 */
import type {AwsClients} from '../aws/clients'
import type {LoadedConfig} from '../config/load'
import type {HactlConfig} from '../config/schema'
import {readSite, type EnvironmentFacts, type SiteInventory} from '../site/inventory'
import {siteNames} from '../site/names'

export interface StatusOptions {
  /** The APIs status reads from. */
  readonly clients: AwsClients
  /** The hactl.yml in use, if any. */
  readonly config?: LoadedConfig
}

export interface StatusEnvironment {
  /** The EB environment's name (hactl-<site>). */
  readonly name: string
  /** False when the site's pointers exist but the environment does not (not made yet, or destroyed). */
  readonly exists: boolean
  /** Launching, Updating, Ready, Terminating, Terminated … */
  readonly status?: string
  /** Green, Yellow, Red, Grey (EB's colour). */
  readonly health?: string
  /** Enhanced health: Ok, Warning, Degraded, Severe …; only for a Ready environment. */
  readonly healthStatus?: string
  /** Why enhanced health is not Ok, as EB words it. */
  readonly causes?: readonly string[]
  /** Instance counts by enhanced health status. */
  readonly instances?: Readonly<Record<string, number>>
  readonly cname?: string
  readonly versionLabel?: string
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
  /** SSM parameters under /hactl/<site>/ other than the lock: name below the prefix → value. */
  readonly pointers?: Readonly<Record<string, string>>
  /** Absent when nothing under /hactl/<site>/ says the site exists (it was then not read). */
  readonly environment?: StatusEnvironment
}

export async function getStatus(options: StatusOptions): Promise<StatusResult> {
  const {clients, config} = options
  const sts = await clients.sts()
  const [identity, site] = await Promise.all([sts.getCallerIdentity(), config ? readSiteStatus(clients, config.config) : undefined])
  return {
    config: config
      ? {app: config.config.app, path: config.path, region: config.config.region, site: config.config.site}
      : undefined,
    environment: site?.environment,
    identity: {
      account: identity.account,
      arn: identity.arn,
      endpoint: clients.endpointUrl,
      region: clients.configuredRegion ?? (await sts.region()),
      sandbox: clients.isSandbox,
    },
    lock: site?.lock,
    pointers: site?.pointers,
  }
}

type SiteStatus = Pick<StatusResult, 'environment' | 'lock' | 'pointers'>

async function readSiteStatus(clients: AwsClients, config: HactlConfig): Promise<SiteStatus> {
  const marks = await readSite({clients, config, want: {lock: true, pointers: true}})
  const pointers = marks.pointers?.values ?? {}
  const made = Object.keys(pointers).length > 0 || marks.lock?.held === true
  const environment = made ? await readSite({clients, config, want: {environment: {health: true}}}) : undefined
  return {
    environment: environment ? statusEnvironment(siteNames(config.site, config.region).environment, environment) : undefined,
    lock: lockStatus(marks),
    pointers,
  }
}

function lockStatus({lock}: SiteInventory): StatusResult['lock'] {
  if (!lock) return undefined
  return {held: lock.held, holder: lock.record?.holder, operation: lock.record?.operation, since: lock.record?.since, stale: lock.stale}
}

function statusEnvironment(name: string, {environment}: SiteInventory): StatusEnvironment {
  const facts: EnvironmentFacts | undefined = environment
  const description = facts?.description
  if (!description) return {exists: false, name}
  const health = facts?.health
  return {
    causes: health?.causes,
    cname: description.CNAME,
    exists: true,
    health: description.Health,
    healthStatus: health?.healthStatus ?? description.HealthStatus,
    instances: health?.instances,
    name,
    status: description.Status,
    versionLabel: description.VersionLabel,
  }
}
