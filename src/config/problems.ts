/**
 * Builds `ConfigProblem`s: a key path written the way a user reads it
 * (`environment.scaling.metric`, `network.subnets[1]`, `tags["a b"]`), the
 * position in the file, and a sentence saying what is wrong and what was
 * found.
 */
import type {ConfigProblem} from '../core/errors'
import type {KeyPath, SourceMap} from './source-map'

/** `['network', 'subnets', 1]` → `network.subnets[1]`. */
export function formatPath(path: KeyPath): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }

  return out
}

/** A value as the "(got …)" part of a message; `raw` is its text in the file when known. */
export function describeValue(value: unknown, raw?: string): string {
  if (value === null || value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  if (typeof value === 'number' || typeof value === 'boolean') return raw ?? String(value)
  if (Array.isArray(value)) return 'a list'
  return 'a map'
}

/** Collects problems for one file and places each in it. */
export class ProblemList {
  private readonly items: ConfigProblem[] = []

  public constructor(public readonly source?: SourceMap) {}

  public get length(): number {
    return this.items.length
  }

  /** Paths (formatted) that already have a problem, so a later check can stay quiet about them. */
  public hasProblemAt(path: KeyPath): boolean {
    const p = formatPath(path)
    return this.items.some((i) => i.path === p || i.path.startsWith(`${p}.`) || i.path.startsWith(`${p}[`))
  }

  /** A problem with the value at `path` (or, if it is not in the file, its nearest ancestor). */
  public add(path: KeyPath, message: string): void {
    this.push(path, message, this.source?.locate(path))
  }

  /** A problem with the key `name` itself, inside the map at `parent`. */
  public addForKey(parent: KeyPath, name: string, message: string): void {
    this.push([...parent, name], message, this.source?.locateKey(parent, name))
  }

  /** A problem at a known position (YAML syntax errors). */
  public addAt(path: KeyPath, message: string, position?: {line: number; column: number}): void {
    this.push(path, message, position)
  }

  /** In file order; problems that cannot be placed come last. */
  public toArray(): ConfigProblem[] {
    return [...this.items].sort(
      (a, b) =>
        (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
        (a.column ?? 0) - (b.column ?? 0),
    )
  }

  private push(path: KeyPath, message: string, position?: {line: number; column: number}): void {
    const formatted = formatPath(path)
    // One problem per key: ajv can fail a value on several keywords at once.
    if (this.items.some((i) => i.path === formatted && formatted !== '')) return
    this.items.push({
      // The path leads the message too: that is how it reads on a terminal
      // (src/ui/format-error.ts prints the message after file:line).
      message: formatted === '' ? message : `${formatted}: ${message}`,
      path: formatted,
      ...(position ? {column: position.column, line: position.line} : {}),
    })
  }
}

/** Edit distance, for "did you mean …?" on unknown keys. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }

  // Close enough to be a typo: at most a third of the word differs.
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }

    previous = current
  }

  return previous[b.length]
}
