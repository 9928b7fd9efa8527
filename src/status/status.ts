/**
 * `hactl status`: one screen of truth read from AWS. In this first cut: who
 * we are (account, region, sandbox or not), the config in use and the site
 * lock. Later issues add environment health, the live AMI, the seed and the
 * last test and bake.
 */
import type {AwsClients} from '../aws/clients'
import {readLock} from '../site/lock'
import type {LoadedConfig} from '../config/load'

export interface StatusOptions {
  readonly aws: AwsClients
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
  const {aws, config} = options
  const sts = await aws.sts()
  const identityPromise = sts.getCallerIdentity()
  // The lock lives in SSM; read it alongside the identity call.
  const lockPromise = config
    ? aws.ssm().then((ssm) => readLock({clock: aws.clock, site: config.config.site, ssm}))
    : Promise.resolve(undefined)
  const [identity, lock] = await Promise.all([identityPromise, lockPromise])

  return {
    config: config
      ? {app: config.config.app, path: config.path, region: config.config.region, site: config.config.site}
      : undefined,
    identity: {
      account: identity.account,
      arn: identity.arn,
      endpoint: aws.endpointUrl,
      region: aws.configuredRegion ?? (await sts.region()),
      sandbox: aws.isSandbox,
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
