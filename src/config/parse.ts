/**
 * hactl.yml text → a fully resolved `HactlConfig`, or one `ConfigError` that
 * lists every problem with its line.
 *
 *   text ──parseDocument──▶ YAML document ──toJS──▶ raw object
 *     │ syntax errors                                  │
 *     ▼                                                ├─ ajv (file schema) ─▶ problems
 *   problems (stop)                                    ├─ app → defaults, deep-merged under raw
 *                                                      └─ cross-field checks ─▶ problems
 *   problems? ─▶ ConfigError(problems)   none ─▶ HactlConfig
 *
 * Every problem is placed in the file through `SourceMap`.
 */
import {basename} from 'node:path'

import {LineCounter, parseDocument} from 'yaml'

import {ConfigError, type ConfigProblem} from '../core/errors'
import {deepMerge, defaultsFor, isPlainObject} from './app-defaults'
import {isAppName, PATTERNS} from './constants'
import {crossCheck} from './cross-checks'
import {findDuplicateKeys} from './duplicate-keys'
import {describeValue, ProblemList} from './problems'
import type {HactlConfig} from './schema'
import {SourceMap} from './source-map'
import {resolvedErrors, validateFile} from './validate'

/**
 * Largest hactl.yml read. A real one is a few kilobytes; the cap keeps a
 * wrong file (a log, a dump) from stalling every command in the init hook.
 */
export const MAX_CONFIG_BYTES = 256 * 1024

export interface ParseConfigOptions {
  /**
   * Region that replaces the file's `region` (the `--region` flag).
   * @default the file's region
   */
  readonly region?: string
}

/** Parses and validates hactl.yml text. Throws one ConfigError listing every problem. */
export function parseConfig(text: string, file: string, options: ParseConfigOptions = {}): HactlConfig {
  return parseConfigFile(text, file, options).config
}

/** A parsed hactl.yml and the `region` it names itself, before `--region` replaces it. */
export interface ParsedConfigFile {
  readonly config: HactlConfig
  readonly fileRegion?: string
}

/** {@link parseConfig}, also returning the file's own region. */
export function parseConfigFile(text: string, file: string, options: ParseConfigOptions = {}): ParsedConfigFile {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    const size = `${Math.ceil(Buffer.byteLength(text, 'utf8') / 1024)} KiB`
    throw configError(file, [{column: 1, line: 1, message: `the file is ${size}, over hactl's limit of ${MAX_CONFIG_BYTES / 1024} KiB; is it the right file?`, path: ''}])
  }

  const lineCounter = new LineCounter()
  // `merge` reads YAML 1.1 merge keys (`<<: *base`), which YAML 1.2 leaves out but people use to share settings.
  // `uniqueKeys: false`: the package's own check is quadratic; findDuplicateKeys does it in one pass.
  const doc = parseDocument(text, {lineCounter, merge: true, prettyErrors: false, uniqueKeys: false})
  const source = new SourceMap(doc, lineCounter, text)
  const problems = new ProblemList(source)

  for (const error of doc.errors) {
    problems.addAt([], `YAML syntax: ${firstLine(error.message)}`, source.positionOfOffset(error.pos[0]))
  }

  for (const duplicate of findDuplicateKeys(doc)) {
    problems.addAt([], `YAML syntax: Map keys must be unique ("${duplicate.key}" is written twice)`, source.positionOfOffset(duplicate.offset))
  }

  // A file that does not parse has no trustworthy structure to check further.
  if (problems.length > 0) throw configError(file, problems.toArray())

  let raw: unknown
  try {
    raw = doc.toJS({maxAliasCount: 100})
  } catch (error) {
    problems.addAt([], `YAML: ${firstLine(error instanceof Error ? error.message : String(error))}`, {column: 1, line: 1})
    throw configError(file, problems.toArray())
  }

  if (!isPlainObject(raw)) {
    const what = raw === null || raw === undefined ? 'is empty' : `must be a map of keys, not ${describeValue(raw)}`
    problems.addAt([], `the file ${what}; it needs at least site, app and region (\`hactl init\` writes one)`, {column: 1, line: 1})
    throw configError(file, problems.toArray())
  }

  const config = resolve(raw, file, problems, options)
  return {config, fileRegion: typeof raw.region === 'string' ? raw.region : undefined}
}

/**
 * Validates a config given as an object (not text) and applies defaults:
 * what `hactl init` uses for its answers. Problems carry paths but no lines.
 */
export function resolveConfig(raw: Record<string, unknown>, file: string, options: ParseConfigOptions = {}): HactlConfig {
  return resolve(raw, file, new ProblemList(), options)
}

function resolve(raw: Record<string, unknown>, file: string, problems: ProblemList, options: ParseConfigOptions): HactlConfig {
  // Overrides go in first, so `--region` also stands in for a missing region.
  const user = applyOverrides(raw, options, problems)
  validateFile(user, problems, problems.source)
  const app = isAppName(user.app) ? user.app : undefined
  // Without a valid app the app-independent checks still run, on any app's defaults.
  const merged = deepMerge(defaultsFor(app ?? 'wordpress', user), user)
  crossCheck({app, merged, problems, raw: user})

  if (problems.length > 0) throw configError(file, problems.toArray())

  const internal = resolvedErrors(merged)
  if (internal.length > 0) {
    // Every user mistake is caught above; this means a default is wrong.
    throw new Error(`hactl bug: the resolved config does not match its schema: ${internal.join('; ')}`)
  }

  return merged as HactlConfig
}

function applyOverrides(raw: Record<string, unknown>, options: ParseConfigOptions, problems: ProblemList) {
  if (options.region === undefined) return raw
  if (!new RegExp(PATTERNS.region.pattern).test(options.region)) {
    // Added before the schema runs, so this (not the file's line) is the one region problem.
    problems.addAt(['region'], `--region ${PATTERNS.region.hint} (got ${describeValue(options.region)})`)
  }

  return {...raw, region: options.region}
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
}

/** The one error for a bad file: a one-line summary, the problems, and what to do. */
export function configError(file: string, problems: readonly ConfigProblem[]): ConfigError {
  const name = basename(file)
  return new ConfigError(`${name} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
    data: {file, problems},
    file,
    problems,
    suggestions: [
      `Fix the keys listed above in ${file}.`,
      'Run `hactl config schema` for every key with its allowed values and defaults.',
      'Run `hactl config validate` to check the file again.',
    ],
  })
}
