/** Human rendering of `hactl doctor`: one line per check, then the counts. */
import type {CheckStatus, DoctorResult} from '../doctor/run'

export interface RenderDoctorOptions {
  /** ANSI colour for the marks. @default false */
  readonly color?: boolean
}

const MARKS: Readonly<Record<CheckStatus, {readonly mark: string; readonly ansi: number}>> = {
  fail: {ansi: 31, mark: '✗'},
  pass: {ansi: 32, mark: '✓'},
  skip: {ansi: 33, mark: '-'},
}

function paint(text: string, ansi: number, color: boolean): string {
  return color ? `\u001B[${ansi}m${text}\u001B[0m` : text
}

/**
 * `✓ imdsv2            IMDSv2 required on 2 instances` per check; a failure
 * or skip carries its remedy after a dash, so each line is something to act
 * on. Ends with `7 passed, 1 failed`.
 */
export function renderDoctor(result: DoctorResult, options: RenderDoctorOptions = {}): string {
  const color = options.color ?? false
  const width = Math.max(...result.checks.map((check) => check.id.length))
  const lines = [`Site ${result.site}`]
  for (const check of result.checks) {
    const {ansi, mark} = MARKS[check.status]
    const remedy = check.status === 'pass' || !check.remedy ? '' : ` — ${check.remedy}`
    lines.push(`${paint(mark, ansi, color)} ${check.id.padEnd(width)}  ${check.detail}${remedy}`)
  }

  const counts = [`${result.passed} passed`, `${result.failed} failed`]
  if (result.skipped > 0) counts.push(`${result.skipped} skipped`)
  lines.push('', counts.join(', '))
  return lines.join('\n')
}
