/**
 * `hactl up` as named stages run one after the other, each passed over when
 * its work is already done, so a second `up` on a finished site changes
 * nothing and a re-run after a failure, a timeout or Ctrl-C goes on where the
 * last one stopped:
 *
 *   env ─► seed ─► test ─► bake ─► rollout
 *    │ check: is it done?  yes ─► skip (detail says why)
 *    │                     no  ─► run ─► done | fail (stop: the stage's own error and exit code)
 *
 * Each stage's outcome carries its clock time (simulated in the sandbox), its
 * real time and the AWS calls it made, split into reads and mutations, from
 * the client factory's counter.
 */
import {type CallKey, isReadOnlyOperation} from '../aws/clients'
import type {Clock} from '../core/clock'
import {HactlError, InterruptedError} from '../core/errors'
import type {Reporter} from '../core/progress'

export type StageOutcomeKind = 'done' | 'failed' | 'not-run' | 'skipped'

export interface StageOutcome {
  readonly id: string
  readonly title: string
  readonly outcome: StageOutcomeKind
  /** One line: what it did, why it was skipped, or why it failed. */
  readonly detail: string
  /** On the run's clock (simulated in the sandbox). */
  readonly elapsedMs: number
  /** Wall time on this computer. */
  readonly realMs: number
  /**
   * `mutations` are calls that change AWS resources; `commands` are SSM Run
   * Command invocations, counted apart because what they change is the
   * instance, not AWS (a stage's check sends only the read-only marker command).
   */
  readonly awsCalls: {readonly total: number; readonly mutations: number; readonly commands: number; readonly byOperation: Readonly<Record<string, number>>}
  /** The failing stage's exit code. */
  readonly exitCode?: number
}

/** What a stage's check answers. */
export type StageCheck = {readonly done: false; readonly why?: string} | {readonly done: true; readonly detail: string}

export interface Stage {
  readonly id: string
  readonly title: string
  /** Is the work done already? Reads only. */
  check(): Promise<StageCheck>
  /** Does the work; returns a one-line detail. */
  run(): Promise<string>
}

export interface RunStagesOptions {
  readonly stages: readonly Stage[]
  readonly clock: Clock
  readonly reporter: Reporter
  /** The AWS call counter (AwsClients.calls). */
  readonly calls: () => ReadonlyMap<CallKey, number>
  /** Ctrl-C: no further stage starts. */
  readonly signal?: AbortSignal
}

export interface RunStagesResult {
  readonly stages: readonly StageOutcome[]
  /** The first failure, rethrown by the caller after rendering. */
  readonly error?: HactlError | Error
}

function callsBetween(before: ReadonlyMap<CallKey, number>, after: ReadonlyMap<CallKey, number>): StageOutcome['awsCalls'] {
  const byOperation: Record<string, number> = {}
  let total = 0
  let mutations = 0
  let commands = 0
  for (const [key, count] of after) {
    const made = count - (before.get(key) ?? 0)
    if (made <= 0) continue
    byOperation[key] = made
    total += made
    if (key === RUN_COMMAND) commands += made
    else if (!isReadOnlyOperation(key.slice(key.indexOf(':') + 1))) mutations += made
  }

  return {byOperation, commands, mutations, total}
}

const RUN_COMMAND: CallKey = 'ssm:SendCommand'

/** Runs the stages in order; stops at the first failure and marks the rest not run. */
export async function runStages(options: RunStagesOptions): Promise<RunStagesResult> {
  const {clock, reporter, stages} = options
  const outcomes: StageOutcome[] = []
  let error: Error | undefined
  for (const [index, stage] of stages.entries()) {
    const position = {index: index + 1, total: stages.length}
    // Ctrl-C between two stages: the run stops there and says so (exit 130), not a success with stages left undone.
    if (error === undefined && options.signal?.aborted) error = new InterruptedError(`Interrupted before the ${stage.id} stage.`)
    if (error !== undefined) {
      outcomes.push({awsCalls: {byOperation: {}, commands: 0, mutations: 0, total: 0}, detail: error instanceof InterruptedError ? 'interrupted' : 'an earlier stage failed', elapsedMs: 0, id: stage.id, outcome: 'not-run', realMs: 0, title: stage.title})
      continue
    }

    const before = options.calls()
    const startedAt = clock.now()
    const realStart = performance.now()
    const finish = (outcome: StageOutcomeKind, detail: string, exitCode?: number): StageOutcome => ({
      awsCalls: callsBetween(before, options.calls()),
      detail,
      elapsedMs: clock.now() - startedAt,
      exitCode,
      id: stage.id,
      outcome,
      realMs: Math.round(performance.now() - realStart),
      title: stage.title,
    })
    reporter.emit({...position, id: stage.id, state: 'start', title: stage.title, type: 'stage'})
    try {
      const check = await stage.check()
      if (check.done) {
        outcomes.push(finish('skipped', check.detail))
        reporter.emit({...position, detail: check.detail, id: stage.id, state: 'skip', title: stage.title, type: 'stage'})
        continue
      }

      const detail = await stage.run()
      outcomes.push(finish('done', detail))
      reporter.emit({...position, detail, id: stage.id, state: 'done', title: stage.title, type: 'stage'})
    } catch (caught) {
      error = caught instanceof Error ? caught : new Error(String(caught))
      const exitCode = error instanceof HactlError ? error.exitCode : 1
      outcomes.push(finish('failed', error.message.split('\n')[0], exitCode))
      reporter.emit({...position, detail: error.message.split('\n')[0], id: stage.id, state: 'fail', title: stage.title, type: 'stage'})
    }
  }

  return {error, stages: outcomes}
}
