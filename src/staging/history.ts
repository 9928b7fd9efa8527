/**
 * `hactl test history`: the recorded staging runs, newest first. Every run
 * overwrites /hactl/<site>/tests/last, so the parameter's version history
 * (GetParameterHistory, the newest 100 versions) is the run history
 * (record.ts); /hactl/<site>/tests/last-pass is the newest full passing run,
 * and the seed's current marker (`staging-run --marker`) says whether the
 * seed changed since then.
 */
import type {AwsClients} from '../aws/clients'
import type {Parameter} from '../aws/ssm'
import type {Deadline} from '../core/deadline'
import {HactlError} from '../core/errors'
import type {Reporter} from '../core/progress'
import {execOnSeed} from '../seed/exec'
import {findSeeds} from '../seed/state'
import {lastPassParameterName, lastRunParameterName, type StagingSummary} from './record'
import {STAGING_RUNNER} from './runner'

export interface StagingRunEntry {
  /** When it was recorded (the parameter version's time), ISO 8601. */
  readonly at: string
  readonly version: number
  readonly runId: string
  readonly trigger: string
  readonly result: 'fail' | 'pass' | 'skip' | 'unreadable'
  readonly skipped?: string
  readonly selection: string
  readonly instance: string
  /** The change marker's value (`sha256:…`); empty for a skipped run. */
  readonly marker: string
  readonly failed: readonly string[]
}

export interface StagingHistoryResult {
  readonly site: string
  readonly runs: readonly StagingRunEntry[]
  /** How many runs Parameter Store keeps (at most 100), and whether --limit left some out. */
  readonly total: number
  readonly more: boolean
  /** The newest full passing run's marker, if any run passed. */
  readonly lastPassMarker?: string
  readonly lastPassAt?: string
  /** The seed's marker now; undefined when it could not be read. */
  readonly currentMarker?: string
  /** True when the seed's marker differs from the last pass's; undefined when either is unknown. */
  readonly changedSinceLastPass?: boolean
  /** Why the current marker is unknown. */
  readonly markerNote?: string
}

export interface StagingHistoryOptions {
  readonly site: string
  readonly clients: Pick<AwsClients, 'clock' | 'ec2' | 'ssm'>
  readonly reporter: Reporter
  readonly deadline: Deadline
  readonly signal?: AbortSignal
  /** Newest runs shown. @default 20 */
  readonly limit?: number
  /** Read the seed's current marker (one SSM command on the seed). @default true */
  readonly readMarker?: boolean
}

/** One recorded version of tests/last as a history entry; a value that is not a summary is shown as unreadable. */
export function entryOf(parameter: Parameter): StagingRunEntry {
  const at = parameter.lastModified?.toISOString() ?? ''
  try {
    const summary = JSON.parse(parameter.value) as StagingSummary
    return {
      at,
      failed: (summary.checks ?? []).filter((check) => check.status === 'fail').map((check) => check.id),
      instance: summary.instance ?? '',
      marker: summary.marker?.value ?? '',
      result: summary.result ?? 'unreadable',
      runId: summary.runId ?? '',
      selection: summary.selection ?? '',
      ...(summary.skipped ? {skipped: summary.skipped} : {}),
      trigger: summary.trigger ?? '',
      version: parameter.version,
    }
  } catch {
    return {at, failed: [], instance: '', marker: '', result: 'unreadable', runId: '', selection: '', trigger: '', version: parameter.version}
  }
}

/** The seed's marker now, or why it is unknown. */
async function currentMarker(options: StagingHistoryOptions): Promise<{marker?: string; note?: string}> {
  const [seed] = await findSeeds(await options.clients.ec2(), options.site, ['pending', 'running'])
  if (!seed) return {note: 'the site has no seed'}
  try {
    const run = await execOnSeed({argv: [`${STAGING_RUNNER} --marker`], clients: options.clients, comment: 'hactl test history: change marker', deadline: options.deadline, reporter: options.reporter, signal: options.signal, site: options.site})
    const value = (JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as {value?: string}).value
    return value ? {marker: value} : {note: `staging-run --marker exited ${run.exitCode}`}
  } catch (error) {
    if (options.signal?.aborted) throw error
    return {note: HactlError.isHactlError(error) || error instanceof Error ? error.message : String(error)}
  }
}

export async function stagingHistory(options: StagingHistoryOptions): Promise<StagingHistoryResult> {
  const ssm = await options.clients.ssm()
  const limit = options.limit ?? 20
  const [versions, lastPass] = await Promise.all([ssm.getParameterHistory(lastRunParameterName(options.site)), ssm.getParameter(lastPassParameterName(options.site))])
  const all = versions.map(entryOf).sort((a, b) => b.version - a.version)
  const pass = lastPass ? entryOf(lastPass) : undefined
  const now = options.readMarker === false ? {note: 'not read'} : await currentMarker(options)
  const changed = pass?.marker && now.marker ? pass.marker !== now.marker : undefined
  return {
    ...(changed === undefined ? {} : {changedSinceLastPass: changed}),
    ...(now.marker ? {currentMarker: now.marker} : {}),
    ...(pass ? {lastPassAt: pass.at, lastPassMarker: pass.marker} : {}),
    ...(now.note ? {markerNote: pass ? now.note : `${now.note}; no run has passed yet`} : pass ? {} : {markerNote: 'no run has passed yet'}),
    more: all.length > limit,
    runs: all.slice(0, limit),
    site: options.site,
    total: all.length,
  }
}
