import type {SimError} from './errors'

/*
 * The tag rules every simulated service shares (a key of 1–128 characters, a
 * value of at most 256, a reserved prefix, 50 per resource); each service
 * words its own errors. One checker instead of a copy per service.
 */

export type Tags = Record<string, string>

export interface TagRules {
  /** Keys callers may not use (`aws:…`; EB also `elasticbeanstalk:…`). */
  readonly reserved: (key: string) => boolean
  readonly badKey: (key: string) => SimError
  readonly reservedKey: (key: string) => SimError
  readonly badValue: (key: string) => SimError
  readonly tooMany: () => SimError
}

export const MAX_TAGS = 50

/** The usual reserved keys: a case-insensitive prefix. */
export function reservedPrefixes(...prefixes: readonly string[]): (key: string) => boolean {
  return (key) => prefixes.some((prefix) => key.toLowerCase().startsWith(prefix))
}

/** Checks `tags` by the rules and returns them merged over `existing` (later keys win). */
export function checkTags(
  rules: TagRules,
  tags: ReadonlyArray<{readonly Key?: string; readonly Value?: string}> | undefined,
  existing: Tags = {},
): Tags {
  const result: Tags = {...existing}
  for (const tag of tags ?? []) {
    const key = tag.Key ?? ''
    if (key === '' || key.length > 128) throw rules.badKey(key)
    if (rules.reserved(key)) throw rules.reservedKey(key)
    const value = tag.Value ?? ''
    if (value.length > 256) throw rules.badValue(key)
    result[key] = value
  }

  if (Object.keys(result).length > MAX_TAGS) throw rules.tooMany()
  return result
}
