/**
 * `hactl status`: one screen of truth read from AWS. In this first cut: who
 * we are (account, region, sandbox or not), the config in use and the site
 * lock, read through the site inventory. Later issues add environment health,
 * the live AMI, the seed and the last test and bake: each is a part the
 * inventory already reads (`environment`, `images`, `seed`, `pointers`), so
 * adding one is a `want` flag and a field here.
 */
import type {AwsClients} from '../aws/clients'
import type {LoadedConfig} from '../config/load'
import {readSite} from '../site/inventory'

export interface StatusOptions {
  /** The APIs status reads from. */
  readonly clients: AwsClients
  /** The hactl.yml in use, if any. */
  readonly config?: LoadedConfig
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
}

export async function getStatus(options: StatusOptions): Promise<StatusResult> {
  const {clients, config} = options
  const sts = await clients.sts()
  // The lock lives in SSM; read it alongside the identity call.
  const [identity, inventory] = await Promise.all([
    sts.getCallerIdentity(),
    config ? readSite({clients, config: config.config, want: {lock: true}}) : undefined,
  ])
  const lock = inventory?.lock

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
  }
}
