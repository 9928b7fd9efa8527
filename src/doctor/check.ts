/**
 * What a doctor check is, and the small helpers every judge writes its
 * verdict with. A check declares the facts it needs and judges them with a
 * pure function: no AWS call, no clock, no output.
 */
import type {SiteNames} from '../site/names'
import type {FactKey, SiteFacts} from './facts'

export type CheckStatus = 'pass' | 'fail' | 'skip'

/** A judge's outcome: the check's status, one line of detail and, unless it passed, what to do. */
export interface Verdict {
  readonly status: CheckStatus
  /** One line: what was found, naming the offending resource (never a secret's value). */
  readonly detail: string
  /** What the operator can do about a failure or a skip. Absent when the check passed. */
  readonly remedy?: string
}

/**
 * One check. Adding a check is a module exporting one of these, and a line
 * in checks/index.ts that puts it in the report's order.
 */
export interface Check<Id extends string = string> {
  /** Stable id, shown in the report and in `--json`. */
  readonly id: Id
  /** What the check makes sure of, in one line. */
  readonly title: string
  /** The facts the judge reads: the loader reads no others for it. */
  readonly needs: readonly FactKey[]
  readonly judge: (facts: SiteFacts, names: SiteNames) => Verdict
}

/** Keeps the id's literal type, so the registry can derive the union of check ids. */
export function defineCheck<Id extends string>(check: Check<Id>): Check<Id> {
  return check
}

export const pass = (detail: string): Verdict => ({detail, status: 'pass'})
export const fail = (detail: string, remedy: string): Verdict => ({detail, remedy, status: 'fail'})
const CREATE_HINT = 'Run `hactl env create`.'
export const skip = (detail: string, remedy = CREATE_HINT): Verdict => ({detail, remedy, status: 'skip'})

/** `1 instance`, `2 instances`, `3 properties`. */
export function plural(count: number, word: string): string {
  if (count === 1) return `1 ${word}`
  return `${count} ${word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`
}

/** `a, b and 3 more`: a detail stays one readable line however many resources are wrong. */
export function listOf(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}

/** The CLI command that sets one EB option on an environment: a remedy the operator can paste. */
export function ebSetting(environment: string, namespace: string, name: string, value: string | number): string {
  return `aws elasticbeanstalk update-environment --environment-name ${environment} --option-settings Namespace=${namespace},OptionName=${name},Value=${value}`
}
