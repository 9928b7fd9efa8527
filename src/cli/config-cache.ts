/**
 * The init hook loads hactl.yml before the command runs; the command picks the
 * result up here (and rethrows a load error, so it is reported in the
 * command's own format, JSON included). Keyed by oclif's Config object (one
 * per CLI run), so two runs in one process (tests) never see each other's file.
 */
import type {Interfaces} from '@oclif/core'

type Config = Interfaces.Config

import type {LoadedConfig} from '../config/load'

/** What the hook found: a file, no file (`null`), or the error loading it. */
export type CachedConfig = {readonly error: unknown} | {readonly loaded: LoadedConfig | null}

const cache = new WeakMap<Config, CachedConfig>()

export function setCachedConfig(config: Config, value: CachedConfig): void {
  cache.set(config, value)
}

/** undefined when the hook did not look (help, init, tests that skip hooks). */
export function getCachedConfig(config: Config): CachedConfig | undefined {
  return cache.get(config)
}
