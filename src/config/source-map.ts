/**
 * Finds where a key path (`['database', 'engine']`) is in the YAML text, so a
 * problem can say "line 12". ajv reports JSON pointers on the plain object;
 * the YAML document keeps each node's character range; a `LineCounter` turns
 * a range offset into a line and column.
 *
 * A path that is not in the file (a required key that is missing, a default
 * that a cross-field check complains about) is placed at its nearest ancestor
 * that is, which is where the user has to add it.
 *
 * A key that a map takes from a merge key (`<<: *base`) is placed where it is
 * written: in the anchored map it came from.
 */
import {type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap} from 'yaml'

export type KeyPath = ReadonlyArray<string | number>

export interface SourcePosition {
  /** 1-based. */
  readonly line: number
  /** 1-based. */
  readonly column: number
}

interface Step {
  readonly key?: Node
  readonly value?: Node | null
}

export class SourceMap {
  public constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly text: string,
  ) {}

  /** True when every segment of `path` is written in the file. */
  public has(path: KeyPath): boolean {
    return this.walk(path).length === path.length + 1
  }

  /**
   * Where `path` is: a scalar value where it is written (so the column points
   * at the bad value), a key with a nested map or list at the key, and a
   * missing path at its nearest ancestor's key.
   */
  public locate(path: KeyPath): SourcePosition | undefined {
    const steps = this.walk(path)
    const last = steps.at(-1)
    if (!last) return undefined
    // An empty value (`domain:`) has no text of its own, so point at its key.
    if (steps.length === path.length + 1 && isScalar(last.value) && last.value.value !== null) return this.position(last.value)
    return this.position(last.key ?? last.value ?? undefined)
  }

  /** Where the key `name` is inside the map at `parent` (for an unknown key). */
  public locateKey(parent: KeyPath, name: string): SourcePosition | undefined {
    const steps = this.walk([...parent, name])
    if (steps.length === parent.length + 2) return this.position(steps.at(-1)?.key)
    return this.locate(parent)
  }

  /** The text of a scalar as written, e.g. `8.0` for a value YAML read as the number 8. */
  public sourceText(path: KeyPath): string | undefined {
    const steps = this.walk(path)
    const node = steps.length === path.length + 1 ? steps.at(-1)?.value : undefined
    if (!node || !isScalar(node) || !node.range) return undefined
    return this.text.slice(node.range[0], node.range[1])
  }

  /** Position of a character offset, e.g. a YAML syntax error's. */
  public positionOfOffset(offset: number): SourcePosition {
    const {col, line} = this.lineCounter.linePos(offset)
    return {column: col, line}
  }

  private position(node: Node | undefined): SourcePosition | undefined {
    if (!node?.range) return undefined
    return this.positionOfOffset(node.range[0])
  }

  /** The nodes along `path`, starting with the document root, as far as the file goes. */
  private walk(path: KeyPath): Step[] {
    const root = this.doc.contents as Node | null
    const steps: Step[] = [{value: root}]
    let node: Node | null | undefined = root
    for (const segment of path) {
      if (isMap(node)) {
        const pair = this.findPair(node, String(segment), new Set())
        if (!pair) break
        node = pair.value as Node | null
        steps.push({key: pair.key as Node, value: node})
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment] as Node | null
        steps.push({value: node})
      } else {
        break
      }
    }

    return steps
  }

  /**
   * The pair for `key` in `map`: its own, else the one it takes from its merge
   * keys, as yaml merges them (the map's own keys win, then earlier sources).
   */
  private findPair(map: YAMLMap, key: string, seen: Set<Node>): Pair | undefined {
    if (seen.has(map)) return undefined
    seen.add(map)
    const own = map.items.find((p) => isScalar(p.key) && !isMergeKey(p.key) && String(p.key.value) === key)
    if (own) return own as Pair
    for (const pair of map.items) {
      if (!isMergeKey(pair.key)) continue
      const value = this.resolve(pair.value)
      const sources = isSeq(value) ? value.items.map((item) => this.resolve(item)) : [value]
      for (const source of sources) {
        const found = isMap(source) ? this.findPair(source, key, seen) : undefined
        if (found) return found
      }
    }

    return undefined
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node
  }
}

/** True for the `<<` of a merge key, which yaml reads as a symbol. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<'
}
