/**
 * Drift (issue 14): a web node's code against the image it was launched
 * from, and the seed's against the live image. Read by `hactl doctor`
 * (checks/drift.ts) and `hactl status --drift`.
 *
 *   live image's tags: hactl:marker, hactl:app-version  (no marker: not a bake ─► nothing to compare, nothing sent)
 *   DescribeInstanceInformation(web nodes + seed) ─► Online ones
 *   one SendCommand to all of them: staging-run --marker ─► poll GetCommandInvocation, at most MARKERS_TIMEOUT_MS
 *      each node: ChangeMarker JSON | exit 127 (no runner: a platform AMI) | another failure | no answer in time
 *   judge (pure): web node value ≠ live marker ─► drifted (lost at the next scale event)
 *                 seed appVersion ≠ live hactl:app-version ─► the seed runs other app code than the web nodes
 *
 * Reading never fails the caller: what could not be read is a reason a node
 * was not checked. The command is read-only on the instances (the runner
 * hashes the code tree) but is a SendCommand: it needs ssm:SendCommand and
 * stays in SSM's command history.
 */
import type {Image, Instance} from '@aws-sdk/client-ec2'

import type {Clock} from '../core/clock'
import {TimeoutError} from '../core/errors'
import {silentReporter, type Reporter} from '../core/progress'
import {COMMAND_POLL} from '../aws/run-command'
import type {CommandInvocation, SsmApi} from '../aws/ssm'
import {pollUntil} from '../aws/wait'
import {tagOf} from '../bake/images'
import {BAKE_TAGS} from '../bake/record'
import {STAGING_RUNNER} from '../staging/runner'

/** How long drift waits for the markers: SSM delivers in seconds, the runner hashes the code tree in a few more. */
export const MARKERS_TIMEOUT_MS = 90_000

/** The marker parts drift compares. */
export interface NodeMarker {
  readonly value: string
  readonly appVersion?: string
}

/** One instance's answer, or why it was not checked. */
export type MarkerRead = {readonly instanceId: string; readonly marker: NodeMarker} | {readonly instanceId: string; readonly skipped: string}

export const NO_RUNNER = 'no runner (the environment runs the platform AMI)'
export const NO_BAKE = 'no bake is live yet (the environment runs the platform AMI)'

/** What a finished invocation says: the marker, or why there is none. */
export function markerOf(invocation: Pick<CommandInvocation, 'instanceId' | 'responseCode' | 'status' | 'stderr' | 'stdout'>): MarkerRead {
  const {instanceId} = invocation
  // The shell's own exit code for a program that is not there: an instance launched from the platform AMI has no runner.
  if (invocation.responseCode === 127) return {instanceId, skipped: NO_RUNNER}
  const line = invocation.stdout.split('\n').find((text) => text.startsWith('{'))
  let parsed: Partial<NodeMarker> | undefined
  try {
    parsed = line ? (JSON.parse(line) as Partial<NodeMarker>) : undefined
  } catch {
    parsed = undefined
  }

  if (invocation.responseCode !== 0 || typeof parsed?.value !== 'string') {
    const why = (invocation.stderr || invocation.stdout).trim().split('\n')[0] || 'no marker printed'
    return {instanceId, skipped: `staging-run --marker ended ${invocation.status}, exit ${invocation.responseCode}: ${why}`}
  }

  return {instanceId, marker: {appVersion: typeof parsed.appVersion === 'string' ? parsed.appVersion : undefined, value: parsed.value}}
}

export interface ReadMarkersOptions {
  readonly ssm: Pick<SsmApi, 'describeInstanceInformation' | 'getCommandInvocation' | 'sendCommand'>
  readonly clock: Clock
  readonly instanceIds: readonly string[]
  /** @default MARKERS_TIMEOUT_MS */
  readonly timeoutMs?: number
  /** @default silentReporter */
  readonly reporter?: Reporter
}

const FINAL = new Set(['Cancelled', 'Failed', 'Success', 'TimedOut'])
const why = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * `staging-run --marker` on every instance whose agent is Online, in one
 * SendCommand, waited for at most `timeoutMs`: one read per instance, in the
 * order given. Never throws: a failure is each instance's reason.
 */
