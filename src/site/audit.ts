/**
 * The site's audit trail: one entry per run of a mutating command — who
 * (caller ARN), what (command and the flags given, secrets redacted), when,
 * from where (host, CI job), the outcome and the run id — kept on AWS so a
 * second operator or a CI job reads the same history (`hactl audit`).
 *
 * Where: a CloudWatch Logs group owned by the site, `/hactl/<site>/audit`,
 * one stream per run, one JSON event per entry. Chosen over the history of an
 * SSM parameter because Parameter Store keeps only the last 100 versions of
 * a parameter (a busy CI site would lose last month's deploys) and one writer
 * at a time sees its own version; a log group keeps entries for its
 * retention (AUDIT_RETENTION_DAYS), takes parallel writers (PutLogEvents
 * needs no sequence token), is read by time (FilterLogEvents startTime), and
 * is where an account's auditors already look (and can add a subscription or
 * export). Cost: a few hundred bytes per run.
 *
 * The secret scanner runs on every entry before it is written: a flag whose
 * name says secret, or whose value looks like a credential, is replaced by
 * `[redacted]`, and so is an error message that holds something secret-shaped.
 */
import {plaintextSecrets, secretShapeOf, secretsInText} from '../security/secret-scan'
import type {LogsApi} from '../aws/logs'
import type {Clock} from '../core/clock'

/** Over a year, so a yearly review covers the whole year. A valid CloudWatch Logs retention. */
export const AUDIT_RETENTION_DAYS = 400

export function auditLogGroupName(site: string): string {
  return `/hactl/${site}/audit`
}

export type FlagValue = boolean | number | string | readonly string[]

export interface AuditEntry {
  /** Unique per run; also the entry's log stream. */
  readonly runId: string
  readonly site: string
  /** The command id as typed, e.g. `env create`. */
  readonly command: string
  /** The flags given on the command line, secrets redacted. */
  readonly flags: Readonly<Record<string, FlagValue>>
  /** The caller's ARN (STS GetCallerIdentity). */
  readonly principal: string
  /** The machine it ran on (os.hostname()). */
  readonly host: string
  /** The CI job, when the environment says it runs in one (a URL where the CI gives one). */
  readonly ci?: string
  readonly startedAt: string
  /** When the site lock was taken (later than startedAt when it queued with --lock-wait). */
  readonly lockedAt?: string
  readonly finishedAt: string
  readonly outcome: {
    /** 0 on success; else the documented exit code. */
    readonly exitCode: number
    /** hactl's error code, e.g. `lock-held`. */
    readonly code?: string
    readonly message?: string
  }
  readonly hactlVersion: string
  /** Names of fields replaced by `[redacted]` (the secret scanner found something). */
  readonly redacted?: readonly string[]
}

/** The CI job from well-known CI variables, or undefined outside CI. */
export function ciJobFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_RUN_ID) {
    return `GitHub Actions ${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? '?'}/actions/runs/${env.GITHUB_RUN_ID}`
  }

  if (env.GITLAB_CI === 'true') return `GitLab CI ${env.CI_JOB_URL ?? env.CI_JOB_ID ?? '?'}`
  if (env.BUILDKITE === 'true') return `Buildkite ${env.BUILDKITE_BUILD_URL ?? '?'}`
  if (env.CIRCLECI === 'true') return `CircleCI ${env.CIRCLE_BUILD_URL ?? '?'}`
  if (env.JENKINS_URL && env.BUILD_URL) return `Jenkins ${env.BUILD_URL}`
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return 'CI (unknown provider)'
  return undefined
}

const REDACTED = '[redacted]'
const MAX_MESSAGE = 500

/**
 * The scanner judges a whole line or value; a credential inside a sentence
 * (a freeze reason echoed in a refusal: `frozen: "AKIA…"`) passes it. So each
 * word is judged too.
 */
