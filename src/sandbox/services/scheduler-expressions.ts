/*
 * EventBridge Scheduler's schedule expressions, for validation and firing:
 *   rate(value unit)   unit minute(s) | hour(s) | day(s); value ≥ 1
 *   cron(min hour day-of-month month day-of-week year)   six fields; one of
 *                      day-of-month / day-of-week is `?`; day-of-week 1–7 = SUN–SAT
 *   at(yyyy-mm-ddThh:mm:ss)   once, in the schedule's time zone (UTC here)
 * Fields take `*`, numbers, names (JAN, MON), lists, ranges and `/` steps;
 * `L`, `W` and `#` are accepted but never fire in the sandbox (scheduler.md).
 */

export type ParsedExpression =
  | {readonly kind: 'rate'; readonly periodMs: number}
  | {readonly kind: 'at'; readonly at: number}
  | {readonly kind: 'cron'; readonly fields: readonly (ReadonlySet<number> | 'any' | 'unsupported')[]}

const UNITS: Readonly<Record<string, number>> = {minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000}
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']
/** Each field's range and its names (numbered from the range's start). */
const FIELDS: ReadonlyArray<{min: number; max: number; names?: readonly string[]}> = [
  {max: 59, min: 0},
  {max: 23, min: 0},
  {max: 31, min: 1},
  {max: 12, min: 1, names: MONTHS},
  {max: 7, min: 1, names: DAYS},
  {max: 2199, min: 1970},
]

function value(text: string, field: (typeof FIELDS)[number]): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1
  const number = named >= 0 ? field.min + named : /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!(number >= field.min && number <= field.max)) throw new Error(`${text} is out of range`)
  return number
}

function parseField(text: string, field: (typeof FIELDS)[number]): ReadonlySet<number> | 'any' | 'unsupported' {
  if (text === '*' || text === '?') return 'any'
  if (/[LW#]/.test(text)) return 'unsupported'
  const values = new Set<number>()
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in ${part}`)
    const [low, high] = range === '*' ? [field.min, field.max] : range.includes('-') ? range.split('-').map((v) => value(v, field)) : [value(range, field), stepText === undefined ? value(range, field) : field.max]
    if (low > high) throw new Error(`bad range ${range}`)
    for (let v = low; v <= high; v += step) values.add(v)
  }

  return values
}

/** Parses an expression; `invalid` makes the error to throw (ValidationException in the service). */
export function parseScheduleExpression(expression: string, invalid: (message: string) => Error): ParsedExpression {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression)
  if (rate) {
    const count = Number(rate[1])
    // "1 minutes" and "5 minute" are refused, as AWS refuses them.
    if (count < 1 || (count === 1) !== !rate[2].endsWith('s')) throw invalid(`Invalid Schedule Expression ${expression}.`)
    return {kind: 'rate', periodMs: count * UNITS[rate[2]]}
  }

  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression)
  if (at) {
    const time = Date.parse(`${at[1]}Z`)
    if (Number.isNaN(time)) throw invalid(`Invalid Schedule Expression ${expression}.`)
    return {at: time, kind: 'at'}
  }

  const cron = /^cron\((.+)\)$/.exec(expression)
  const parts = cron?.[1].trim().split(/\s+/)
  if (!parts || parts.length !== 6) throw invalid(`Invalid Schedule Expression ${expression}.`)
  if ((parts[2] === '?') === (parts[4] === '?')) throw invalid(`Invalid Schedule Expression ${expression}: exactly one of day-of-month and day-of-week must be "?".`)
  try {
    return {fields: parts.map((part, index) => parseField(part, FIELDS[index])), kind: 'cron'}
  } catch (error) {
    throw invalid(`Invalid Schedule Expression ${expression}: ${(error as Error).message}.`)
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock fields of a UTC time in a time zone: minute, hour, day, month, weekday (1 = SUN), year. */
function wallClock(ms: number, timezone: string): number[] {
  let format = formatters.get(timezone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {day: 'numeric', hour: 'numeric', hourCycle: 'h23', minute: 'numeric', month: 'numeric', timeZone: timezone, weekday: 'short', year: 'numeric'})
    formatters.set(timezone, format)
  }

  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]))
  return [Number(parts.minute), Number(parts.hour), Number(parts.day), Number(parts.month), DAYS.indexOf(parts.weekday.toUpperCase().slice(0, 3)) + 1, Number(parts.year)]
}

/** The newest whole minute in (from, now] that the cron expression names, or undefined (at most a day back). */
export function lastCronMinute(expression: Extract<ParsedExpression, {kind: 'cron'}>, timezone: string, from: number, now: number): number | undefined {
  if (expression.fields.includes('unsupported')) return undefined
  const oldest = Math.max(from, now - 86_400_000)
  for (let minute = Math.floor(now / 60_000) * 60_000; minute > oldest; minute -= 60_000) {
    const wall = wallClock(minute, timezone)
    if (expression.fields.every((field, index) => field === 'any' || (field as ReadonlySet<number>).has(wall[index]))) return minute
  }

  return undefined
}
