/**
 * How `hactl init`, `hactl config show` and `hactl config validate` look on a
 * terminal. Only light modules here (no barrel, no schema): `config show` and
 * `config validate` load this, and must not load TypeBox.
 */
import {isAbsolute, relative} from 'node:path'

import {stringify} from 'yaml'

import type {InitConfigResult} from '../config/init'
import {orderConfig} from '../config/key-order'
import type {LoadedConfig} from '../config/load'

/** `hactl init`'s one line: what was written, and what to run next. */
export function renderInitResult(result: InitConfigResult, cwd: string): string {
  // "hactl.yml" reads better than a long absolute path when the file is here or below.
  const rel = relative(cwd, result.path)
  const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : result.path
  const {app, region, site} = result.config
  return `Wrote ${shown} for ${app} site ${site} (${region}). Next: hactl config show (every setting), hactl status (your AWS access).`
}

/** The resolved config as YAML, headed by a comment naming the file (the output is itself valid YAML). */
export function renderConfigShow(loaded: LoadedConfig): string {
  // Same key order as a generated hactl.yml, without its comments.
  const yaml = stringify(orderConfig(loaded.config as unknown as Record<string, unknown>), {lineWidth: 0})
  return `# ${loaded.path} (with defaults applied)\n${yaml}`.trimEnd()
}

/** What `hactl config validate` returns for a valid file (an invalid one fails with ConfigError). */
export interface ConfigValidateResult {
  readonly path: string
  readonly valid: true
  readonly site: string
  readonly app: string
  readonly region: string
}

export function renderConfigValid(result: ConfigValidateResult): string {
  return `${result.path} is valid: ${result.app} site ${result.site} in ${result.region}.`
}
