/**
 * Watching an Elastic Beanstalk environment while EB works on it: its events,
 * its health, and the verdict at the end. `env create`, `env destroy` and a
 * rollout all wait the same way.
 *
 *   watchEnvironment ──► pollUntil (deadline, signal, `wait` events)
 *        │                  each poll: DescribeEnvironments
 *        ├─► EnvironmentEventPoller ──► DescribeEvents since its cursor ──► `event`
 *        └─► EnvironmentHealthPoller ─► DescribeEnvironmentHealth
 *                                       (+ DescribeInstancesHealth) ──► `health`
 *   judgeEnvironment(env, health) ──► healthy | degraded | failed
 *
 * The pollers keep their place, so a 30-minute rollout polled every 10-20 s
 * reads each event once instead of re-reading every event since the start.
 */
import type {EnvironmentDescription, EventDescription} from '@aws-sdk/client-elastic-beanstalk'

import type {Clock} from '../core/clock'
import {HactlError} from '../core/errors'
import type {Reporter} from '../core/progress'
import type {EbApi, EnvironmentHealth, InstanceHealth} from './eb'
import {pollUntil} from './wait'

export interface EventPollerOptions {
  readonly eb: Pick<EbApi, 'describeEvents'>
  readonly environmentName: string
  /** Events before this are not news: the time the operation was started. */
  readonly since: Date
  readonly reporter: Reporter
}

/** What identifies one event among those of the same instant. */
function eventKey(event: EventDescription): string {
  return `${event.RequestId ?? ''}|${event.Severity ?? ''}|${event.Message ?? ''}`
}

/**
 * Reads an environment's events since a cursor and moves the cursor to the
 * newest event seen. StartTime is inclusive, so the next poll sees the events
 * at the cursor instant again; only those are compared with what was passed
 * on (an event of that same instant that came in later is still news).
 */
export class EnvironmentEventPoller {
  private cursor: Date
  /** Keys of the events at exactly `cursor` already passed on. */
  private atCursor = new Set<string>()

  public constructor(private readonly options: EventPollerOptions) {
    this.cursor = options.since
  }

  /** Where the next poll starts (StartTime). */
  public get since(): Date {
    return this.cursor
  }

  /** The events that are new since the last poll, oldest first, each also emitted as an `event`. */
  public async poll(): Promise<EventDescription[]> {
    const {eb, environmentName, reporter} = this.options
    const events = await eb.describeEvents({environmentName, since: this.cursor})
    const fresh = events.filter((event) => !this.atCursor.has(eventKey(event)) || (event.EventDate?.getTime() ?? 0) !== this.cursor.getTime())
    for (const event of fresh) {
      reporter.emit({message: event.Message ?? '', severity: event.Severity ?? 'INFO', source: environmentName, time: event.EventDate ?? new Date(0), type: 'event'})
    }

    this.advance(events)
    return fresh
  }

  private advance(events: readonly EventDescription[]): void {
    const newest = Math.max(this.cursor.getTime(), ...events.map((event) => event.EventDate?.getTime() ?? 0))
    if (newest !== this.cursor.getTime()) {
      this.cursor = new Date(newest)
      this.atCursor = new Set()
    }

    for (const event of events) if (event.EventDate?.getTime() === newest) this.atCursor.add(eventKey(event))
  }
}

/** Enhanced health statuses that count as serving well. */
const HEALTHY_STATUSES: ReadonlySet<string> = new Set(['Ok', 'Info'])

export interface HealthReading {
  readonly environment: EnvironmentHealth
  /** Instance counts by enhanced health status (Ok: 2, Pending: 1 …). */
  readonly byStatus: Readonly<Record<string, number>>
  readonly healthy: number
  readonly total: number
  /** Per instance, when the poller was asked for them. */
  readonly instances?: readonly InstanceHealth[]
  /** Instance counts per AMI id; DescribeInstancesHealth does not say, so undefined for now. */
  readonly byImage?: Readonly<Record<string, number>>
}

export interface HealthPollerOptions {
  readonly eb: Pick<EbApi, 'environmentHealth' | 'describeInstancesHealth'>
  readonly environmentName: string
  readonly reporter: Reporter
  /** Also read each instance (DescribeInstancesHealth): a rollout wants them, a verdict does not. @default false */
  readonly instances?: boolean
}

/** Counts healthy / total from EB's per-status summary. */
export function healthCounts(byStatus: Readonly<Record<string, number>>): {healthy: number; total: number} {
  let healthy = 0
  let total = 0
  for (const [status, count] of Object.entries(byStatus)) {
    total += count
    if (HEALTHY_STATUSES.has(status)) healthy += count
  }

  return {healthy, total}
}

/**
 * Reads enhanced health: the environment's (DescribeEnvironmentHealth, with
 * counts by status) and, when asked, each instance's. Each reading is
 * emitted as a `health` event, for "2 / 4 healthy".
 */
export class EnvironmentHealthPoller {
  public constructor(private readonly options: HealthPollerOptions) {}

  /** undefined when the environment has basic health reporting only, or is gone. */
  public async poll(): Promise<HealthReading | undefined> {
    const {eb, environmentName, reporter} = this.options
    const [environment, instances] = await Promise.all([
      eb.environmentHealth(environmentName),
      this.options.instances ? eb.describeInstancesHealth(environmentName) : Promise.resolve(undefined),
    ])
    if (!environment) return undefined
    const byStatus = instances ? countBy(instances.map((instance) => instance.healthStatus ?? 'Unknown')) : environment.instances
    const {healthy, total} = healthCounts(byStatus)
    reporter.emit({color: environment.color ?? 'Grey', healthy, status: environment.healthStatus ?? environment.status ?? 'Unknown', total, type: 'health', what: environmentName})
    return {byStatus, environment, healthy, instances, total}
  }
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}

