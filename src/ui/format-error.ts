/** How an error looks on a terminal: "Error (code): message" then "Try this:" hints. */
import {ConfigError, type HactlError} from '../core/errors'

export interface FormatErrorOptions {
  /** Use ANSI colour. */
  readonly color: boolean
  /**
   * Add the stack of the error and of every cause, with the AWS request and
   * response metadata of SDK errors (what a bug report needs).
   * @default true when DEBUG names hactl (`DEBUG=hactl*`, `DEBUG=*`)
   */
  readonly debug?: boolean
}

function paint(text: string, code: number, color: boolean): string {
  return color ? `\u001B[${code}m${text}\u001B[0m` : text
}

/**
 * Control characters made visible (`\x1B`), so text from hactl.yml, flags or
 * AWS cannot retitle, clear or rewrite the terminal when an error echoes it.
 * Newlines stay: the formatter's own lines are joined with them.
 */
export function escapeControlCharacters(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.charCodeAt(0)
    const control = (code < 0x20 && char !== '\n') || (code >= 0x7F && code <= 0x9F)
    out += control ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : char
  }

  return out
}

/** True when a DEBUG pattern (the `debug` package's syntax: comma or space separated, `*` wildcards, `-` excludes) names hactl. */
export function debugEnabled(debug: string | undefined): boolean {
  if (!debug) return false
  const patterns = debug.split(/[\s,]+/).filter(Boolean)
  const matches = (pattern: string) => new RegExp(`^${pattern.replaceAll(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test('hactl')
  if (patterns.some((p) => p.startsWith('-') && matches(p.slice(1)))) return false
  return patterns.some((p) => !p.startsWith('-') && matches(p))
}

export function formatError(error: HactlError, options: FormatErrorOptions): string {
  const safe = escapeControlCharacters
  const lines = [`${paint('Error', 31, options.color)} (${safe(error.code)}): ${safe(error.message)}`]
  if (error instanceof ConfigError && error.problems.length > 0) {
    for (const problem of error.problems) {
      const where = problem.line === undefined ? '' : `:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`
      const file = error.file ?? 'hactl.yml'
      lines.push(`  ${safe(file)}${where}  ${safe(problem.message)}`)
    }
  }

  if (error.suggestions.length > 0) {
    lines.push(paint('Try this:', 33, options.color))
    for (const suggestion of error.suggestions) lines.push(`  ${safe(suggestion)}`)
  }

  if (options.debug ?? debugEnabled(process.env.DEBUG)) lines.push(...debugLines(error).map(safe))
  return lines.join('\n')
}

/** The error's stack, then each cause's, with the SDK's `$metadata` and the HTTP response's status and headers. */
function debugLines(error: Error): string[] {
  const lines = ['', 'Debug (DEBUG=hactl*):']
  let current: unknown = error
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (depth > 0) lines.push('Caused by:')
    if (current instanceof Error) {
      lines.push(current.stack ?? `${current.name}: ${current.message}`)
      const sdk = current as {$metadata?: unknown; $response?: {statusCode?: number; headers?: unknown}}
      if (sdk.$metadata !== undefined) lines.push(`  AWS request metadata: ${JSON.stringify(sdk.$metadata)}`)
      if (sdk.$response !== undefined) {
        lines.push(`  HTTP response: ${sdk.$response.statusCode ?? '?'} ${JSON.stringify(sdk.$response.headers ?? {})}`)
      }

      current = current.cause
    } else {
      lines.push(String(current))
      current = undefined
    }
  }

  return lines
}
