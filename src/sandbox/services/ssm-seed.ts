import {createHash} from 'node:crypto'
import {gunzipSync} from 'node:zlib'

import type {
  DescribeInstanceInformationCommandInput,
  DescribeInstanceInformationCommandOutput,
  InstanceInformation,
  InstanceInformationFilter,
  InstanceInformationStringFilter,
} from '@aws-sdk/client-ssm'

import {dueOccurrences} from '../advance'
import {DURATIONS} from '../durations'
import {SimError} from '../errors'
import {paginate} from '../paging'
import type {AdvanceContext, OperationContext, RegionState, Result} from '../types'
import {instanceState, privateDnsName, rebooting, type InstanceRecord} from './ec2-model'
import {findObject} from './s3-model'
import {cronWindow} from './ssm-cron'
import {ssmSlice, writeStringParameter, type SsmState} from './ssm-model'

/*
 * The simulated seed: what an instance tagged hactl:role=seed does after
 * launch, as the boot script (src/seed/boot-script.ts) and the cron runner
 * (src/seed/cron.ts) would do on EC2, on the simulated clock:
 *
 *   RunInstances ─35 s─► running ─60 s─► SSM agent Online (any instance with a profile)
 *                           └──5 min──► /hactl/<site>/seed/boot {status, reason, version, at, log}
 *                                          └─ ok: every minute ─► /hactl/<site>/seed/cron {at, exit, seconds}
 *
 * The sandbox imports no product code, so the parameter names are written
 * out here again; test/src/sandbox/ssm-seed.test.ts checks they agree with
 * src/seed/pointers.ts (boot) and src/seed/cron.ts (cron).
 */

export const ROLE_TAG = 'hactl:role'
export const SITE_TAG = 'hactl:site'

/** The parameters a seed writes (boot, cron) and the sandbox keeps for it (changes). */
export const SEED_PARAMETERS = {
  /** = bootResultParameterName in src/seed/pointers.ts. */
  boot: (site: string) => `/hactl/${site}/seed/boot`,
  /** = cronHeartbeatParameterName in src/seed/cron.ts. */
  cron: (site: string) => `/hactl/${site}/seed/cron`,
  /** The sandbox's change counter for the seed's code (ssm.md "The seed's change counter"). */
  changes: (site: string) => `/hactl/${site}/seed/changes`,
} as const

/** What the simulated agent reports: a current SSM Agent on AL2023. Typical figures. */
const AGENT = {version: '3.3.2299.0', platformName: 'Amazon Linux', platformVersion: '2023'} as const

export function isSeed(instance: InstanceRecord): boolean {
  return instance.tags[ROLE_TAG] === 'seed'
}

/** The user data as the instance would read it: base64-decoded, gunzipped when gzipped (cloud-init does). */
export function userDataText(instance: InstanceRecord): string | undefined {
  if (instance.userData === undefined) return undefined
  const bytes = Buffer.from(instance.userData, 'base64')
  try {
    return gunzipped(bytes).toString('utf8')
  } catch {
    return undefined
  }
}

const gunzipped = (bytes: Buffer): Buffer => (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes)

/** A `readonly NAME=value` line of the boot script, unquoted. */
function scriptConstant(script: string | undefined, name: string): string | undefined {
  const match = new RegExp(`^readonly ${name}=(.*)$`, 'm').exec(script ?? '')
  if (!match) return undefined
  const value = match[1]
  return value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1).replaceAll(`'\\''`, "'") : value
}

/**
 * The seed's files as its boot fetches them (src/seed/boot-script.ts): the
 * object at the user data's FILES_URL in this region's S3, checked against
 * FILES_SHA256 and gunzipped. `problem` is what the boot would fail on.
 */
