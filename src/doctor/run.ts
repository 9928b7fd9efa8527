/**
 * `hactl doctor`: checks the live site against the invariants in DESIGN.md
 * that AWS can show today (IMDSv2, encryption at rest and in transit, security
 * groups, Multi-AZ, EFS reach, rollout capacity, no secrets in environment
 * properties, private AMIs) and says, for each one that fails, which resource
 * is wrong and how to put it right.
 *
 *   checks/index.ts ─► needs ─► facts.ts (reads AWS) ─► SiteFacts ─► each check's judge (pure) ─► DoctorResult
 *
 * Reading and judging are apart so the judges are plain functions of what
 * AWS said, testable without AWS. Doctor only reads: it changes nothing.
 * The one command it sends (drift-facts.ts: `staging-run --marker` on the
 * web nodes and the seed, once a bake is live) only reads there too.
 * It never prints a secret: a check that finds one names the property.
 */
import type {HactlConfig} from '../config/schema'
import {ChecksFailedError, UserError} from '../core/errors'
import {silentReporter, type Reporter} from '../core/progress'
import {siteNames} from '../site/names'
import {type CheckStatus, plural} from './check'
import {CHECKS, type CheckId} from './checks'
import {type DoctorClients, readSiteFacts, type SiteFacts} from './facts'

export type {CheckStatus} from './check'
export type {CheckId} from './checks'
export type {DoctorClients, SiteFacts} from './facts'

/** Every check doctor runs, id → title, in the order it reports them. */
export const DOCTOR_CHECKS = Object.freeze(Object.fromEntries(CHECKS.map((check) => [check.id, check.title]))) as Readonly<Record<CheckId, string>>

export interface DoctorCheck {
  readonly id: CheckId
  readonly title: string
  readonly status: CheckStatus
  /** One line: what was found, naming the offending resource (never a secret's value). */
  readonly detail: string
  /** What the operator can do about a failure or a skip. Absent when the check passed. */
  readonly remedy?: string
}

export interface DoctorResult {
  readonly site: string
  readonly checks: readonly DoctorCheck[]
  readonly passed: number
  readonly failed: number
  readonly skipped: number
}

export interface DoctorOptions {
  /** hactl.yml, resolved. */
  readonly config: HactlConfig
  /** The APIs doctor reads from: Describe/List/Get operations, and one SendCommand that reads the change markers (drift-facts.ts). */
  readonly clients: DoctorClients
  /** Told when the reading starts and ends. @default silentReporter */
  readonly reporter?: Reporter
}

/** True when none of the site's resources exist: doctor has nothing to look at. */
function nothingExists(facts: SiteFacts): boolean {
  return (
    !facts.environment &&
    !facts.fileSystem &&
    !facts.database &&
    !facts.cache &&
    facts.securityGroups.length === 0 &&
    facts.images.length === 0 &&
    facts.siteInstances.length === 0
  )
}

/** Judges facts already read: every registered check, in registry order. */
export function judgeSite(facts: SiteFacts): DoctorResult {
  const names = siteNames(facts.config.site, facts.config.region)
  const checks = CHECKS.map((check): DoctorCheck => ({id: check.id, title: check.title, ...check.judge(facts, names)}))
  const count = (status: CheckStatus): number => checks.filter((check) => check.status === status).length
  return {checks, failed: count('fail'), passed: count('pass'), site: facts.config.site, skipped: count('skip')}
}

/**
 * Reads the site from AWS and checks it. Resolves with every check's outcome,
 * failures included (the command decides the exit code); rejects with a
 * UserError when none of the site's resources exist.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const reporter = options.reporter ?? silentReporter
  const {config} = options
  const title = `Reading site ${config.site} from AWS`
  reporter.emit({id: 'doctor-read', state: 'start', title, type: 'step'})
  let facts: SiteFacts
  try {
    facts = await readSiteFacts(options.clients, config, CHECKS.flatMap((check) => check.needs))
  } catch (error) {
    reporter.emit({detail: error instanceof Error ? error.message : String(error), id: 'doctor-read', state: 'fail', title, type: 'step'})
    throw error
  }

  reporter.emit({id: 'doctor-read', state: 'done', title, type: 'step'})
  if (nothingExists(facts)) {
    throw new UserError('no-environment', `No environment for site ${config.site}; run \`hactl env create\`.`, {
      suggestions: ['Run `hactl env create` (or `hactl up`), then `hactl doctor` again. Check --region if the site lives elsewhere.'],
    })
  }

  return judgeSite(facts)
}

/**
 * The error a command throws after showing a result with failures: exit 9,
 * and under `--json` the whole result travels in the error's `data`, so a
 * script sees every check either way.
 */
export function checksFailedError(result: DoctorResult): ChecksFailedError {
  const failed = result.checks.filter((check) => check.status === 'fail').map((check) => check.id)
  return new ChecksFailedError(`${plural(failed.length, 'check')} failed for site ${result.site}: ${failed.join(', ')}.`, {
    data: {...result},
    suggestions: ['Do what each failed check\'s remedy says, then run `hactl doctor` again.'],
  })
}
