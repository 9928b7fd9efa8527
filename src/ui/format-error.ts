/** How an error looks on a terminal: "Error (code): message" then "Try this:" hints. */
import {ConfigError, type HactlError} from '../core/errors'

export interface FormatErrorOptions {
  /** Use ANSI colour. */
  readonly color: boolean
}

function paint(text: string, code: number, color: boolean): string {
  return color ? `\u001B[${code}m${text}\u001B[0m` : text
}

export function formatError(error: HactlError, options: FormatErrorOptions): string {
  const lines = [`${paint('Error', 31, options.color)} (${error.code}): ${error.message}`]
  if (error instanceof ConfigError && error.problems.length > 0) {
    for (const problem of error.problems) {
      const where = problem.line === undefined ? '' : `:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`
      const file = error.file ?? 'hactl.yml'
      lines.push(`  ${file}${where}  ${problem.message}`)
    }
  }

  if (error.suggestions.length > 0) {
    lines.push(paint('Try this:', 33, options.color))
    for (const suggestion of error.suggestions) lines.push(`  ${suggestion}`)
  }

  return lines.join('\n')
}
