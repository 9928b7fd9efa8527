/** Finding hactl.yml and reading it from disk. */
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {ConfigError, UserError} from '../core/errors'
import {parseConfigFile, type ParseConfigOptions} from './parse'
import type {HactlConfig} from './schema'

export const CONFIG_FILE_NAME = 'hactl.yml'

export interface FindConfigPathOptions {
  /** `--config`; relative paths are taken from `cwd`. */
  readonly explicit?: string
  /**
   * Where `HACTL_CONFIG` is read from.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv
  /** Where the upward search starts. */
  readonly cwd: string
}

/**
 * The hactl.yml to use: `--config`, else `$HACTL_CONFIG`, else the nearest
 * hactl.yml in `cwd` or a parent directory (like git finds `.git`, so any
 * subdirectory of the site's repository works). An explicit path is returned
 * even when it does not exist, so loading it says so; undefined when the
 * search finds nothing.
 */
export function findConfigPath(options: FindConfigPathOptions): string | undefined {
  const env = options.env ?? process.env
  if (options.explicit) return resolve(options.cwd, options.explicit)
  if (env.HACTL_CONFIG) return resolve(options.cwd, env.HACTL_CONFIG)

  let dir = resolve(options.cwd)
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME)
    // Anything named hactl.yml stops the search, a directory too: loading it says what is wrong,
    // where skipping it would quietly use a parent directory's file for another site.
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/**
 * Where `hactl init` writes: `--config`, else `$HACTL_CONFIG` (the same
 * places later commands look first), else hactl.yml in `cwd`. No upward
 * search: init makes a new file here, it does not edit a parent's.
 */
export function initConfigPath(options: FindConfigPathOptions): string {
  const env = options.env ?? process.env
  return resolve(options.cwd, options.explicit || env.HACTL_CONFIG || CONFIG_FILE_NAME)
}

/** A validated hactl.yml and where it came from. */
export interface LoadedConfig {
  /** Absolute path of the file. */
  readonly path: string
  /** The config with every default applied. */
  readonly config: HactlConfig
  /** `region` as written in the file, before `--region` replaced it. */
  readonly fileRegion?: string
}

/**
 * Refuses a `--region` unlike the file's `region` for work that changes the
 * site: a site lives in one Region, and the other Region would quietly get a
 * second copy of it. Read-only commands may still look elsewhere.
 */
export function assertSiteRegion(loaded: LoadedConfig): void {
  const {fileRegion} = loaded
  const {region} = loaded.config
  if (fileRegion === undefined || fileRegion === region) return
  throw new UserError('region-mismatch', `--region ${region} differs from region: ${fileRegion} in ${loaded.path}; a site lives in one Region.`, {
    data: {file: loaded.path, fileRegion, flagRegion: region},
    suggestions: [`Drop --region (the site is in ${fileRegion}), or change region in ${loaded.path} if you mean to move the site.`],
  })
}

export type LoadConfigOptions = ParseConfigOptions

/** Reads and validates hactl.yml. ConfigError when it is missing, unreadable or invalid. */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const absolute = resolve(path)
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new ConfigError(`${absolute} does not exist.`, {
        cause: error,
        file: absolute,
        suggestions: ['Run `hactl init` to write one, or point at another file with --config <path> (or HACTL_CONFIG).'],
      })
    }

    if (code === 'EISDIR') {
      throw new ConfigError(`Cannot read ${absolute}: it is a directory, not a file.`, {
        cause: error,
        file: absolute,
        suggestions: ['Move the directory away and run `hactl init`, or point at the file with --config <path> (or HACTL_CONFIG).'],
      })
    }

    throw new ConfigError(`Cannot read ${absolute}: ${(error as Error).message}`, {
      cause: error,
      file: absolute,
      suggestions: ['Check that it is a file and that you may read it.'],
    })
  }

  return {...parseConfigFile(text, absolute, options), path: absolute}
}