function seedFiles(region: RegionState, script: string | undefined): {text?: string; problem?: string} {
  const url = scriptConstant(script, 'FILES_URL')
  if (url === undefined) return {}
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url)
  const object = match ? findObject(region, match[1], match[2]) : undefined
  if (object === undefined) return {problem: `fatal error: An error occurred (404) when calling the HeadObject operation: Key "${match?.[2] ?? url}" does not exist`}
  const bytes = Buffer.from(object.body, 'base64')
  const wanted = scriptConstant(script, 'FILES_SHA256')
  if (createHash('sha256').update(bytes).digest('hex') !== wanted) return {problem: `sha256sum: WARNING: 1 computed checksum did NOT match (${url})`}
  try {
    return {text: gunzipped(bytes).toString('utf8')}
  } catch {
    return {problem: 'gzip: stdin: not in gzip format'}
  }
}

/**
 * Everything the seed runs: its user data, then the files payload it
 * fetched (undefined without user data). Every reading of the seed's
 * scripts (SITE, the staging runner's ALL_CHECKS, the log agent) goes
 * through here.
 */
export function seedScriptText(region: RegionState, instance: InstanceRecord): string | undefined {
  const script = userDataText(instance)
  if (script === undefined) return undefined
  const files = seedFiles(region, script).text
  return files === undefined ? script : `${script}\n${files}`
}

/** Why the seed's boot fails fetching its files, or undefined when they are there and intact (or not asked for). */
export function seedFilesProblem(region: RegionState, instance: InstanceRecord): string | undefined {
  return seedFiles(region, userDataText(instance)).problem
}

/** The seed's site: its hactl:site tag, else the SITE its boot script names. */
export function seedSite(instance: InstanceRecord): string | undefined {
  return instance.tags[SITE_TAG] ?? scriptConstant(userDataText(instance), 'SITE')
}

const runningAt = (instance: InstanceRecord) => instance.launchedAt + DURATIONS.instancePending

/** When the agent registers: only with an instance profile (the agent needs the role's credentials). */
export function registeredAt(instance: InstanceRecord): number | undefined {
  return instance.iamInstanceProfileArn === undefined ? undefined : runningAt(instance) + DURATIONS.ssmRegistration
}

/** Whether the instance was still up (not yet told to terminate) at `at`. */
function upAt(instance: InstanceRecord, at: number): boolean {
  return instance.terminatedAt === undefined || instance.terminatedAt > at
}

/** The ping status of a registered instance at `now`; undefined while not (yet) registered. */
export function pingStatus(instance: InstanceRecord, now: number): 'Online' | 'ConnectionLost' | undefined {
  const registered = registeredAt(instance)
  if (registered === undefined || now < registered || !upAt(instance, registered)) return undefined
  return instanceState(instance, now) === 'running' && !rebooting(instance, now) ? 'Online' : 'ConnectionLost'
}

// ---- the boot ---------------------------------------------------------------

/** The boot script's steps, in order, as it logs them (src/seed/boot-script.ts). */
const BOOT_STEPS = [
  "fetch the seed's files",
  'writing the seed files',
  "stopping the platform's own nginx and php-fpm (for this boot only: EB enables them on web nodes)",
  'installing packages (EFS utils, DB client, PHP build tools for phpredis)',
  'mounting the uploads EFS (TLS, IAM, access point)',
  'installing the code (only when absent: a seed from a bake keeps its code)',
  'rendering the configuration and the app DB user',
  'enabling the seed units',
] as const

/** Where a boot fails and the error it prints: the files' fetch (object missing or not the pinned one), or the injected fault. */
interface BootFailure {
  readonly step: (typeof BOOT_STEPS)[number]
  readonly error: string
}

function bootFailure(region: RegionState, instance: InstanceRecord): BootFailure | undefined {
  const problem = seedFilesProblem(region, instance)
  if (problem !== undefined) return {error: problem, step: BOOT_STEPS[0]}
  if (instance.bootFailed === true) return {error: 'Error: Failed to download metadata for repo (hactl sandbox: injected boot-failed fault)', step: BOOT_STEPS[3]}
  return undefined
}

