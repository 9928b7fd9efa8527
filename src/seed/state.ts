/**
 * Reads (and the few writes of) what AWS knows about a site's seed: the
 * instance by its tags, the boot result and cron heartbeat parameters, the
 * generation counter. Every seed command starts here.
 */
import type {Instance} from '@aws-sdk/client-ec2'

import type {Ec2Api} from '../aws/ec2'
import type {SsmApi} from '../aws/ssm'
import type {WaitControl} from '../aws/types'
import {pollUntil} from '../aws/wait'
import type {Clock} from '../core/clock'
import type {Reporter} from '../core/progress'
import {HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {
  bootResultParameterName,
  cronHeartbeatParameterName,
  generationParameterName,
  LIVE_STATES,
  seedSelector,
} from './identity'

/** What the boot script reports (boot-script.ts `report`). */
export interface BootResult {
  readonly status: 'ok' | 'failed' | 'unknown'
  readonly reason: string
  /** The code version it installed, e.g. `wordpress-6.7.1`. */
  readonly version: string
  /** ISO time the boot reported. */
  readonly at: string
  /** The last lines of /var/log/hactl-boot.log. */
  readonly log: string
}

/** The seed's last cron run. */
export interface CronHeartbeat {
  readonly at: string
  readonly exit: number
  readonly seconds: number
}

/** The site's seed instances that are not terminated, oldest first. */
export async function findSeeds(ec2: Ec2Api, site: string, states: readonly string[] = LIVE_STATES): Promise<Instance[]> {
  const found = await ec2.describeInstances({states, tags: seedSelector(site)})
  return [...found].sort((a, b) => (a.LaunchTime?.getTime() ?? 0) - (b.LaunchTime?.getTime() ?? 0))
}

/** The one seed, or the "no seed" error every command but create gives (exit 12). */
export async function requireSeed(ec2: Ec2Api, site: string): Promise<Instance> {
  const [seed] = await findSeeds(ec2, site, ['pending', 'running'])
  if (seed?.InstanceId) return seed
  throw new HactlError('no-seed', `Site ${site} has no running seed.`, {
    exitCode: ExitCode.NotReady,
    suggestions: ['Run `hactl seed create` to launch it.'],
  })
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

export async function readBootResult(ssm: SsmApi, site: string): Promise<BootResult | undefined> {
  const parameter = await ssm.getParameter(bootResultParameterName(site))
  if (!parameter) return undefined
  const json = parseJson(parameter.value)
  // A value hactl cannot read is still a report: show it rather than wait for ever.
  if (!json) return {at: parameter.lastModified?.toISOString() ?? '', log: parameter.value, reason: 'unreadable boot result', status: 'unknown', version: ''}
  const status = json.status === 'ok' || json.status === 'failed' ? json.status : 'unknown'
  return {at: text(json.at), log: text(json.log), reason: text(json.reason), status, version: text(json.version)}
}

export async function readCronHeartbeat(ssm: SsmApi, site: string): Promise<CronHeartbeat | undefined> {
  const parameter = await ssm.getParameter(cronHeartbeatParameterName(site))
  const json = parameter ? parseJson(parameter.value) : undefined
  if (!json || typeof json.at !== 'string') return undefined
  return {at: json.at, exit: Number(json.exit ?? Number.NaN), seconds: Number(json.seconds ?? 0)}
}

export async function readGeneration(ssm: SsmApi, site: string): Promise<number> {
  const parameter = await ssm.getParameter(generationParameterName(site))
  const value = Number.parseInt(parameter?.value ?? '', 10)
  return Number.isInteger(value) && value > 0 ? value : 1
}

/** Moves the site to its next seed: the next create uses a new client token. */
export async function nextGeneration(ssm: SsmApi, site: string): Promise<number> {
  const next = (await readGeneration(ssm, site)) + 1
  await ssm.putParameter({description: 'hactl: generation of the site\'s seed (its launch client token)', name: generationParameterName(site), overwrite: true, value: String(next)})
  return next
}

/**
 * Until none of these seeds is left in any state but terminated. Found by
 * tag, not by id: EC2 forgets a terminated instance after a while, and the
 * SDK's InstanceTerminated waiter then sees InvalidInstanceID.NotFound,
 * which it does not take for "terminated".
 */
export async function waitForSeedsGone(
  options: {ec2: Ec2Api; site: string; instanceIds: readonly string[]; clock: Clock; reporter: Reporter} & WaitControl,
): Promise<void> {
  const {ec2, instanceIds, site} = options
  await pollUntil({
    check: (left) => (left.length === 0 ? {state: 'done'} : {state: 'retry', status: left.map((i) => `${i.InstanceId} ${i.State?.Name ?? '?'}`).join(', ')}),
    clock: options.clock,
    minDelayMs: 10_000,
    poll: async () => (await findSeeds(ec2, site, ['pending', 'running', 'stopping', 'stopped', 'shutting-down'])).filter((i) => instanceIds.includes(i.InstanceId ?? '')),
    reporter: options.reporter,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    what: `seed ${instanceIds.join(', ')} to be terminated`,
  })
}
