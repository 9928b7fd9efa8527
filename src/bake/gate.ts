/**
 * Only tested seeds are baked (invariant 4): the seed's change marker now,
 * read from the seed, against the marker of the last passing staging run
 * (/hactl/<site>/tests/last-pass). `--force` bakes anyway and says so on the
 * image.
 *
 *   staging-run --marker --versions (on the seed) ──► marker now (+ schema versions) ─┐
 *   /hactl/<site>/tests/last-pass ──► run id, marker ──┴─► same? bake : exit 9 (unless --force)
 */
import type {SsmApi} from '../aws/ssm'
import type {Clock} from '../core/clock'
import {ChecksFailedError, HactlError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {lastPassParameterName, type ChangeMarker, type StagingSummary} from '../staging/record'
import {STAGING_RUNNER} from '../staging/runner'
import {runOnSeed} from './seed-command'

/** How long reading the marker may take: the runner hashes the code tree. */
const MARKER_TIMEOUT_MS = 5 * 60_000

/** The marker as `staging-run --marker --versions` prints it: with the code's and the database's schema versions. */
export interface SeedMarker extends ChangeMarker {
  /** The code's schema version; absent from a runner that predates it. */
  readonly codeSchema?: string
  /** The database's schema version; empty when the runner could not read it, absent from an older runner. */
  readonly dbSchema?: string
}

/** The seed's marker and schema versions: one SSM command (`hactl up` counts them). */
export async function readSeedMarker(options: {ssm: SsmApi; clock: Clock; reporter: Reporter; instanceId: string; signal?: AbortSignal}): Promise<SeedMarker> {
  const read = async (args: string) => runOnSeed({...options, comment: 'hactl bake: the change marker', script: `${STAGING_RUNNER} ${args}`, timeoutMs: MARKER_TIMEOUT_MS})
  let invocation = await read('--marker --versions')
  // A seed whose runner predates --versions answers with its usage and exit 2: ask it for the marker alone (no schema versions then).
  if (invocation.responseCode === 2 && !invocation.stdout.includes('{')) invocation = await read('--marker')
  const line = invocation.stdout.split('\n').find((text) => text.startsWith('{'))
  const marker = line ? (JSON.parse(line) as Partial<ChangeMarker>) : undefined
  if (invocation.responseCode !== 0 || typeof marker?.value !== 'string') {
    throw new HactlError('no-marker', `The seed ${options.instanceId} did not report its change marker (${invocation.status}, exit ${invocation.responseCode}): ${invocation.stderr.trim().split('\n')[0] || 'no output'}.`, {
      exitCode: ExitCode.NotReady,
      suggestions: ['`hactl seed status` shows whether the seed booted; a seed from before the staging runner needs `hactl seed destroy` and `hactl seed create`.'],
    })
  }

  return marker as SeedMarker
}

export async function readLastPass(ssm: SsmApi, site: string): Promise<StagingSummary | undefined> {
  const parameter = await ssm.getParameter(lastPassParameterName(site))
  if (!parameter) return undefined
  try {
    const summary = JSON.parse(parameter.value) as StagingSummary
    return typeof summary.runId === 'string' && typeof summary.marker?.value === 'string' ? summary : undefined
  } catch {
    return undefined
  }
}

export interface GateVerdict {
  /** The passing run the bake trusts; empty when forced without one that matches. */
  readonly stagingRun: string
  readonly forced: boolean
}

const FIX = ['Run `hactl test run` on the seed, then `hactl bake` again.', '`hactl bake --force` bakes anyway and tags the image hactl:forced=true.']

/** Pure: the seed's marker against the last passing run. Throws exit 9 unless they match or `force`. */
export function judgeGate(site: string, marker: string, lastPass: StagingSummary | undefined, force: boolean): GateVerdict {
  const tested = lastPass !== undefined && lastPass.result === 'pass' && lastPass.marker.value === marker
  if (tested) return {forced: false, stagingRun: lastPass.runId}
  if (force) return {forced: true, stagingRun: ''}
  if (lastPass === undefined) {
    throw new ChecksFailedError(`No passing staging run is recorded for ${site} (${lastPassParameterName(site)}): the seed's code at marker ${marker} is untested.`, {
      data: {marker, stagingRun: null},
      suggestions: FIX,
    })
  }

  throw new ChecksFailedError(
    `The seed changed after its last passing staging run: run ${lastPass.runId} (finished ${lastPass.finished}) tested marker ${lastPass.marker.value}, the seed is now at ${marker}.`,
    {data: {marker, stagingRun: lastPass.runId, testedMarker: lastPass.marker.value}, suggestions: FIX},
  )
}