/** The last lines of a boot log, as the script's `tail -n 40` would send them. */
function bootLog(version: string, failure: BootFailure | undefined): string {
  const upTo = failure === undefined ? BOOT_STEPS.length : BOOT_STEPS.indexOf(failure.step) + 1
  const lines = BOOT_STEPS.slice(0, upTo).map((step) => `hactl-boot: ${step}`)
  const end = failure === undefined ? [`hactl-boot: ok: ${version}`] : [failure.error, `hactl-boot: FAILED during: ${failure.step} (exit 1)`]
  return [...lines, ...end].join('\n')
}

/** The boot result the script's report() writes: {status, reason, version, at, log}. */
function bootResult(instance: InstanceRecord, failure: BootFailure | undefined, at: number): string {
  const version = scriptConstant(userDataText(instance), 'CODE_VERSION') ?? 'unknown'
  return JSON.stringify({
    status: failure ? 'failed' : 'ok',
    reason: failure ? `${failure.step} (exit 1)` : '',
    version,
    at: new Date(at).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    log: bootLog(version, failure),
  })
}

/** Whether the seed's boot reported a failure (then no cron, no log streaming). */
export function seedBootFailed(region: RegionState, instance: InstanceRecord): boolean {
  return region.ssm?.seeds[instance.id]?.bootFailed === true
}

/** The cron heartbeat the runner writes: {at, exit, seconds}, `at` in whole seconds as `date -u +%FT%TZ`. */
function heartbeat(at: number): string {
  return JSON.stringify({at: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), exit: 0, seconds: DURATIONS.seedCronRun / 1000})
}

/** Reports a seed's boot once its time has come, if it was still up and could reach SSM. */
function advanceBoot(region: RegionState, instance: InstanceRecord, site: string, now: number): boolean {
  const at = runningAt(instance) + DURATIONS.seedBoot
  if (now < at || !upAt(instance, at) || registeredAt(instance) === undefined) return false
  const state = ssmSlice(region)
  const record = (state.seeds[instance.id] ??= {site, changes: 0})
  if (record.bootReportedAt !== undefined) return false
  record.bootReportedAt = at
  // Judged once, at boot: the files were fetched then, whatever happens to the object later.
  const failure = bootFailure(region, instance)
  if (failure !== undefined) record.bootFailed = true
  writeStringParameter(state, SEED_PARAMETERS.boot(site), bootResult(instance, failure, at), at)
  return true
}

/**
 * The cron runner's heartbeat after a good boot: runs fire every minute on
 * the minute and end `seedCronRun` later; only the newest run in the
 * catch-up window writes (advance.ts), so a long gap writes once.
 */
function advanceCron(state: SsmState, instance: InstanceRecord, site: string, context: AdvanceContext): boolean {
  const booted = state.seeds[instance.id]?.bootReportedAt
  if (booted === undefined || state.seeds[instance.id]?.bootFailed === true) return false
  const period = DURATIONS.seedCronPeriod
  const first = (Math.floor(booted / period) + 1) * period + DURATIONS.seedCronRun
  // Not while `hactl bake` has the timer stopped (ssm-cron.ts).
  const {from, end} = cronWindow(instance, Math.max(context.window.from, booted), Math.min(context.now, instance.terminatedAt ?? context.now))
  if (end <= from) return false
  const due = dueOccurrences(first, period, {from, now: end})
  const last = due.at(-1)
  if (last === undefined) return false
  writeStringParameter(state, SEED_PARAMETERS.cron(site), heartbeat(last), last)
  return true
}

/** The seeds' deferred work: boot reports and cron heartbeats that came due. */
export function advanceSeeds(region: RegionState, context: AdvanceContext): boolean {
  let changed = false
  for (const instance of region.ec2?.instances ?? []) {
    if (!isSeed(instance)) continue
    const site = seedSite(instance)
    if (site === undefined) continue
    changed = advanceBoot(region, instance, site, context.now) || changed
    if (region.ssm !== undefined) changed = advanceCron(region.ssm, instance, site, context) || changed
  }

  return changed
}

