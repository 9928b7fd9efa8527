/** Finding hactl.yml and reading it from disk. */
import {existsSync, statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {ConfigError} from '../core/errors'
import {parseConfig, type ParseConfigOptions} from './parse'
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
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
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

    throw new ConfigError(`Cannot read ${absolute}: ${(error as Error).message}`, {
      cause: error,
      file: absolute,
      suggestions: ['Check that it is a file and that you may read it.'],
    })
  }

  return {config: parseConfig(text, absolute, options), path: absolute}
}
