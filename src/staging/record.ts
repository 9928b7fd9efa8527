/**
 * The staging report and how a run is recorded on AWS: the contract between
 * the runner on the seed (writes) and `hactl test run/history`, `hactl bake`
 * and `hactl doctor` (read).
 *
 *   staging-run ─► stdout: the report, one JSON line (SSM keeps the first 24,000 characters)
 *               ─► /var/lib/hactl/staging/reports/<run id>.json and last.json (the whole report, on the seed)
 *               ─► ssm put-parameter /hactl/<site>/tests/last       (a summary, every run)
 *               ─► ssm put-parameter /hactl/<site>/tests/last-pass  (the same, only a full passing run)
 *
 * History is the parameter's own version history: every put-parameter
 * --overwrite makes a new version and Parameter Store keeps the 100 newest
 * (the oldest is dropped, unless a label is attached to it — hactl attaches
 * none), so `ssm get-parameter-history /hactl/<site>/tests/last` lists the
 * last 100 runs, scheduled and manual alike, each with its time and value
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-versions.html).
 * At one run an hour that is four days; `last-pass` keeps the newest passing
 * run beyond that, which is what a bake compares its marker with.
 * A standard-tier parameter holds at most 4,096 characters (PutParameter's
 * ValidationException says so), so the summary drops messages to fit.
 */

/** Report format version: a reader refuses a major it does not know. */
export const REPORT_VERSION = 1

export type StagingCheckStatus = 'fail' | 'pass' | 'skip'
export type StagingTrigger = 'manual' | 'schedule'

export interface StagingCheckResult {
  readonly id: string
  readonly status: StagingCheckStatus
  /** Wall time of the check, in milliseconds. */
  readonly ms: number
  /** One line: what was found (never a secret). */
  readonly message: string
}

/** The change marker: a fingerprint of what a bake would capture, and its parts. */
export interface ChangeMarker {
  /** `sha256:<hex>` over the parts below. */
  readonly value: string
  /** sha256 of every code file's path and content (uploads link and caches left out). */
  readonly code: string
  /** sha256 of the installed plugins and themes with their versions. */
  readonly plugins: string
  readonly appVersion: string
  /** sha256 of `php -m`. */
  readonly php: string
}

/** What staging-run prints on stdout and keeps on the seed. */
export interface StagingReport {
  readonly version: typeof REPORT_VERSION
  /** `<UTC yyyymmddThhmmssZ>-<random>`: unique per run, sortable. */
  readonly runId: string
  readonly site: string
  readonly app: string
  /** The EC2 instance id, when instance metadata answers. */
  readonly instance: string
  readonly trigger: StagingTrigger
  /** ISO 8601 UTC. */
  readonly started: string
  readonly finished: string
  readonly marker: ChangeMarker
  /** `all`, or `partial` when --only/--skip left checks out (a partial pass never becomes last-pass). */
  readonly selection: 'all' | 'partial'
  readonly checks: readonly StagingCheckResult[]
  /** pass when no check failed; skip for a scheduled run that did not run (see `skipped`). */
  readonly result: 'fail' | 'pass' | 'skip'
  /** Why a scheduled run did not run: the site was frozen (a manual lock), or the runner backed off (BACKOFF). */
  readonly skipped?: 'backoff' | 'frozen'
}

/** The value of /hactl/<site>/tests/last and last-pass: the report, made to fit 4,096 characters. */
export interface StagingSummary extends Omit<StagingReport, 'checks'> {
  /** Every check's id, status and ms; the message only for failures, and only while it fits. */
  readonly checks: ReadonlyArray<Omit<StagingCheckResult, 'message'> & {readonly message?: string}>
}

/** Most characters a standard-tier SSM parameter value holds. */
export const SUMMARY_MAX_CHARS = 4096

/** The parameter every run writes its summary to; its version history is the run history. */
export function lastRunParameterName(site: string): string {
  return `/hactl/${site}/tests/last`
}

/** The parameter only a full passing run writes: what a bake checks the seed's marker against. */
export function lastPassParameterName(site: string): string {
  return `/hactl/${site}/tests/last-pass`
}

/**
 * The runner's back-off (runner.ts): Scheduler cannot see a run fail, so
 * after `after` failed full scheduled runs in a row only every `every`th
 * scheduled run runs; the others record a skip. A full passing run, manual
 * or scheduled, ends it.
 */
export const BACKOFF = {after: 3, every: 4} as const

/** Runner exit codes, for `hactl test run` to tell its causes apart. */
export const RUNNER_EXIT = {
  /** Every check passed or was skipped, and the run is recorded. */
  pass: 0,
  /** A check failed (the report says which). */
  fail: 1,
  /** Bad arguments (an unknown check id in --only/--skip, an unknown option). */
  usage: 2,
  /** The checks passed but the run could not be recorded on AWS: not to be trusted by a bake. */
  notRecorded: 3,
} as const

/**
 * The IAM statement the seed's instance role needs so the runner can record
 * its own site's runs and nothing else (for src/env/spec.ts's instance
 * policy). Read access stays with hactl's operator, not the instance.
 */
export function recordingPolicyStatement(options: {readonly partition?: string; readonly region: string; readonly account: string; readonly site: string}) {
  const partition = options.partition ?? 'aws'
  const base = `arn:${partition}:ssm:${options.region}:${options.account}:parameter`
  return {
    Action: ['ssm:PutParameter'],
    Effect: 'Allow',
    Resource: [`${base}${lastRunParameterName(options.site)}`, `${base}${lastPassParameterName(options.site)}`],
    Sid: 'HactlStagingRecordOwnSite',
  } as const
}

/**
 * Where the runner publishes a failing scheduled run and its recovery:
 * hactl.yml `notify.topicArn`, else the site's own topic (hactl-<site>-notify).
 */
export function notifyTopicArn(config: {readonly site: string; readonly region: string; readonly notify: {readonly topicArn?: string}}, account: string, partition = 'aws'): string {
  return config.notify.topicArn ?? `arn:${partition}:sns:${config.region}:${account}:hactl-${config.site}-notify`
}

/** Parses a report or summary line; throws on anything else (for `hactl test run` reading SSM output). */
export function parseStagingReport(text: string): StagingReport | StagingSummary {
  const line = text.split('\n').find((l) => l.startsWith('{"version":'))
  if (!line) throw new Error('no staging report in the output')
  const report = JSON.parse(line) as StagingReport
  if (report.version !== REPORT_VERSION) throw new Error(`staging report version ${String(report.version)} is not ${REPORT_VERSION}`)
  return report
}
