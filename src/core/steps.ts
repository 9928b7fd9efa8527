/**
 * Runs named steps as a dependency graph: every step starts as soon as the
 * steps it needs are done, so independent AWS resources are created (and
 * waited for) side by side, and the whole takes about as long as its longest
 * chain.
 *
 *   network ─► security groups ─► EFS mount targets ─┐
 *         └──► DB subnet group ─► database ──────────┤
 *   EFS ──────────────────────► access point ────────┼─► environment ─► Ready
 *   cache secret ─► cache ───────────────────────────┤
 *   IAM, bundle, platform ───────────────────────────┘
 *
 * When a step fails, the steps still running are told to stop (their waits
 * end; what AWS already started goes on, and a re-run picks it up) and the
 * first failure is thrown.
 */
import {HactlError} from './errors'
import type {Clock} from './clock'
import type {Reporter} from './progress'

export interface Step {
  readonly id: string
  readonly title: string
  /** Ids of the steps that must finish first. */
  readonly needs: readonly string[]
  /** Does the work; `signal` aborts when another step failed or the user pressed Ctrl-C. Returns a short detail. */
  run(signal: AbortSignal): Promise<string | void>
}

export interface StepTiming {
  readonly id: string
  readonly needs: readonly string[]
  /** Clock time (simulated in the sandbox), ms since the epoch. */
  readonly startedAt: number
  readonly finishedAt: number
}

export interface RunStepsOptions {
  readonly clock: Clock
  readonly reporter: Reporter
  readonly signal?: AbortSignal
}

/** Checks the graph before anything runs: unknown or cyclic needs are programming errors. */
function checkGraph(steps: readonly Step[]): void {
  const ids = new Set(steps.map((step) => step.id))
  for (const step of steps) {
    const unknown = step.needs.filter((id) => !ids.has(id))
    if (unknown.length > 0) throw new Error(`step ${step.id} needs unknown step(s) ${unknown.join(', ')}`)
  }

  const visiting = new Set<string>()
  const done = new Set<string>()
  const byId = new Map(steps.map((step) => [step.id, step]))
  const visit = (id: string): void => {
    if (done.has(id)) return
    if (visiting.has(id)) throw new Error(`steps form a cycle through ${id}`)
    visiting.add(id)
    for (const need of byId.get(id)?.needs ?? []) visit(need)
    visiting.delete(id)
    done.add(id)
  }

  for (const step of steps) visit(step.id)
}

export async function runSteps(steps: readonly Step[], options: RunStepsOptions): Promise<StepTiming[]> {
  checkGraph(steps)
  const {clock, reporter} = options
  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const timings: StepTiming[] = []
  const started = new Map<string, Promise<void>>()
  const begun = new Set<string>()
  let firstError: unknown
  let failedStep = ''

  const start = (step: Step): Promise<void> => {
    let running = started.get(step.id)
    if (running) return running
    running = (async () => {
      await Promise.all(step.needs.map((id) => start(steps.find((s) => s.id === id) as Step)))
      if (signal.aborted) return
      const startedAt = clock.now()
      begun.add(step.id)
      reporter.emit({id: step.id, state: 'start', title: step.title, type: 'step'})
      try {
        const detail = await step.run(signal)
        timings.push({finishedAt: clock.now(), id: step.id, needs: step.needs, startedAt})
        reporter.emit({detail: detail || undefined, id: step.id, state: 'done', title: step.title, type: 'step'})
      } catch (error) {
        // A step stopped because another failed is not news; the first failure is.
        if (firstError === undefined) {
          firstError = error
          failedStep = step.id
          reporter.emit({detail: error instanceof Error ? error.message : String(error), id: step.id, state: 'fail', title: step.title, type: 'step'})
        }

        stop.abort()
      }
    })()
    started.set(step.id, running)
    return running
  }

  await Promise.all(steps.map((step) => start(step)))
  // Stopped from outside for a reason of its own (the site lock was lost): that reason, not the waits it cut short.
  const reason: unknown = options.signal?.reason
  if (options.signal?.aborted && HactlError.isHactlError(reason)) throw reason.withSuggestions(...leftOver(steps, timings, begun, ''))
  if (firstError !== undefined) {
    if (HactlError.isHactlError(firstError)) throw firstError.withSuggestions(...leftOver(steps, timings, begun, failedStep))
    throw firstError
  }

  if (options.signal?.aborted) throw new HactlError('interrupted', 'Interrupted.')
  return timings
}

/** What was cut short, for the operator: work AWS goes on with, and work not begun. */
function leftOver(steps: readonly Step[], timings: readonly StepTiming[], begun: ReadonlySet<string>, failed: string): string[] {
  const finished = new Set(timings.map((t) => t.id))
  const titles = (pick: (step: Step) => boolean) => steps.filter(pick).map((step) => step.title)
  const cutShort = titles((step) => begun.has(step.id) && !finished.has(step.id) && step.id !== failed)
  const notStarted = titles((step) => !begun.has(step.id))
  const hints: string[] = []
  if (cutShort.length > 0) hints.push(`Stopped waiting for (AWS goes on with them): ${cutShort.join('; ')}.`)
  if (notStarted.length > 0) hints.push(`Not started: ${notStarted.join('; ')}.`)
  return hints
}

/**
 * The longest chain through the graph when each step takes `durationOf(id)`:
 * the least time any schedule can take. The benchmark compares a run's
 * actual (simulated) time with it.
 */
export function criticalPath(
  steps: ReadonlyArray<{readonly id: string; readonly needs: readonly string[]}>,
  durationOf: (id: string) => number,
): {readonly ms: number; readonly path: readonly string[]} {
  const byId = new Map(steps.map((step) => [step.id, step]))
  const memo = new Map<string, {ms: number; path: string[]}>()
  const longest = (id: string): {ms: number; path: string[]} => {
    const known = memo.get(id)
    if (known) return known
    const step = byId.get(id)
    let best = {ms: 0, path: [] as string[]}
    for (const need of step?.needs ?? []) {
      const candidate = longest(need)
      if (candidate.ms > best.ms) best = candidate
    }

    const result = {ms: best.ms + durationOf(id), path: [...best.path, id]}
    memo.set(id, result)
    return result
  }

  let best = {ms: 0, path: [] as string[]}
  for (const step of steps) {
    const candidate = longest(step.id)
    if (candidate.ms > best.ms) best = candidate
  }

  return best
}
