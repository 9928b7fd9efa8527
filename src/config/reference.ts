/**
 * The README's hactl.yml reference, generated from the schema and the app
 * defaults so it cannot drift: `npm run docs` rewrites it and a test fails
 * when the README is out of date.
 */
import {defaultsFor} from './app-defaults'
import {configFileSchema} from './schema'

interface SchemaNode {
  readonly type?: string | string[]
  readonly description?: string
  readonly enum?: readonly unknown[]
  readonly properties?: Record<string, SchemaNode>
  readonly items?: SchemaNode
  readonly additionalProperties?: boolean | SchemaNode
  readonly minimum?: number
  readonly maximum?: number
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
}

function lookup(object: unknown, path: readonly string[]): unknown {
  let current = object
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }

  return current
}

function show(value: unknown): string {
  if (value === undefined) return '—'
  if (Array.isArray(value)) return value.length === 0 ? '`[]`' : value.map((v) => `\`${String(v)}\``).join(', ')
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? '`{}`' : '`{…}`'
  return `\`${String(value)}\``
}

function allowed(node: SchemaNode): string {
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' | ')
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type ?? ''
  if (type === 'array') return `list of ${node.items ? allowed(node.items) : 'values'}`
  if (type === 'object') return 'map'
  const range =
    node.minimum !== undefined || node.maximum !== undefined ? ` ${node.minimum ?? '…'}–${node.maximum ?? '…'}` : ''
  return `${type}${range}`
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

export function configReferenceMarkdown(): string {
  const schema = configFileSchema() as SchemaNode
  const wordpress = defaultsFor('wordpress', {})
  const moodle = defaultsFor('moodle', {})
  const rows: string[] = []

  function walk(node: SchemaNode, path: string[]): void {
    const isSection = node.type === 'object' && node.properties && Object.keys(node.properties).length > 0
    if (isSection && path.length > 0 && node.additionalProperties === false) {
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [...path, key])
      return
    }

    if (path.length === 0) {
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [key])
      return
    }

    const wp = lookup(wordpress, path)
    const md = lookup(moodle, path)
    const required = path.length === 1 && ['app', 'region', 'site'].includes(path[0])
    const defaults = required ? '**required**' : wp === md || JSON.stringify(wp) === JSON.stringify(md) ? show(wp) : `WordPress ${show(wp)}; Moodle ${show(md)}`
    rows.push(`| \`${path.join('.')}\` | ${escape(allowed(node))} | ${escape(defaults)} | ${escape(node.description ?? '')} |`)
  }

  walk(schema, [])
  return ['| key | allowed | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

const START = '<!-- config-reference:start -->'
const END = '<!-- config-reference:end -->'

/** The README with its reference section replaced by the generated one. */
export function withConfigReference(readme: string): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start === -1 || end === -1) throw new Error(`README has no ${START} … ${END} section`)
  return `${readme.slice(0, start + START.length)}\n${configReferenceMarkdown()}\n${readme.slice(end)}`
}