function holdsSecret(text: string): boolean {
  return secretsInText(text).length > 0 || text.split(/[\s"'`(),;=]+/).some((word) => word !== '' && secretShapeOf(word) !== undefined)
}

/** The entry with every secret-looking value replaced, and the names of what was replaced. */
export function redactEntry(entry: AuditEntry): AuditEntry {
  const redacted: string[] = []
  const flags: Record<string, FlagValue> = {}
  const asText = Object.fromEntries(Object.entries(entry.flags).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : String(value)]))
  const secretFlags = new Set([...plaintextSecrets(asText).map((finding) => finding.name), ...Object.keys(asText).filter((name) => holdsSecret(asText[name]))])
  for (const [name, value] of Object.entries(entry.flags)) {
    if (secretFlags.has(name)) redacted.push(`flags.${name}`)
    flags[name] = secretFlags.has(name) ? REDACTED : value
  }

  let message = entry.outcome.message?.slice(0, MAX_MESSAGE)
  if (message !== undefined && holdsSecret(message)) {
    redacted.push('outcome.message')
    message = REDACTED
  }

  const ci = entry.ci !== undefined && holdsSecret(entry.ci) ? REDACTED : entry.ci
  if (ci !== entry.ci) redacted.push('ci')
  return {
    ...entry,
    ci,
    flags,
    outcome: {...entry.outcome, ...(message === undefined ? {} : {message})},
    ...(redacted.length > 0 ? {redacted} : {}),
  }
}

export interface RecordAuditOptions {
  readonly logs: LogsApi
  readonly entry: AuditEntry
}

/**
 * Writes one entry (redacted first) to the site's audit log group, creating
 * the group (tagged, with its retention) on first use.
 */
export async function recordAudit(options: RecordAuditOptions): Promise<AuditEntry> {
  const entry = redactEntry(options.entry)
  const group = auditLogGroupName(entry.site)
  const stream = `${entry.startedAt.slice(0, 10)}/${entry.runId}`
  await options.logs.ensureLogGroup(group, {retentionDays: AUDIT_RETENTION_DAYS, tags: {'hactl:role': 'audit', 'hactl:site': entry.site}})
  await options.logs.ensureLogStream(group, stream)
  await options.logs.putLogEvents(group, stream, [{message: JSON.stringify(entry), timestamp: Date.parse(entry.finishedAt)}])
  return entry
}

export interface ReadAuditOptions {
  readonly logs: LogsApi
  readonly clock: Clock
  readonly site: string
  /** Entries from this far back. @default 7 days */
  readonly sinceMs?: number
  /** At most this many, newest first. @default 50 */
  readonly limit?: number
}

export interface AuditResult {
  readonly site: string
  readonly logGroup: string
  /** ISO time the listing starts at. */
  readonly since: string
  /** Newest first. */
  readonly entries: readonly AuditEntry[]
  /** More entries matched than `limit`. */
  readonly truncated: boolean
  /** Events in the group that are not hactl audit entries (written by hand?), skipped. */
  readonly unreadable: number
}

export const DEFAULT_AUDIT_SINCE_MS = 7 * 24 * 60 * 60 * 1000

/** The site's audit entries since a time, newest first. */
export async function readAudit(options: ReadAuditOptions): Promise<AuditResult> {
  const since = options.clock.now() - (options.sinceMs ?? DEFAULT_AUDIT_SINCE_MS)
  const limit = options.limit ?? 50
  const group = auditLogGroupName(options.site)
  const events = await options.logs.filterLogEvents(group, {startTime: since})
  const entries: AuditEntry[] = []
  let unreadable = 0
  for (const event of events) {
    const entry = parseEntry(event.message)
    if (entry) entries.push(entry)
    else unreadable++
  }

  entries.sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt))
  return {
    entries: entries.slice(0, limit),
    logGroup: group,
    since: new Date(since).toISOString(),
    site: options.site,
    truncated: entries.length > limit,
    unreadable,
  }
}

function parseEntry(message: string): AuditEntry | undefined {
  try {
    const parsed = JSON.parse(message) as Partial<AuditEntry>
    const ok =
      typeof parsed.runId === 'string' &&
      typeof parsed.command === 'string' &&
      typeof parsed.finishedAt === 'string' &&
      typeof parsed.outcome?.exitCode === 'number'
    return ok ? (parsed as AuditEntry) : undefined
  } catch {
    return undefined
  }
}