export async function readMarkers(options: ReadMarkersOptions): Promise<MarkerRead[]> {
  const ids = [...new Set(options.instanceIds)]
  if (ids.length === 0) return []
  const {clock, ssm} = options
  const reads = new Map<string, MarkerRead>()
  const rest = (reason: string): MarkerRead[] => ids.map((instanceId) => reads.get(instanceId) ?? {instanceId, skipped: reason})
  try {
    const agents = new Map((await ssm.describeInstanceInformation(ids)).map((info) => [info.instanceId, info.pingStatus]))
    for (const instanceId of ids) {
      const agent = agents.get(instanceId)
      if (agent !== 'Online') reads.set(instanceId, {instanceId, skipped: `its SSM agent is ${agent || 'not registered'}, not Online`})
    }

    const online = ids.filter((instanceId) => !reads.has(instanceId))
    if (online.length === 0) return rest('')
    const timeoutMs = options.timeoutMs ?? MARKERS_TIMEOUT_MS
    const commandId = await ssm.sendCommand({
      comment: 'hactl drift: the change markers',
      commands: [`${STAGING_RUNNER} --marker`],
      executionTimeoutSeconds: Math.max(30, Math.ceil(timeoutMs / 1000)),
      instanceId: online[0],
      instanceIds: online,
    })
    await pollUntil({
      check: (pending: number) => (pending === 0 ? {state: 'done'} : {state: 'retry', status: `${pending} of ${online.length} to answer`}),
      clock,
      // Polled like every other command (2, 4, 8 s, then every 15 s): within SSM's throttling budget however many nodes answer.
      ...COMMAND_POLL,
      poll: async () => {
        const waiting = online.filter((instanceId) => !reads.has(instanceId))
        const invocations = await Promise.all(waiting.map((instanceId) => ssm.getCommandInvocation(commandId, instanceId)))
        for (const invocation of invocations) if (invocation && FINAL.has(invocation.status)) reads.set(invocation.instanceId, markerOf(invocation))
        return online.filter((instanceId) => !reads.has(instanceId)).length
      },
      reporter: options.reporter ?? silentReporter,
      timeoutMs,
      what: `the change markers of ${online.length === 1 ? online[0] : `${online.length} instances`}`,
    })
    return rest('')
  } catch (error) {
    return rest(error instanceof TimeoutError ? `no answer within ${Math.round((options.timeoutMs ?? MARKERS_TIMEOUT_MS) / 1000)} s` : `the marker was not read: ${why(error)}`)
  }
}

// ---- judging (pure) ----------------------------------------------------------

/** The live image's marker and app version, when it is a bake (tagged hactl:marker). */
export interface LiveBake {
  readonly imageId: string
  readonly marker: string
  readonly appVersion?: string
}

/** The live image as a bake, or undefined when it carries no marker (the platform's AMI, or not read). */
export function liveBakeOf(imageId: string | undefined, image: Pick<Image, 'Tags'> | undefined): LiveBake | undefined {
  const marker = image ? tagOf(image, BAKE_TAGS.marker) : undefined
  return imageId && marker ? {appVersion: image ? tagOf(image, BAKE_TAGS.appVersion) : undefined, imageId, marker} : undefined
}

export interface WebDrift {
  /** `in-step`: every node checked has the live marker; `drifted`: at least one differs; `not-checked`: none could be compared. */
  readonly state: 'drifted' | 'in-step' | 'not-checked'
  readonly liveImageId?: string
  readonly inStep: readonly string[]
  readonly drifted: ReadonlyArray<{readonly instanceId: string; readonly marker: string}>
  readonly skipped: ReadonlyArray<{readonly instanceId: string; readonly why: string}>
  /** Why nothing was compared, when `not-checked` for want of a bake or of nodes (else each node's in `skipped`). */
  readonly why?: string
}

export interface SeedDrift {
  /** `same`: the seed is at the live bake's marker; `ahead`: changed since (code, plugins), same app version; `app-version`: another app version; `not-checked`. */
  readonly state: 'ahead' | 'app-version' | 'not-checked' | 'same'
  readonly instanceId?: string
  /** The seed's marker value, when it answered (also before the first bake). */
  readonly marker?: string
  readonly seedAppVersion?: string
  readonly liveAppVersion?: string
  readonly why?: string
}

