/**
 * `hactl seed status`: what the seed is, read from AWS only (the instance by
 * its tags, SSM's view of its agent, the boot and cron parameters, the live
 * image pointer). Read-only: takes no lock.
 */
import type {AwsClients} from '../aws/clients'
import type {HactlConfig} from '../config/schema'
import {secondsSince} from '../core/clock'
import {liveImageParameterName} from './identity'
import {findSeeds, readBootResult, readCronHeartbeat} from './state'

export interface SeedStatusOptions {
  readonly config: HactlConfig
  readonly clients: Pick<AwsClients, 'clock' | 'ec2' | 'ssm'>
}

export interface SeedStatusResult {
  readonly site: string
  /** null when the site has no seed. */
  readonly seed: {
    readonly instanceId: string
    readonly state: string
    readonly instanceType: string
    readonly imageId: string
    /** The seed runs the AMI the environment runs (/hactl/<site>/live-image). */
    readonly imageIsLiveBake: boolean
    readonly launchedAt: string | null
    readonly ageSeconds: number | null
  } | null
  /** Other seeds found (there should be none; doctor fails on them). */
  readonly extraSeeds: readonly string[]
  readonly boot: {readonly status: string; readonly reason: string; readonly at: string} | null
  /** The code version the boot installed. */
  readonly codeVersion: string | null
  readonly cron: {readonly at: string; readonly exit: number; readonly seconds: number; readonly ageSeconds: number} | null
  /** SSM's view of the agent: Online, ConnectionLost, Inactive, or not registered. */
  readonly ssm: {readonly pingStatus: string; readonly lastPingAt: string | null}
  /** The latest staging run on this seed: filled in by the staging commands (later issue). */
  readonly lastStaging: null
}


export async function seedStatus(options: SeedStatusOptions): Promise<SeedStatusResult> {
  const {clients, config} = options
  const [ec2, ssm] = await Promise.all([clients.ec2(), clients.ssm()])
  const seeds = await findSeeds(ec2, config.site)
  const [seed, ...extra] = seeds
  const now = clients.clock.now()
  const instanceId = seed?.InstanceId ?? ''
  const [boot, cron, live, agent] = await Promise.all([
    seed ? readBootResult(ssm, config.site) : undefined,
    seed ? readCronHeartbeat(ssm, config.site) : undefined,
    seed ? ssm.getParameter(liveImageParameterName(config.site)) : undefined,
    seed ? ssm.describeInstanceInformation([instanceId]).then((found) => found[0]) : undefined,
  ])
  const launchedAt = seed?.LaunchTime?.toISOString()
  return {
    boot: boot ? {at: boot.at, reason: boot.reason, status: boot.status} : null,
    codeVersion: boot?.version || null,
    cron: cron ? {...cron, ageSeconds: secondsSince(now, cron.at) ?? 0} : null,
    extraSeeds: extra.map((instance) => instance.InstanceId ?? ''),
    lastStaging: null,
    seed: seed
      ? {
          ageSeconds: secondsSince(now, launchedAt),
          imageId: seed.ImageId ?? '',
          imageIsLiveBake: live !== undefined && live.value === seed.ImageId,
          instanceId,
          instanceType: seed.InstanceType ?? '',
          launchedAt: launchedAt ?? null,
          state: seed.State?.Name ?? '',
        }
      : null,
    site: config.site,
    ssm: {lastPingAt: agent?.lastPing?.toISOString() ?? null, pingStatus: agent?.pingStatus || 'not registered'},
  }
}
