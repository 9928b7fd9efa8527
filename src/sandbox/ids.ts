import {createHash} from 'node:crypto'

/** The part of the state ids are drawn from. */
export interface IdSource {
  /** Fixed when the state is created, so a fresh state always yields the same ids. */
  readonly seed: string
  counter: number
}

/**
 * The next id with AWS's shape: `prefix-` and 17 lower-case hex digits
 * (`vpc-0a1b…`, `i-…`, `ami-…`). Deterministic from the seed and a counter,
 * so tests and docs can rely on a fresh state's ids.
 */
export function nextId(source: IdSource, prefix: string, hexDigits = 17): string {
  source.counter += 1
  const hex = createHash('sha256').update(`${source.seed}:${source.counter}`).digest('hex')
  return `${prefix}-${hex.slice(0, hexDigits)}`
}

/** A deterministic hex string for derived values (fake ciphertext, MAC-like suffixes). */
export function hexOf(text: string, digits: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, digits)
}