export interface DriftReport {
  readonly web: WebDrift
  readonly seed: SeedDrift
}

export interface DriftInput {
  readonly live?: LiveBake
  /** The environment's running instances (their ImageId says whether they run the live image). */
  readonly webInstances: ReadonlyArray<Pick<Instance, 'ImageId' | 'InstanceId'>>
  readonly seedInstanceId?: string
  /** What readMarkers answered (web nodes and the seed). */
  readonly reads: readonly MarkerRead[]
}

/** Each web node's marker against the live bake's. */
export function judgeWebDrift(input: DriftInput): WebDrift {
  const empty = {drifted: [], inStep: [], skipped: []}
  const {live} = input
  if (!live) return {...empty, state: 'not-checked', why: NO_RUNNER}
  if (input.webInstances.length === 0) return {...empty, liveImageId: live.imageId, state: 'not-checked', why: 'the environment has no running instance'}
  const reads = new Map(input.reads.map((read) => [read.instanceId, read]))
  const inStep: string[] = []
  const drifted: Array<{instanceId: string; marker: string}> = []
  const skipped: Array<{instanceId: string; why: string}> = []
  for (const instance of input.webInstances) {
    const instanceId = instance.InstanceId ?? ''
    const read = reads.get(instanceId)
    if (instance.ImageId && instance.ImageId !== live.imageId) skipped.push({instanceId, why: `runs ${instance.ImageId}, not the live ${live.imageId}`})
    else if (!read) skipped.push({instanceId, why: 'not asked'})
    else if ('skipped' in read) skipped.push({instanceId, why: read.skipped})
    else if (read.marker.value === live.marker) inStep.push(instanceId)
    else drifted.push({instanceId, marker: read.marker.value})
  }

  const state = drifted.length > 0 ? 'drifted' : inStep.length > 0 ? 'in-step' : 'not-checked'
  return {drifted, inStep, liveImageId: live.imageId, skipped, state}
}

/** The seed's marker against the live bake's: another app version is drift; changed code alone is the normal work since the bake. */
export function judgeSeedDrift(input: DriftInput): SeedDrift {
  const {live, seedInstanceId: instanceId} = input
  const read = input.reads.find((candidate) => candidate.instanceId === instanceId)
  const marker = read && 'marker' in read ? read.marker : undefined
  const base = {instanceId, liveAppVersion: live?.appVersion, marker: marker?.value, seedAppVersion: marker?.appVersion}
  if (!instanceId) return {...base, state: 'not-checked', why: live ? 'no seed' : NO_BAKE}
  if (read && 'skipped' in read) return {...base, state: 'not-checked', why: read.skipped}
  if (!live) return {...base, state: 'not-checked', why: NO_BAKE}
  if (!marker) return {...base, state: 'not-checked', why: 'not asked'}
  if (marker.appVersion !== undefined && live.appVersion !== undefined && marker.appVersion !== live.appVersion) return {...base, state: 'app-version'}
  return {...base, state: marker.value === live.marker ? 'same' : 'ahead'}
}

export function judgeDrift(input: DriftInput): DriftReport {
  return {seed: judgeSeedDrift(input), web: judgeWebDrift(input)}
}

/**
 * Reads the markers the comparison needs and judges them: the web nodes on
 * the live image when it is a bake, and the seed when given (the caller
 * leaves it out when it has no use for its marker).
 */
export async function readDrift(options: Omit<DriftInput, 'reads'> & Omit<ReadMarkersOptions, 'instanceIds'>): Promise<DriftReport> {
  const {live} = options
  const web = live ? options.webInstances.filter((instance) => instance.ImageId === undefined || instance.ImageId === live.imageId) : []
  const ids = [...web.map((instance) => instance.InstanceId ?? ''), options.seedInstanceId ?? ''].filter(Boolean)
  const reads = await readMarkers({...options, instanceIds: ids})
  return judgeDrift({...options, reads})
}
