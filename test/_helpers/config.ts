/** A resolved hactl config for unit tests: defaults applied, overrides deep-merged. */
import {parseConfig, resolveConfig} from '../../src/config/parse'
import {ConfigError, type ConfigProblem} from '../../src/core/errors'
import type {HactlConfig} from '../../src/config/schema'

export function testConfig(overrides: Record<string, unknown> = {}): HactlConfig {
  return resolveConfig({app: 'wordpress', region: 'eu-west-1', site: 'demo', ...overrides}, 'hactl.yml')
}

/**
 * A config whose cache is Memcached, which hactl.yml can no longer say (the
 * config refuses it: issue 8, documentation 1). Doctor, the inventory and
 * destroy still meet a Memcached cluster made before that, so their tests
 * build such a config past the cross-check.
 */
export function legacyMemcachedConfig(overrides: Record<string, unknown> = {}): HactlConfig {
  const config = testConfig(overrides)
  const {replicas: _replicas, ...cache} = config.cache
  return {...config, cache: {...cache, engine: 'memcached'}}
}

/** The smallest valid hactl.yml. */
export const MINIMAL_YAML = 'site: demo\napp: wordpress\nregion: eu-west-1\n'

/** The problems of the ConfigError parseConfig throws for `text`; fails the test when it throws none. */
export function problemsOf(text: string): readonly ConfigProblem[] {
  let caught: unknown
  try {
    parseConfig(text, 'hactl.yml')
  } catch (error) {
    caught = error
  }

  expect(caught).toBeInstanceOf(ConfigError)
  return (caught as ConfigError).problems
}