// ---- DescribeInstanceInformation -------------------------------------------

function toInformation(instance: InstanceRecord, status: 'Online' | 'ConnectionLost', context: OperationContext): InstanceInformation {
  const registered = registeredAt(instance) ?? instance.launchedAt
  const lastPing = status === 'Online' ? context.now : Math.min(context.now, instance.terminatedAt ?? context.now)
  return {
    InstanceId: instance.id,
    PingStatus: status,
    LastPingDateTime: new Date(lastPing),
    AgentVersion: AGENT.version,
    IsLatestVersion: false,
    PlatformType: 'Linux',
    PlatformName: AGENT.platformName,
    PlatformVersion: AGENT.platformVersion,
    IamRole: instance.iamInstanceProfileArn?.split('/').at(-1),
    RegistrationDate: new Date(registered),
    ResourceType: 'EC2Instance',
    IPAddress: instance.privateIp,
    ComputerName: privateDnsName(instance.privateIp, context.region),
    SourceId: instance.id,
    SourceType: 'AWS::EC2::Instance',
  }
}

type Candidate = {readonly instance: InstanceRecord; readonly info: InstanceInformation}

/** The filter keys hactl can use, in both of the API's filter forms. */
function filterValues(candidate: Candidate, key: string): ReadonlyArray<string | undefined> {
  if (key.startsWith('tag:')) return [candidate.instance.tags[key.slice(4)]]
  switch (key) {
    case 'InstanceIds': {
      return [candidate.info.InstanceId]
    }

    case 'PingStatus': {
      return [candidate.info.PingStatus]
    }

    case 'PlatformTypes': {
      return [candidate.info.PlatformType]
    }

    case 'ResourceType': {
      return [candidate.info.ResourceType]
    }

    case 'AgentVersion': {
      return [candidate.info.AgentVersion]
    }

    case 'tag-key': {
      return Object.keys(candidate.instance.tags)
    }

    default: {
      throw new SimError('InvalidFilterKey', `The filter key ${key} is not valid.`)
    }
  }
}

function matches(candidate: Candidate, key: string | undefined, values: readonly string[] | undefined): boolean {
  const have = filterValues(candidate, key ?? '')
  return (values ?? []).some((value) => have.includes(value))
}

export function describeInstanceInformation(
  region: RegionState,
  input: DescribeInstanceInformationCommandInput,
  context: OperationContext,
): Result<DescribeInstanceInformationCommandOutput> {
  const maxResults = input.MaxResults
  if (maxResults !== undefined && (maxResults < 5 || maxResults > 50)) {
    throw new SimError('ValidationException', `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 5 and 50`)
  }

  if (input.InstanceInformationFilterList?.length && input.Filters?.length) {
    throw new SimError('InvalidFilter', 'InstanceInformationFilterList and Filters cannot be used together.')
  }

  const oldForm: readonly InstanceInformationFilter[] = input.InstanceInformationFilterList ?? []
  const newForm: readonly InstanceInformationStringFilter[] = input.Filters ?? []
  const candidates = (region.ec2?.instances ?? []).flatMap((instance): Candidate[] => {
    const status = pingStatus(instance, context.now)
    return status === undefined || instanceState(instance, context.now) === undefined ? [] : [{instance, info: toInformation(instance, status, context)}]
  })
  const chosen = candidates.filter(
    (candidate) =>
      oldForm.every((filter) => matches(candidate, filter.key, filter.valueSet)) &&
      newForm.every((filter) => matches(candidate, filter.Key, filter.Values)),
  )
  const page = paginate(chosen, {
    maxResults,
    nextToken: input.NextToken,
    defaultSize: 50,
    badToken: () => new SimError('InvalidNextToken', "The specified token isn't valid."),
  })
  return {InstanceInformationList: page.items.map((candidate) => candidate.info), NextToken: page.nextToken}
}
