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
 * A step names the steps it needs by reference (`needs: {network, groups}`)
 * and its `run` receives their outputs under those names, typed. So what a
 * step reads and what it waits for are one declaration and cannot drift, and
 * no step writes into shared state for another to read back.
 *
 * A step with an `isDone` check that answers with an output is reported as
 * `skip` and not run: that is how a resumed run passes over finished work.
 *
 * When a step fails, the steps still running are told to stop (their waits
 * end; an AWS operation a step already started goes on, and a re-run picks
 * it up) and the first failure is thrown, with what was cut short.
 */
import {Deadline} from './deadline'
import {HactlError} from './errors'
import type {Clock} from './clock'
import type {Reporter} from './progress'

/** What the runner hands every step. */
export interface StepContext {
  /** Aborts when another step failed, the user pressed Ctrl-C or the site lock was lost. */
  readonly signal: AbortSignal
  /** The run's deadline: every wait takes what is left of it. */
  readonly deadline: Deadline
  /**
   * Says that this step has started an AWS operation that goes on without
   * us (a create, a delete, an update), so a stop says "AWS goes on with
   * it" rather than "stopped waiting".
   */
  startedOperation(): void
}

/** A step as the runner sees it; build one with {@link defineStep}. `O` is its output. */
export interface Step<O = unknown> {
  /** Unique within a run; may be namespaced by stage, e.g. `env/database`. */
  readonly id: string
  readonly title: string
  /** The steps whose outputs this one reads, by the name it reads them under. */
  readonly needs: Readonly<Record<string, Step>>
  /** The output if the work is already done (the step is then skipped), else undefined. */
  isDone?(inputs: Readonly<Record<string, unknown>>, context: StepContext): Promise<O | undefined>
  run(inputs: Readonly<Record<string, unknown>>, context: StepContext): Promise<O>
  /** A short detail for the `done` event. */
  describe(output: O): string | undefined
}

type OutputOf<S> = S extends Step<infer O> ? O : never

/** The outputs of the steps in `N`, under the same names. */
/** A record of steps by name; interfaces qualify too (no index signature needed). */
export type StepNeeds<N> = {readonly [K in keyof N]: Step}

export type StepInputs<N extends StepNeeds<N>> = {readonly [K in keyof N]: OutputOf<N[K]>}

export interface StepDefinition<O, N extends StepNeeds<N>> {
  readonly id: string
  readonly title: string
  /** @default {} */
  readonly needs?: N
  readonly isDone?: (inputs: StepInputs<N>, context: StepContext) => Promise<O | undefined>
  readonly run: (inputs: StepInputs<N>, context: StepContext) => Promise<O>
  /** @default the output itself when it is a non-empty string */
  readonly describe?: (output: O) => string | undefined
}

function describeByDefault(output: unknown): string | undefined {
  return typeof output === 'string' && output !== '' ? output : undefined
}

export function defineStep<O, N extends StepNeeds<N> = Record<never, never>>(definition: StepDefinition<O, N>): Step<O> {
  // The runner builds `inputs` from exactly the steps in `needs`, so the record it passes has the declared shape.
  const typed = (inputs: Readonly<Record<string, unknown>>) => inputs as StepInputs<N>
  const {isDone} = definition
  return {
    describe: definition.describe ?? describeByDefault,
    id: definition.id,
    isDone: isDone ? (inputs, context) => isDone(typed(inputs), context) : undefined,
    needs: definition.needs ?? {},
    run: (inputs, context) => definition.run(typed(inputs), context),
    title: definition.title,
  }
}

export interface StepTiming {
  readonly id: string
  readonly needs: readonly string[]
  /** Clock time (simulated in the sandbox), ms since the epoch. */
  readonly startedAt: number
  readonly finishedAt: number
  readonly skipped?: boolean
}

export interface RunStepsOptions {
  readonly clock: Clock
  readonly reporter: Reporter
  /** Ctrl-C, or the site lock lost. */
  readonly signal?: AbortSignal
  /** @default Deadline.never(clock) */
  readonly deadline?: Deadline
}

export interface StepsRun {
  readonly timings: readonly StepTiming[]
  /** The output of a step of the run. */
  output<O>(step: Step<O>): O
}

function needIds(step: Step): string[] {
  return Object.values(step.needs).map((need) => need.id)
}

