import {SandboxUnsupportedError, SimError} from '../errors'

/*
 * CloudWatch Logs filter patterns for unstructured events, as FilterLogEvents
 * applies them ("Filter pattern syntax for metric filters, subscription
 * filters, filter log events, and Live Tail"):
 *
 *   ERROR                 events containing the term as a word (case-sensitive)
 *   ERROR Exception       both terms (AND)
 *   "Out of memory"       the exact phrase
 *   ?ERROR ?WARN          either term (OR)
 *   ERROR -Exiting        ERROR but not Exiting
 *   %[Ee]rror|timeout%    a regular expression, surrounded with %
 *
 * A regex may hold only letters, digits, the symbols : _ # = @ / ; , - and
 * the operators ^ $ ? [ ] { } | \ * + . — no parentheses, no spaces, at
 * most two regexes per pattern ("Supported regular expressions (regex)
 * syntax"). JSON (`{ $.x = … }`) and space-delimited (`[a, b]`) patterns are
 * not simulated.
 */

const SPEC_FILE = 'src/sandbox/services/logs.md'
const REGEX_CHARS = /^[A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+.]+$/
const MAX_REGEXES = 2
const MAX_PATTERN = 1024

export type EventMatcher = (message: string) => boolean

function invalidPattern(): SimError {
  return new SimError('InvalidParameterException', 'Invalid character(s) in term')
}

interface Term {
  readonly kind: 'and' | 'not' | 'or'
  readonly test: EventMatcher
}

/** Splits the pattern into terms: double-quoted phrases stay whole. */
function words(pattern: string): string[] {
  const found: string[] = []
  const token = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|(%[^%]*%)|([^\s"]+))/gy
  let match: RegExpExecArray | null
  let consumed = 0
  while ((match = token.exec(pattern)) !== null) {
    consumed = token.lastIndex
    found.push(`${match[1]}${match[2] === undefined ? (match[3] ?? match[4]) : `"${match[2]}`}`)
  }

  if (pattern.slice(consumed).trim() !== '') throw invalidPattern()
  return found
}

function termOf(word: string): Term {
  const kind = word.startsWith('?') ? 'or' : word.startsWith('-') && word.length > 1 ? 'not' : 'and'
  const body = kind === 'and' ? word : word.slice(1)
  if (body.startsWith('%') && body.endsWith('%') && body.length > 2) {
    const source = body.slice(1, -1)
    if (!REGEX_CHARS.test(source)) throw invalidPattern()
    let regex: RegExp
    try {
      regex = new RegExp(source)
    } catch {
      throw invalidPattern()
    }

    return {kind, test: (message) => regex.test(message)}
  }

  const text = body.startsWith('"') ? body.slice(1).replaceAll('\\"', '"') : body
  // Terms match whole words: `AUTHORIZED` is not found in UNAUTHORIZED (the regex page's example says so).
  const whole = new RegExp(`(?<![A-Za-z0-9])${text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`)
  return {kind, test: (message) => whole.test(message)}
}

/** The pattern as a predicate on an event's message; an empty pattern matches every event. */
export function compileFilterPattern(pattern: string | undefined): EventMatcher {
  const text = (pattern ?? '').trim()
  if (text === '') return () => true
  if (text.length > MAX_PATTERN) throw new SimError('InvalidParameterException', `1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PATTERN}`)
  if (text.startsWith('{') || text.startsWith('[')) throw new SandboxUnsupportedError('logs', 'FilterLogEvents with a JSON or space-delimited filterPattern', SPEC_FILE)
  const all = words(text)
  if (all.filter((word) => /^[?-]?%.*%$/.test(word)).length > MAX_REGEXES) {
    throw new SimError('InvalidParameterException', `A filter pattern may contain at most ${MAX_REGEXES} regular expressions.`)
  }

  const terms = all.map((word) => termOf(word))
  const and = terms.filter((term) => term.kind === 'and')
  const or = terms.filter((term) => term.kind === 'or')
  const not = terms.filter((term) => term.kind === 'not')
  return (message) =>
    and.every((term) => term.test(message)) && (or.length === 0 || or.some((term) => term.test(message))) && !not.some((term) => term.test(message))
}
