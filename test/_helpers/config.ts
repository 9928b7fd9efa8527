/** A resolved hactl config for unit tests: defaults applied, overrides deep-merged. */
import {resolveConfig} from '../../src/config/parse'
import type {HactlConfig} from '../../src/config/schema'

export function testConfig(overrides: Record<string, unknown> = {}): HactlConfig {
  return resolveConfig({app: 'wordpress', region: 'eu-west-1', site: 'demo', ...overrides}, 'hactl.yml')
}