/** Checks the graph before anything runs: duplicate ids, steps needed but not listed, and cycles are programming errors. */
function checkGraph(steps: readonly Step[]): void {
  const byId = new Map<string, Step>()
  for (const step of steps) {
    if (byId.has(step.id)) throw new Error(`two steps have the id ${step.id}`)
    byId.set(step.id, step)
  }

  for (const step of steps) {
    const unknown = Object.values(step.needs).filter((need) => byId.get(need.id) !== need).map((need) => need.id)
    if (unknown.length > 0) throw new Error(`step ${step.id} needs unknown step(s) ${unknown.join(', ')}`)
  }

  const visiting = new Set<string>()
  const done = new Set<string>()
  const visit = (step: Step): void => {
    if (done.has(step.id)) return
    if (visiting.has(step.id)) throw new Error(`steps form a cycle through ${step.id}`)
    visiting.add(step.id)
    for (const need of Object.values(step.needs)) visit(need)
    visiting.delete(step.id)
    done.add(step.id)
  }

  for (const step of steps) visit(step)
}

/** Where each step stands, for the hints after a failure. */
interface Progress {
  readonly begun: Set<string>
  readonly operating: Set<string>
  readonly finished: Set<string>
}

export async function runSteps(steps: readonly Step[], options: RunStepsOptions): Promise<StepsRun> {
  checkGraph(steps)
  const {clock, reporter} = options
  const deadline = options.deadline ?? Deadline.never(clock)
  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const timings: StepTiming[] = []
  const outputs = new Map<Step, unknown>()
  const started = new Map<Step, Promise<void>>()
  const progress: Progress = {begun: new Set(), finished: new Set(), operating: new Set()}
  let firstError: unknown
  let failedStep = ''

  const execute = async (step: Step): Promise<void> => {
    const inputs: Record<string, unknown> = {}
    for (const [name, need] of Object.entries(step.needs)) inputs[name] = outputs.get(need)
    const context: StepContext = {deadline, signal, startedOperation: () => progress.operating.add(step.id)}
    const startedAt = clock.now()
    progress.begun.add(step.id)
    const timing = (skipped: boolean) => timings.push({finishedAt: clock.now(), id: step.id, needs: needIds(step), skipped: skipped || undefined, startedAt})
    const already = step.isDone ? await step.isDone(inputs, context) : undefined
    if (already !== undefined) {
      outputs.set(step, already)
      progress.finished.add(step.id)
      timing(true)
      reporter.emit({detail: step.describe(already), id: step.id, state: 'skip', title: step.title, type: 'step'})
      return
    }

    reporter.emit({id: step.id, state: 'start', title: step.title, type: 'step'})
    const output = await step.run(inputs, context)
    outputs.set(step, output)
    progress.finished.add(step.id)
    timing(false)
    reporter.emit({detail: step.describe(output), id: step.id, state: 'done', title: step.title, type: 'step'})
  }

  const start = (step: Step): Promise<void> => {
    let running = started.get(step)
    if (running) return running
    running = (async () => {
      await Promise.all(Object.values(step.needs).map((need) => start(need)))
      if (signal.aborted || Object.values(step.needs).some((need) => !outputs.has(need))) return
      try {
        await execute(step)
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
    started.set(step, running)
    return running
  }

  await Promise.all(steps.map((step) => start(step)))
  // Stopped from outside for a reason of its own (the site lock was lost): that reason, not the waits it cut short.
  const reason: unknown = options.signal?.reason
  if (options.signal?.aborted && HactlError.isHactlError(reason)) throw reason.withSuggestions(...leftOver(steps, progress, ''))
  if (firstError !== undefined) {
    if (HactlError.isHactlError(firstError)) throw firstError.withSuggestions(...leftOver(steps, progress, failedStep))
    throw firstError
  }

  if (options.signal?.aborted) throw new HactlError('interrupted', 'Interrupted.')
  return {
    output<O>(step: Step<O>): O {
      if (!outputs.has(step)) throw new Error(`step ${step.id} was not part of this run`)
      return outputs.get(step) as O
    },
    timings,
  }
}

/**
 * What was cut short, for the operator: steps that had started an AWS
 * operation (AWS goes on with them), steps that were only waiting or
 * reading, and steps never begun.
 */
function leftOver(steps: readonly Step[], progress: Progress, failed: string): string[] {
  const titles = (pick: (step: Step) => boolean) => steps.filter(pick).map((step) => step.title)
  const cutShort = (step: Step) => progress.begun.has(step.id) && !progress.finished.has(step.id) && step.id !== failed
  const goingOn = titles((step) => cutShort(step) && progress.operating.has(step.id))
  const waitedFor = titles((step) => cutShort(step) && !progress.operating.has(step.id))
  const notStarted = titles((step) => !progress.begun.has(step.id))
  const hints: string[] = []
  if (goingOn.length > 0) hints.push(`Stopped waiting for (AWS goes on with them): ${goingOn.join('; ')}.`)
  if (waitedFor.length > 0) hints.push(`Stopped waiting for: ${waitedFor.join('; ')}.`)
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
