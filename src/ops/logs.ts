/**
 * `hactl logs`: the site's instance logs from CloudWatch Logs, interleaved
 * by time with the instance id (each log stream is named after its instance),
 * without downloading EB's log bundles.
 *
 *   web: /aws/elasticbeanstalk/<env>/var/log/…  (EB StreamLogs)  ┐ FilterLogEvents
 *   seed: /hactl/<site>/seed/…                  (CloudWatch agent)┘ (paginator), one per group
 *        └─► merged by time, instance, group ─► result  │  --follow: the same from a cursor, every few seconds
 *
 * `--grep` goes to CloudWatch as a filter pattern, so only matching events
 * travel: a plain phrase as a quoted term, anything else as a `%regex%`,
 * which CloudWatch limits to a subset of regex syntax (checked here, so a
 * pattern CloudWatch would refuse is a usage error naming what is allowed).
 */
import type {AwsClients} from '../aws/clients'
import type {LogEvent} from '../aws/logs'
import {UserError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {Reporter} from '../core/progress'
import {seedLogGroups, webLogGroups, type SiteLogGroup} from '../site/log-groups'
import {siteNames} from '../site/names'

/** At most this many events per group in one read: more says to narrow --since or --grep. */
export const MAX_EVENTS_PER_GROUP = 10_000
/** How often --follow asks for new events. CloudWatch shows events seconds after they are written. */
export const FOLLOW_POLL_MS = 5000
/** Each poll reads this far back again: an agent ships a line seconds after its timestamp, so a later read finds older events. */
export const FOLLOW_OVERLAP_MS = 60_000

export type LogRole = 'all' | 'seed' | 'web'

export interface SiteLogEvent {
  /** ISO 8601, from the event's timestamp. */
  readonly time: string
  readonly timestamp: number
  /** The log stream: the instance id. */
  readonly instanceId: string
  readonly role: 'seed' | 'web'
  /** Which log: nginx-access, php, hooks, cron, boot… */
  readonly log: string
  readonly message: string
}

export interface SiteLogsOptions {
  readonly site: string
  readonly region: string
  readonly clients: Pick<AwsClients, 'clock' | 'logs'>
  readonly reporter: Reporter
  /** How far back to start, in ms. */
  readonly sinceMs: number
  /** @default 'all' */
  readonly role?: LogRole
  /** A regular expression (CloudWatch's subset) or a plain phrase. */
  readonly grep?: string
  /** Keep reading new events until the signal aborts. */
  readonly follow?: boolean
  readonly signal?: AbortSignal
  /** Each event as it is read, in order (with follow, the only output). */
  readonly onEvent?: (event: SiteLogEvent) => void
  /** @default FOLLOW_POLL_MS */
  readonly pollMs?: number
}

export interface SiteLogsResult {
  readonly site: string
  readonly since: string
  readonly until: string
  /** The log groups read. */
  readonly groups: readonly string[]
  readonly filterPattern?: string
  readonly events: readonly SiteLogEvent[]
  /** True when a group had more events than one read returns: the newest are missing. */
  readonly truncated: boolean
}

/** CloudWatch's regex subset ("Supported regular expressions (regex) syntax"). */
const REGEX_ALLOWED = /^[A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+.]+$/
const REGEX_OPERATORS = /[\^$?[\]{}|\\*+.()]/

/** `--grep` as a CloudWatch filter pattern, or a usage error saying what CloudWatch accepts. */
export function grepPattern(grep: string): string {
  const text = grep.trim()
  if (text === '') throw badGrep('it is empty')
  // A plain phrase (no regex operator): an exact, quoted term matches it anywhere.
  if (!REGEX_OPERATORS.test(text)) return `"${text.replaceAll('"', '\\"')}"`
  if (!REGEX_ALLOWED.test(text)) throw badGrep('CloudWatch regexes allow only letters, digits, : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \\ * + . (no spaces, no parentheses)')
  try {
    new RegExp(text)
  } catch (error) {
    throw badGrep((error as Error).message)
  }

  return `%${text}%`
}

function badGrep(why: string): UserError {
  return new UserError('bad-grep', `--grep cannot be used: ${why}.`, {
    exitCode: ExitCode.Usage,
    suggestions: ['Use a plain phrase (--grep "Fatal error") or a simple regex (--grep "[Ee]rror|timeout").'],
  })
}

export function siteLogGroups(site: string, region: string, role: LogRole): SiteLogGroup[] {
  const web = webLogGroups(siteNames(site, region).environment)
  const seed = seedLogGroups(site)
  return role === 'web' ? web : role === 'seed' ? seed : [...web, ...seed]
}

function toSiteEvent(group: SiteLogGroup, event: LogEvent): SiteLogEvent {
  return {instanceId: event.stream, log: group.source.name, message: event.message.replace(/\n$/, ''), role: group.role, time: new Date(event.timestamp).toISOString(), timestamp: event.timestamp}
}

const byTime = (a: SiteLogEvent, b: SiteLogEvent) => a.timestamp - b.timestamp || a.instanceId.localeCompare(b.instanceId) || a.log.localeCompare(b.log)

interface Read {
  /** By time, each with a key that tells it apart from every other event. */
  readonly events: ReadonlyArray<{readonly key: string; readonly event: SiteLogEvent}>
  readonly truncated: boolean
}

async function readAll(options: SiteLogsOptions, groups: readonly SiteLogGroup[], filterPattern: string | undefined, startTime: number): Promise<Read> {
  const logs = await options.clients.logs()
  const perGroup = await Promise.all(
    groups.map(async (group) => ({group, raw: await logs.filterLogEvents(group.group, {filterPattern, maxEvents: MAX_EVENTS_PER_GROUP, startTime})})),
  )
  const events = perGroup.flatMap(({group, raw}) =>
    raw.map((event) => ({event: toSiteEvent(group, event), key: `${group.group} ${event.id ?? `${event.stream} ${event.timestamp} ${event.message}`}`})),
  )
  return {events: events.sort((a, b) => byTime(a.event, b.event)), truncated: perGroup.some(({raw}) => raw.length >= MAX_EVENTS_PER_GROUP)}
}

/** Reads the site's logs since `sinceMs` ago; with `follow`, goes on reading until the signal aborts (which rejects). */
export async function siteLogs(options: SiteLogsOptions): Promise<SiteLogsResult> {
  const {clients, reporter} = options
  const filterPattern = options.grep === undefined ? undefined : grepPattern(options.grep)
  const groups = siteLogGroups(options.site, options.region, options.role ?? 'all')
  const start = clients.clock.now() - options.sinceMs
  reporter.emit({detail: `${groups.length} log groups`, id: 'logs/read', state: 'start', title: 'Reading the instance logs from CloudWatch Logs', type: 'step'})
  const first = await readAll(options, groups, filterPattern, start)
  reporter.emit({detail: `${first.events.length} events`, id: 'logs/read', state: 'done', title: 'Reading the instance logs from CloudWatch Logs', type: 'step'})
  if (first.truncated) {
    reporter.emit({message: `More than ${MAX_EVENTS_PER_GROUP.toLocaleString('en')} events in one log group: the newest are not shown. Narrow --since or add --grep.`, type: 'warning'})
  }

  for (const {event} of first.events) options.onEvent?.(event)
  if (options.follow) await follow(options, groups, filterPattern, first)
  return {
    events: first.events.map(({event}) => event),
    filterPattern,
    groups: groups.map((group) => group.group),
    since: new Date(start).toISOString(),
    site: options.site,
    truncated: first.truncated,
    until: new Date(clients.clock.now()).toISOString(),
  }
}

/**
 * Polls from a cursor: the newest timestamp seen, less an overlap, since
 * events arrive out of order across instances (each agent ships on its own
 * beat). Events read again in the overlap are dropped by their key. Ends
 * only by the signal.
 */
async function follow(options: SiteLogsOptions, groups: readonly SiteLogGroup[], filterPattern: string | undefined, first: Read): Promise<never> {
  const {clients} = options
  let cursor = first.events.at(-1)?.event.timestamp ?? clients.clock.now() - options.sinceMs
  // Key → timestamp of the events read in the overlap window.
  let seen = new Map(first.events.map(({event, key}) => [key, event.timestamp]))
  options.reporter.emit({message: 'Following new events (Ctrl-C to stop).', type: 'info'})
  for (;;) {
    await clients.clock.sleep(options.pollMs ?? FOLLOW_POLL_MS, options.signal)
    const next = await readAll(options, groups, filterPattern, cursor - FOLLOW_OVERLAP_MS)
    for (const {event, key} of next.events) {
      if (seen.has(key)) continue
      seen.set(key, event.timestamp)
      options.onEvent?.(event)
    }

    cursor = Math.max(cursor, next.events.at(-1)?.event.timestamp ?? cursor)
    seen = new Map([...seen].filter(([, timestamp]) => timestamp >= cursor - FOLLOW_OVERLAP_MS))
  }
}
