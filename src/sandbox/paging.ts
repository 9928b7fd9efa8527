import type {SimError} from './errors'

/** One page of `items` and the token for the next, if any. */
export interface Page<T> {
  readonly items: T[]
  readonly nextToken: string | undefined
}

export interface PageRequest {
  readonly maxResults: number | undefined
  readonly nextToken: string | undefined
  /** Page size when MaxResults is absent (AWS's per-operation default). */
  readonly defaultSize: number
  /** The error AWS gives for a token it did not issue. */
  readonly badToken: () => SimError
}

/**
 * Pages a list held in a stable order. The token is opaque to callers, like
 * AWS's, but only encodes the offset: paging is consistent as long as the list
 * does not change between pages (AWS makes no stronger promise).
 */
export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const start = request.nextToken === undefined ? 0 : decodeToken(request.nextToken, request.badToken)
  const size = request.maxResults ?? request.defaultSize
  const end = start + size
  return {items: items.slice(start, end), nextToken: end < items.length ? encodeToken(end) : undefined}
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({sandboxOffset: offset})).toString('base64')
}

function decodeToken(token: string, badToken: () => SimError): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'))
    const offset = (parsed as {sandboxOffset?: unknown}).sandboxOffset
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset
  } catch {
    // Falls through to AWS's error for a token it did not issue.
  }

  throw badToken()
}

/** AWS filter values match whole strings, with `*` for any run of characters and `?` for one. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`, 's').test(value)
}
