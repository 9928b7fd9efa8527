/**
 * Loads and validates hactl.yml before a command runs, so a broken file is
 * reported once, up front, with the config exit code. Commands that write or
 * describe the file (init, config schema, config validate) and help/version
 * skip it.
 */
import type {Hook} from '@oclif/core'

import {setCachedConfig} from '../../src/cli/config-cache'
import {flagValue} from '../../src/cli/argv'

const SKIP = new Set(['config:schema', 'config:validate', 'help', 'init', 'sandbox:reset'])

const hook: Hook.Init = async function (options) {
  const {argv, config, id} = options
  if (!id || id.startsWith('-') || SKIP.has(id) || argv.some((a) => a === '--help' || a === '-h' || a === '--version')) return
  const {findConfigPath, loadConfig} = await import('../../src/config/load')
  const path = findConfigPath({cwd: process.cwd(), env: process.env, explicit: flagValue(argv, 'config')})
  try {
    setCachedConfig(config, {loaded: path ? await loadConfig(path, {region: flagValue(argv, 'region')}) : null})
  } catch (error) {
    // Reported by the command (loadConfig/optionalConfig rethrow it), in its own output format.
    setCachedConfig(config, {error})
  }
}

export default hook
