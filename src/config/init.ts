/**
 * `hactl init`'s library side: turn a few answers into a validated config and
 * write it as a commented hactl.yml, never over an existing file unless told.
 *
 * Its inputs are named after init's flags in errors (`--site`, not `site`),
 * because that is how the user gave them.
 */
import {resolve} from 'node:path'

import {ConfigError, UserError} from '../core/errors'
import {APP_PROFILES, COMMON_DEFAULTS} from './app-defaults'
import type {AppName, DatabaseEngine} from './constants'
import {resolveConfig} from './parse'
import {renderConfigYaml} from './render'
import type {HactlConfig} from './schema'
import {writeTextFile} from './write-file'

/** What `hactl init` asks (or takes from flags). */
export interface InitAnswers {
  readonly app: AppName
  readonly site: string
  readonly region: string
  /** @default none: the Elastic Beanstalk URL */
  readonly domain?: string
  /** @default the app's default engine (WordPress mysql, Moodle postgres) */
  readonly dbEngine?: DatabaseEngine
  /** Web (and seed) instance type. @default t3.small */
  readonly instanceType?: string
  /** @default 2 */
  readonly minSize?: number
  /** @default the larger of 4 and minSize + 1, so a rolling update can keep minSize in service */
  readonly maxSize?: number
}

export interface InitConfigOptions extends InitAnswers {
  /** Where to write hactl.yml. */
  readonly path: string
  /**
   * Replace an existing file.
   * @default false
   */
  readonly force?: boolean
}

export interface InitConfigResult {
  /** Absolute path of the file written. */
  readonly path: string
  /** The config as hactl reads it back, defaults applied. */
  readonly config: HactlConfig
}

/** The flag that supplies each key init sets. */
export const INIT_FLAGS: Readonly<Record<string, string>> = {
  app: '--app',
  'database.engine': '--db-engine',
  domain: '--domain',
  'environment.instanceType': '--instance-type',
  'environment.maxSize': '--max-size',
  'environment.minSize': '--min-size',
  region: '--region',
  site: '--site',
}

/** The answers init must have; with `--yes` nothing is asked, so each must come from a flag. */
export function requireInitAnswers(given: Partial<InitAnswers>): InitAnswers {
  const missing = (['app', 'site', 'region'] as const).filter((k) => given[k] === undefined || given[k] === '')
  if (missing.length > 0) {
    const flags = missing.map((k) => `--${k}`)
    throw new UserError('missing-flag', `hactl init --yes needs ${flags.join(', ')}.`, {
      data: {missing: flags},
      suggestions: [
        `Pass ${flags.join(' and ')}, e.g. hactl init --yes --app wordpress --site demo --region eu-west-1`,
        'Or run `hactl init` in a terminal without --yes to be asked.',
      ],
    })
  }

  return given as InitAnswers
}

/** The config init would write for these answers (validated, defaults applied). */
export function initialConfig(answers: InitAnswers): HactlConfig {
  const minSize = answers.minSize ?? COMMON_DEFAULTS.minSize
  const maxSize = answers.maxSize ?? Math.max(COMMON_DEFAULTS.maxSize, minSize + 1)
  const raw = {
    app: answers.app,
    region: answers.region,
    site: answers.site,
    ...(answers.domain ? {domain: answers.domain} : {}),
    database: {engine: answers.dbEngine ?? APP_PROFILES[answers.app]?.databaseEngines[0]},
    environment: {
      instanceType: answers.instanceType ?? COMMON_DEFAULTS.instanceType,
      maxSize,
      minSize,
    },
  }
  try {
    return resolveConfig(raw, 'hactl.yml')
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    // Say which flag (or answer) was wrong rather than which key of a file the user has not seen.
    const problems = error.problems.map((p) => {
      const flag = INIT_FLAGS[p.path]
      return flag ? `${flag}${p.message.slice(p.path.length)}` : p.message
    })
    throw new UserError('invalid-value', problems.join('; '), {
      cause: error,
      data: {problems},
      suggestions: ['Run `hactl init --help` for each flag\'s allowed values, or `hactl config schema` for the file\'s keys.'],
    })
  }
}

/**
 * Writes a commented hactl.yml for the answers. UserError `config-exists` if
 * the file is there and `force` is not set, `write-failed` if the path cannot
 * be written (a directory, a parent that is a file, no permission, …). With
 * `force` the new file replaces the old one in one rename, so a failed write
 * leaves the old file as it was.
 */
export async function initConfig(options: InitConfigOptions): Promise<InitConfigResult> {
  const config = initialConfig(options)
  const path = resolve(options.path)
  try {
    await writeTextFile(path, renderConfigYaml(config), {overwrite: options.force ?? false, what: 'hactl.yml', elsewhere: 'Or pass --config <path> to write it elsewhere.'})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    throw new UserError('config-exists', `${path} already exists; hactl init does not overwrite it.`, {
      cause: error,
      suggestions: [
        'Edit it by hand; `hactl config validate` checks it.',
        'Or pass --force to replace it, or --config <path> to write somewhere else.',
      ],
    })
  }

  return {config, path}
}
