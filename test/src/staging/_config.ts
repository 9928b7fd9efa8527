/** A resolved hactl.yml for the staging renderer's tests. */
import {parseConfig} from '../../../src/config'
import {type HactlConfig} from '../../../src/config'

export function stagingConfig(app: 'moodle' | 'wordpress', extra = ''): HactlConfig {
  return parseConfig(`site: demo\napp: ${app}\nregion: eu-west-1\n${extra}`, 'hactl.yml')
}