export type EnvironmentVerdict =
  | {readonly verdict: 'healthy'}
  /** Ready but Yellow: passed on as a warning. */
  | {readonly verdict: 'degraded'; readonly message: string}
  /** Ready but Red (or no colour at all): EB ended a failed launch or update this way. */
  | {readonly verdict: 'failed'; readonly message: string; readonly causes: readonly string[]; readonly healthStatus?: string}

/**
 * Ready is not success: EB also ends a failed launch or update as Ready,
 * with health Red and ERROR events. Green is healthy, Yellow degraded (a
 * warning), anything else failed, with EB's causes when health was read.
 */
export function judgeEnvironment(env: EnvironmentDescription, health?: EnvironmentHealth): EnvironmentVerdict {
  const name = env.EnvironmentName ?? 'environment'
  if (env.Health === 'Green') return {verdict: 'healthy'}
  const causes = health?.causes ?? []
  if (env.Health === 'Yellow') {
    return {message: `Environment ${name} is Ready but Yellow${causes.length > 0 ? `: ${causes.join('; ')}` : ''}.`, verdict: 'degraded'}
  }

  const said = causes.map((cause) => cause.replace(/\.+$/, '')).join('; ')
  return {
    causes,
    healthStatus: health?.healthStatus,
    message: `Environment ${name} is ${env.Status} but its health is ${env.Health ?? 'unknown'}${health?.healthStatus ? ` (${health.healthStatus})` : ''}${said ? `: ${said}` : ''}.`,
    verdict: 'failed',
  }
}

/**
 * The verdict on an environment EB calls Ready. Health is read (one
 * DescribeEnvironmentHealth) only when the colour alone is not Green: a
 * healthy create costs no extra call.
 */
export async function verdictOn(env: EnvironmentDescription, poller: EnvironmentHealthPoller): Promise<EnvironmentVerdict> {
  if (env.Health === 'Green') return judgeEnvironment(env)
  const reading = await poller.poll()
  return judgeEnvironment(env, reading?.environment)
}

export interface WatchEnvironmentOptions {
  readonly eb: Pick<EbApi, 'describeEnvironment' | 'describeEvents'>
  readonly environmentName: string
  /** `ready`: Ready with health known. `terminated`: gone. */
  readonly until: 'ready' | 'terminated'
  /** When the operation was started: events from then on are shown. */
  readonly since: Date
  readonly clock: Clock
  readonly reporter: Reporter
  readonly signal?: AbortSignal
  /** How long the wait may take, on the clock's time. */
  readonly timeoutMs: number
  /** How to pick the work up after a timeout or abort. */
  readonly resumeHint?: string
  /** Between polls: 10 s at first, backing off to 20 s (4-6 polls a minute at most). */
  readonly minDelayMs?: number
  readonly maxDelayMs?: number
}

/**
 * Waits for EB to finish with an environment while passing its events on as
 * they come: the SDK's waiter would only say "still Launching" for minutes.
 * Returns the environment (`ready`) or undefined (`terminated`).
 */
export async function watchEnvironment(options: WatchEnvironmentOptions): Promise<EnvironmentDescription | undefined> {
  const {eb, environmentName: name, reporter} = options
  const events = new EnvironmentEventPoller({eb, environmentName: name, reporter, since: options.since})
  const check = options.until === 'ready' ? readyCheck(name) : terminatedCheck
  const what = options.until === 'ready' ? `environment ${name} to be Ready` : `environment ${name} to be Terminated`
  return pollUntil<EnvironmentDescription | undefined>({
    check,
    clock: options.clock,
    maxDelayMs: options.maxDelayMs ?? 20_000,
    minDelayMs: options.minDelayMs ?? 10_000,
    async poll() {
      const [env] = await Promise.all([eb.describeEnvironment(name), events.poll()])
      return env
    },
    reporter,
    resumeHint: options.resumeHint,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    what,
  })
}

function readyCheck(name: string) {
  return (env: EnvironmentDescription | undefined) => {
    if (!env) return {message: `environment ${name} disappeared`, state: 'failed'} as const
    // Right after a launch EB may still be working out health (Grey); wait for its verdict.
    if (env.Status === 'Ready' && env.Health !== 'Grey') return {state: 'done'} as const
    if (env.Status === 'Ready') return {state: 'retry', status: 'Ready, health not yet known'} as const
    if (env.Status === 'Terminating' || env.Status === 'Terminated') return {message: `environment ${name} is ${env.Status}`, state: 'failed'} as const
    return {state: 'retry', status: `${env.Status} ${env.Health ?? ''}`.trim()} as const
  }
}

/** describeEnvironment leaves Terminated environments out: nothing live is done. */
function terminatedCheck(env: EnvironmentDescription | undefined) {
  if (!env) return {state: 'done'} as const
  return {state: 'retry', status: `${env.Status ?? '?'} ${env.Health ?? ''}`.trim()} as const
}

/** The environment a `ready` watch returned; a watch that returned nothing is a bug on EB's side or ours. */
export function requireEnvironment(env: EnvironmentDescription | undefined, name: string): EnvironmentDescription {
  if (!env) throw new HactlError('unexpected-aws-answer', `AWS returned no environment ${name}.`)
  return env
}
