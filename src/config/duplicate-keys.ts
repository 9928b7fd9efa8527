/**
 * Duplicate keys in hactl.yml, found in one pass.
 *
 * The `yaml` package's own `uniqueKeys` check compares each new key with
 * every key already in its map, which is quadratic: a 2 MB file of 200,000
 * keys never finished, and the init hook parses hactl.yml for almost every
 * command. This walks the document once with a Set per map.
 */
import {type Document, isMap, isScalar, visit} from 'yaml'

/** Where a key repeats an earlier key of the same map: the character offset of the repeat. */
export interface DuplicateKey {
  readonly key: string
  readonly offset: number
}

/** Every repeated scalar key, in document order. YAML 1.1 merge keys (`<<`) may repeat. */
export function findDuplicateKeys(doc: Document): DuplicateKey[] {
  const duplicates: DuplicateKey[] = []
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue
        const {value} = pair.key
        if (value === '<<') continue
        if (seen.has(value)) duplicates.push({key: String(value), offset: pair.key.range?.[0] ?? 0})
        else seen.add(value)
      }
    },
  })
  // `visit` reaches a map before the maps inside it; problems read best top to bottom.
  return duplicates.sort((a, b) => a.offset - b.offset)
}
