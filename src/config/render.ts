/**
 * A config → commented hactl.yml text. Each key gets its schema description
 * as a comment, so the generated file documents itself and the comments never
 * drift from what the validator enforces. The output parses back (through
 * `parseConfig`) to the same config.
 */
import {Document, isMap, isScalar, type YAMLMap} from 'yaml'

import {APP_PROFILES} from './app-defaults'
import {KEY_ORDER, orderConfig, SECTION_ORDER} from './key-order'
import {configFileSchema, type HactlConfig} from './schema'

export interface RenderConfigOptions {
  /**
   * Comment lines for the top of the file, without the leading "#".
   * @default a header naming the site and how to get the JSON Schema
   */
  readonly header?: readonly string[]
  /**
   * Document every key with a comment from the schema.
   * @default true
   */
  readonly comments?: boolean
}

/** Optional keys shown as a commented-out example when they are not set. */
const OPTIONAL_EXAMPLES: Readonly<Record<string, string>> = {
  'database.version': 'version: "8.0"',
  domain: 'domain: www.example.org',
  'https.certificateArn': 'certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/…',
}

type Json = Record<string, unknown>
type JsonSchema = {description?: string; properties?: Record<string, JsonSchema>; title?: string}

export function defaultHeader(config: Pick<HactlConfig, 'app' | 'region' | 'site'>): string[] {
  const label = APP_PROFILES[config.app]?.label ?? config.app
  return [
    `hactl.yml: ${label} site "${config.site}" in ${config.region}.`,
    '',
    'Only site, app and region are required; every other key below shows its',
    'default and may be removed. `hactl config schema` prints the reference',
    '(allowed values and defaults); `hactl config validate` checks this file;',
    '`hactl config show` prints it with the defaults applied.',
    '',
    'For completion and checks in your editor (yaml-language-server, e.g. the',
    'VS Code YAML extension), run',
    '  hactl config schema --output hactl.schema.json',
    'and make this the first line of the file:',
    '  # yaml-language-server: $schema=./hactl.schema.json',
  ]
}

/** Commented YAML for `config`; parses back to the same config. */
export function renderConfigYaml(config: HactlConfig, options: RenderConfigOptions = {}): string {
  const ordered = orderConfig(config as unknown as Json)
  const doc = new Document(ordered)
  if (options.comments ?? true) {
    doc.commentBefore = comment(options.header ?? defaultHeader(config), '#') ?? null
    const schema = configFileSchema() as JsonSchema
    annotate(doc.contents as YAMLMap, schema, schema, '', config as unknown as Json)
  }

  return doc.toString({lineWidth: 0})
}

function annotate(map: YAMLMap, root: JsonSchema, schema: JsonSchema, path: string, value: Json): void {
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue
    const key = String(pair.key.value)
    const keyPath = path === '' ? key : `${path}.${key}`
    const child = schema.properties?.[key]
    const lines = child?.description ? wrap(child.description, 78 - 2 * depth(path)) : []
    // An optional key that is not set is shown, commented out, where it would go.
    const missing = missingOptionalBefore(root, keyPath, path, value)
    pair.key.commentBefore = comment([...missing, ...lines])
    // A blank line between top-level sections (the header's own gap comes before the first).
    if (path === '' && pair !== map.items[0]) pair.key.spaceBefore = true
    if (isMap(pair.value) && child && key !== 'tags') annotate(pair.value, root, child, keyPath, (value[key] ?? {}) as Json)
  }
}

/** Commented-out examples for unset optional keys that belong just before `keyPath`. */
function missingOptionalBefore(root: JsonSchema, keyPath: string, parent: string, value: Json): string[] {
  const out: string[] = []
  for (const [optional, example] of Object.entries(OPTIONAL_EXAMPLES)) {
    const parts = optional.split('.')
    const name = parts.pop() as string
    if (parts.join('.') !== parent || name in value) continue
    const keys = parent === '' ? KEY_ORDER : (SECTION_ORDER[parent] ?? [])
    const next = keys.slice(keys.indexOf(name) + 1).find((k) => k in value)
    const nextPath = parent === '' ? next : `${parent}.${next}`
    if (nextPath !== keyPath) continue
    const section = parts.reduce<JsonSchema | undefined>((s, p) => s?.properties?.[p], root)
    const text = section?.properties?.[name]?.description
    out.push(...(text ? wrap(text, 78 - 2 * depth(keyPath)) : []), example, '')
  }

  // Top-level keys get a blank line before them anyway; nested ones need one
  // to keep the example apart from the previous key.
  if (out.length > 0 && parent !== '') out.unshift('')
  return out
}

function depth(path: string): number {
  return path === '' ? 0 : path.split('.').length
}

/**
 * Lines for a YAML comment. yaml prefixes "#" to each line, leaves an empty
 * line empty and turns a line of one space into a bare "#"; `blank` picks
 * which of the two an empty entry becomes.
 */
function comment(lines: readonly string[], blank: '' | '#' = ''): string | undefined {
  if (lines.length === 0) return undefined
  return lines.map((l) => (l === '' ? (blank === '#' ? ' ' : '') : ` ${l}`)).join('\n')
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }

  if (line !== '') lines.push(line)
  return lines
}
